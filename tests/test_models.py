"""Generated models: open enums, unknown fields kept, wire round trips, precise schema errors."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable

import pytest

from tests.support.factories import run_list_item
from trigger_dev import SchemaError
from trigger_dev.models import ListRunItem, Run, RunStatus, Schedule

LIST_ITEM = run_list_item()


def test_known_enum_values_compare_to_members_and_strings() -> None:
    item = ListRunItem.from_dict(LIST_ITEM)
    assert item.status is RunStatus.COMPLETED
    assert item.status == "COMPLETED"
    assert str(item.status) == "COMPLETED"


def test_an_enum_value_the_client_does_not_know_is_kept_as_a_string() -> None:
    item = ListRunItem.from_dict({**LIST_ITEM, "status": "HIBERNATING"})
    status: str = item.status  # typed as the known values; the value itself is kept
    assert status == "HIBERNATING"
    assert not isinstance(item.status, RunStatus)
    assert item.to_dict()["status"] == "HIBERNATING"


def test_unknown_fields_are_kept_and_written_back() -> None:
    item = ListRunItem.from_dict({**LIST_ITEM, "newField": {"x": [1, 2]}})
    assert item.additional_properties == {"newField": {"x": [1, 2]}}
    assert item.to_dict()["newField"] == {"x": [1, 2]}


def test_to_dict_gives_back_the_wire_form() -> None:
    item = ListRunItem.from_dict(LIST_ITEM)
    assert item.to_dict() == LIST_ITEM
    assert item.created_at == datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc)
    assert item.task_identifier == "t"


def test_from_dict_does_not_change_its_input() -> None:
    data = json.loads(json.dumps(LIST_ITEM))
    ListRunItem.from_dict(data)
    assert data == LIST_ITEM


def test_missing_and_null_optional_fields_read_as_none() -> None:
    item = ListRunItem.from_dict({**LIST_ITEM, "version": None})
    assert item.version is None and item.finished_at is None


@pytest.mark.parametrize(
    ("change", "read", "where"),
    [
        ({"id": 5}, lambda item: item.id, "ListRunItem.id: expected a string"),
        (
            {"createdAt": "yesterday"},
            lambda item: item.created_at,
            "ListRunItem.createdAt: expected an ISO 8601 date-time",
        ),
        ({"env": {"name": "prod"}}, lambda item: item.env, "ListRunItem.env.id: required field is missing"),
        ({"tags": ["a", 3]}, lambda item: item.tags, "ListRunItem.tags[1]: expected a string"),
        ({"isTest": "no"}, lambda item: item.is_test, "ListRunItem.isTest: expected a boolean"),
    ],
)
def test_a_field_that_breaks_the_schema_is_named_when_read(
    change: dict[str, object], read: Callable[[ListRunItem], object], where: str
) -> None:
    item = ListRunItem.from_dict({**LIST_ITEM, **change})
    with pytest.raises(SchemaError) as caught:
        read(item)
    assert str(caught.value).startswith(where)
    assert item.task_identifier == "t"  # the other fields still read


def test_a_missing_required_field_is_reported() -> None:
    data = dict(LIST_ITEM)
    del data["id"]
    with pytest.raises(SchemaError, match="^id: required field is missing$"):
        ListRunItem.from_dict(data)


def _page_items(count: int) -> list[dict[str, object]]:
    # As a decoder hands them over: one page, key layouts varying with the optional fields.
    items = []
    for i in range(count):
        item: dict[str, object] = {**LIST_ITEM, "id": f"run_{i}"}
        if i % 3:
            item["finishedAt"] = "2025-01-01T00:00:05.000Z"
        if i % 5 == 0:
            item["version"] = None
        items.append(item)
    return json.loads(json.dumps(items))  # type: ignore[no-any-return]


@pytest.mark.parametrize("where", [0, 1, 57, 99])
def test_every_item_of_a_page_is_checked_for_required_fields(where: int) -> None:
    from trigger_dev._model_support import list_reader

    read = list_reader(ListRunItem._from_wire)
    items = _page_items(100)
    assert [item.id for item in read(items)] == [f"run_{i}" for i in range(100)]
    del items[where]["taskIdentifier"]
    with pytest.raises(SchemaError) as caught:
        read(items)
    assert str(caught.value) == f"[{where}].taskIdentifier: required field is missing"
    items[where] = ["not", "an", "object"]  # type: ignore[call-overload]
    with pytest.raises(SchemaError, match=rf"^\[{where}\]: expected an object"):
        read(items)


def test_nested_models_and_nullable_dates() -> None:
    schedule = Schedule.from_dict(
        {
            "id": "sched_1",
            "type": "IMPERATIVE",
            "task": "t",
            "active": True,
            "generator": {"type": "CRON", "expression": "0 9 * * *", "description": "At 09:00"},
            "timezone": "UTC",
            "nextRun": None,
            "nextRunEffectiveAt": "2025-01-01T09:00:00.000Z",
            "environments": [{"id": "env_1", "type": "PRODUCTION", "shortcode": "abc", "futureKey": 1}],
        }
    )
    assert schedule.next_run is None
    assert schedule.generator.expression == "0 9 * * *"
    assert schedule.environments[0].additional_properties == {"futureKey": 1}
    assert schedule.to_dict()["nextRun"] is None


def test_the_run_model_reads_related_runs() -> None:
    related = {k: v for k, v in LIST_ITEM.items() if k not in ("env", "taskKind")}
    related["triggerFunction"] = "trigger"
    body = {
        **related,
        "attemptCount": 1,
        "attempts": [],
        "relatedRuns": {"children": [dict(related, id="run_2")]},
    }
    run = Run.from_dict(body)
    assert [child.id for child in run.related_runs.children] == ["run_2"]
    assert run.attempts == []
