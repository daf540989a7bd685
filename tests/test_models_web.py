"""Models in the Python web stack: JSON text, Python-named dicts, pydantic (v2) field types and
FastAPI results, all in the wire form, without pydantic becoming a dependency."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pydantic
import pytest
from fastapi import Body, FastAPI
from fastapi.encoders import jsonable_encoder
from fastapi.testclient import TestClient

from tests.support.factories import retrieved_run
from trigger_dev import models
from trigger_dev._model_support import Model
from trigger_dev.models import EnvironmentVariable, Run, RunStatus

# A run with an enum, dates, a nested model, a list of nested models, a free-form object,
# non-ASCII text and fields this SDK does not know (one of them inside a nested model).
RUN = retrieved_run(
    status="EXECUTING",
    metadata={"someKey": "café"},
    error={"message": "boom", "stackTrace": "at x", "errorCode": "E1"},
    relatedRuns={"parent": None, "children": [retrieved_run("run_2", futureField={"aB": 1})]},
    newTopLevel=[{"xY": 1}],
)
SECRET = {"name": "API_KEY", "value": "s3cr3t", "isSecret": False}


def run() -> Run:
    return Run.from_dict(json.loads(json.dumps(RUN)))


def test_to_json_is_the_compact_wire_form() -> None:
    text = run().to_json()
    assert json.loads(text) == RUN
    assert text == json.dumps(RUN, separators=(",", ":"), ensure_ascii=False)
    assert '"café"' in text  # non-ASCII characters are kept, not escaped
    assert json.loads(run().to_json(indent=2)) == RUN
    assert run().to_json(indent=2).startswith('{\n  "id": "run_1",')


def test_to_dict_with_python_names_renames_nested_models_too() -> None:
    named = run().to_dict(use_api_names=False)
    assert named["task_identifier"] == "t" and "taskIdentifier" not in named
    assert named["created_at"] == "2025-01-01T00:00:00.000Z"  # values stay as on the wire
    assert named["status"] == "EXECUTING" and type(named["status"]) is str
    assert named["error"] == {"message": "boom", "stack_trace": "at x", "errorCode": "E1"}
    child = named["related_runs"]["children"][0]
    assert child["task_identifier"] == "t" and child["futureField"] == {"aB": 1}
    assert named["related_runs"]["parent"] is None
    assert named["metadata"] == {"someKey": "café"}  # keys of free-form objects are data
    assert named["newTopLevel"] == [{"xY": 1}]  # unknown fields keep their wire names
    assert json.loads(run().to_json(use_api_names=False)) == named


def test_python_names_copy_a_value_of_the_wrong_type_as_it_is() -> None:
    model = Run.from_dict({**RUN, "relatedRuns": {"children": "not a list"}, "tags": "x"})
    named = model.to_dict(use_api_names=False)
    assert named["related_runs"] == {"children": "not a list"} and named["tags"] == "x"


@pytest.mark.parametrize("name", sorted(n for n in models.__all__ if isinstance(getattr(models, n), type)))
def test_every_model_knows_the_attribute_name_of_each_wire_field(name: str) -> None:
    cls = getattr(models, name)
    if not issubclass(cls, Model):
        return  # an enum
    assert set(cls._PYTHON_NAMES) == cls._KNOWN
    for wire, attribute in cls._PYTHON_NAMES.items():
        assert isinstance(getattr(cls, attribute), property), (wire, attribute)


def test_to_dict_and_dict_of_a_model_are_copies_of_the_wire_form() -> None:
    model = run()
    assert dict(model) == model.to_dict() == RUN
    copied = model.to_dict()
    copied["metadata"]["someKey"] = "changed"
    assert model.metadata == {"someKey": "café"}


def test_a_sensitive_field_is_masked_in_repr_but_kept_in_the_wire_form() -> None:
    variable = EnvironmentVariable.from_dict(SECRET)
    assert "s3cr3t" not in repr(variable)
    assert variable.to_dict()["value"] == "s3cr3t" and '"s3cr3t"' in variable.to_json()


def test_jsonable_encoder_gives_the_wire_form() -> None:
    assert jsonable_encoder(run()) == RUN
    assert jsonable_encoder([run(), {"run": run()}]) == [RUN, {"run": RUN}]


# pydantic


def test_a_type_adapter_takes_a_model_as_it_is_and_reads_a_wire_dict() -> None:
    adapter = pydantic.TypeAdapter(Run)
    model = run()
    assert adapter.validate_python(model) is model
    read = adapter.validate_python(RUN)
    assert type(read) is Run and read.status is RunStatus.EXECUTING
    assert adapter.validate_json(json.dumps(RUN)) == read
    assert adapter.dump_python(model) == RUN
    assert json.loads(adapter.dump_json(model)) == RUN


def test_a_type_adapter_reports_what_is_not_a_model_as_a_validation_error() -> None:
    adapter = pydantic.TypeAdapter(Run)
    without_id = {k: v for k, v in RUN.items() if k != "id"}
    with pytest.raises(
        pydantic.ValidationError, match="not the wire form of Run: id: required field is missing"
    ):
        adapter.validate_python(without_id)
    with pytest.raises(pydantic.ValidationError, match=r"expected Run or its wire form \(a dict\), got int"):
        adapter.validate_python(3)
    other = EnvironmentVariable.from_dict(SECRET)
    with pytest.raises(pydantic.ValidationError, match="expected Run"):
        adapter.validate_python(other)


class Report(pydantic.BaseModel):
    run: Run
    runs: list[Run] = pydantic.Field(default_factory=list)
    maybe: Run | None = None
    variable: EnvironmentVariable | None = None


def test_a_model_is_a_field_type_of_a_pydantic_model() -> None:
    report = Report(run=run(), runs=[RUN, run()], variable=SECRET)  # type: ignore[list-item,arg-type]
    assert type(report.runs[0]) is Run and report.runs[0].task_identifier == "t"
    dumped = report.model_dump()
    assert dumped == {"run": RUN, "runs": [RUN, RUN], "maybe": None, "variable": SECRET}
    assert json.loads(report.model_dump_json()) == dumped
    assert Report.model_validate_json(report.model_dump_json()) == report
    dumped["run"]["metadata"]["someKey"] = "changed"  # a copy, not the model's own data
    assert report.run.metadata == {"someKey": "café"}
    with pytest.raises(pydantic.ValidationError) as caught:
        Report(run={"id": "run_1"})  # type: ignore[arg-type]
    assert caught.value.errors()[0]["loc"] == ("run",)


def test_the_json_schema_names_the_wire_fields() -> None:
    schema = Report.model_json_schema()
    assert schema["properties"]["run"] == {"$ref": "#/$defs/Run"}
    definition = schema["$defs"]["Run"]
    assert definition["type"] == "object" and definition["additionalProperties"] is True
    assert definition["description"] == "A single run with its inputs, results and relatives."
    assert set(definition["properties"]) == Run._KNOWN
    assert list(definition["properties"])[:3] == ["id", "taskIdentifier", "status"]
    assert set(definition["required"]) == Run._REQUIRED
    assert "description" in schema["$defs"]["EnvironmentVariable"]["properties"]["value"]
    assert pydantic.TypeAdapter(Run).json_schema(mode="serialization") == definition


# FastAPI


@pytest.fixture
def client() -> Iterator[TestClient]:
    app = FastAPI()

    @app.get("/annotated")
    def annotated() -> Run:
        return run()

    @app.get("/plain")
    def plain():  # type: ignore[no-untyped-def]  # FastAPI's jsonable_encoder path
        return run()

    @app.get("/plain-list")
    def plain_list():  # type: ignore[no-untyped-def]
        return [run(), run()]

    @app.get("/list")
    def runs() -> list[Run]:
        return [run(), run()]

    @app.get("/report")
    def report() -> Report:
        return Report(run=run(), variable=EnvironmentVariable.from_dict(SECRET))

    @app.get("/plain-report")
    def plain_report():  # type: ignore[no-untyped-def]
        return Report(run=run())

    @app.get("/response-model", response_model=Run)
    def response_model() -> Any:
        return RUN  # a wire dict, validated into a Run and written back

    @app.get("/variable")
    def variable() -> EnvironmentVariable:
        return EnvironmentVariable.from_dict(SECRET)

    @app.post("/echo")
    def echo(body: Run = Body()) -> Run:  # noqa: B008
        return body

    with TestClient(app) as test_client:
        yield test_client


@pytest.mark.parametrize("path", ["/annotated", "/plain", "/response-model"])
def test_an_endpoint_returns_a_model_as_its_wire_json(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.json() == RUN


@pytest.mark.parametrize("path", ["/list", "/plain-list"])
def test_an_endpoint_returns_a_list_of_models(client: TestClient, path: str) -> None:
    assert client.get(path).json() == [RUN, RUN]


def test_an_endpoint_returns_a_pydantic_model_holding_models(client: TestClient) -> None:
    assert client.get("/report").json() == {"run": RUN, "runs": [], "maybe": None, "variable": SECRET}
    assert client.get("/plain-report").json() == {"run": RUN, "runs": [], "maybe": None, "variable": None}


def test_an_endpoint_returns_a_sensitive_field_unmasked(client: TestClient) -> None:
    assert client.get("/variable").json() == SECRET


def test_an_endpoint_reads_a_model_from_a_request_body(client: TestClient) -> None:
    assert client.post("/echo", json=RUN).json() == RUN
    refused = client.post("/echo", json={"id": "run_1"})
    assert refused.status_code == 422
    assert "not the wire form of Run" in refused.json()["detail"][0]["msg"]


def test_the_openapi_document_describes_the_models(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    schemas = document["components"]["schemas"]
    assert set(schemas["Run"]["required"]) == Run._REQUIRED
    assert schemas["Report"]["properties"]["run"] == {"$ref": "#/components/schemas/Run"}
    ok = document["paths"]["/annotated"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok == {"$ref": "#/components/schemas/Run"}


# pydantic stays optional


def test_importing_and_reading_models_does_not_import_pydantic() -> None:
    code = (
        "import sys, json\n"
        "import trigger_dev\n"
        "from trigger_dev.models import Run\n"
        f"run = Run.from_dict(json.loads({json.dumps(json.dumps(RUN))}))\n"
        "run.status, run.related_runs.children[0].created_at, repr(run), dict(run)\n"
        "run.to_json(), run.to_dict(use_api_names=False)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic', 'pydantic_core', 'fastapi')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
