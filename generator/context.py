"""The context every template renders with: a typed record of everything the earlier stages
built from the document."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, fields
from typing import Any

from generator.credentials import CredentialKindView, credential_kinds
from generator.models import (
    EnumView,
    ModelView,
    StatusFacts,
    enum_views,
    model_views,
    reachable_models,
    status_facts,
    yielded_models,
)
from generator.operations import (
    MethodView,
    OperationBuilder,
    ResourceView,
    RouteView,
    batch_max_items,
    pagination_fields,
)
from generator.parameters import InputTypeView, ParameterBuilder, ParamView
from generator.spec import ROOT, Document, GenerationError
from generator.typemap import TypeMap, literal_name
from generator.voice import speak_python

# An unknown token is sent as a secret key: the server remains the judge.
FALLBACK_KIND = "secret_key"


@dataclass(frozen=True)
class Context:
    api_version: str  # info.x-trigger-api-version
    api_title: str
    default_base_url: str  # servers[0].url
    package_version: str  # pyproject.toml
    credential_kinds: list[CredentialKindView]
    fallback_kind: str
    resources: list[ResourceView]  # namespaces with their public methods
    internal_methods: list[MethodView]  # operations the runtime calls on its own
    routes: list[RouteView]  # every route, public and internal
    models: list[ModelView]
    enums: list[EnumView]
    input_types: list[InputTypeView]  # option dicts, dependencies first
    shared_params: list[ParamView]  # components.parameters used by routes
    batch_max_items: int
    page_fields: dict[str, str]  # cursor_next, cursor_previous, page_current, page_total, page_count
    statuses: StatusFacts  # database status -> API status, and the status flags

    def template_variables(self) -> dict[str, Any]:
        # Not dataclasses.asdict: the views keep their methods and properties.
        return {f.name: getattr(self, f.name) for f in fields(self)}


def build_context(doc: Document) -> Context:
    types = TypeMap(doc.models, enum_accepts={e.name: e.accepts for e in enum_views(doc) if e.accepts})
    params = ParameterBuilder(doc, types)
    operations = OperationBuilder(doc, types, params)
    resources = operations.resources()
    response_roots: list[Any] = []
    for endpoint in doc.endpoints.values():
        response_roots.extend(r.prop for r in endpoint.responses.patterns)
    response_roots.extend(yielded_models(doc))
    models = model_views(doc, types, reachable_models(doc, types, response_roots))
    input_names = {t.name for t in params.input_order}
    model_names = {m.name for m in models} | set(doc.enums) | {literal_name(e) for e in doc.enums}
    clash = input_names & model_names
    if clash:
        raise GenerationError(f"schemas used both in requests and responses: {sorted(clash)}")
    for resource in resources:
        used = {word for text in resource.annotations() for word in re.findall(r"[A-Za-z_]\w*", text)}
        resource.model_imports = sorted(used & model_names)
        resource.type_imports = sorted(used & input_names)
        if any(m.implementation == "batch_trigger" for m in resource.methods):
            resource.type_imports = sorted(
                {*resource.type_imports, "BatchTriggerItem", "BatchTriggerOptions"}
            )
    enums = enum_views(doc)
    speak_python(resources, operations.internal_methods, models, enums, params.input_order)
    routes = [route for resource in resources for method in resource.methods for route in method.routes]
    routes += [route for method in operations.internal_methods for route in method.routes]
    routes = list({route.constant: route for route in routes}.values())  # one route, several methods
    shared_params = {p.shared: p for route in routes for p in route.params if p.shared}
    return Context(
        api_version=doc.spec["info"]["x-trigger-api-version"],
        api_title=doc.spec["info"]["title"],
        default_base_url=doc.spec["servers"][0]["url"],
        package_version=package_version(),
        credential_kinds=credential_kinds(doc),
        fallback_kind=FALLBACK_KIND,
        resources=resources,
        internal_methods=operations.internal_methods,
        routes=routes,
        models=models,
        enums=enums,
        input_types=params.input_order,
        shared_params=[shared_params[name] for name in sorted(shared_params)],
        batch_max_items=batch_max_items(routes),
        page_fields=pagination_fields(doc, types, routes),
        statuses=status_facts(doc),
    )


def package_version() -> str:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return str(pyproject["project"]["version"])
