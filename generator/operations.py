"""Routes, SDK methods and resource namespaces, from the operations and their ``x-sdk``."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from generator.credentials import credentials_of, kind_label
from generator.names import python_name, translate
from generator.openapi_parser import (
    Endpoint,
    NoneProperty,
    pascal_case,
    properties_of,
    snake_case,
    wire_name,
)
from generator.parameters import ParameterBuilder, ParamView
from generator.spec import Document, GenerationError
from generator.typemap import TypeMap


@dataclass
class RouteView:
    constant: str
    operation_id: str
    method: str
    path: str
    credentials: list[str]
    params: list[ParamView]
    body: str | None
    pagination: str | None
    parse: str
    result: str
    envelope: str | None  # the list response model a page reads, for paginated routes
    summary: str
    description: str
    step: str | None
    offload: tuple[str, str] | None = None  # (payload field, field or path param naming the task)
    resolves: list[tuple[str, str]] = field(default_factory=list)  # (URL field, data field)
    # (field, header, scope of a locally signed token) for fields read from a response header
    header_fields: list[tuple[str, str, str | None, str]] = field(default_factory=list)
    max_body: int | None = None  # bytes the server takes in one body (x-max-bytes)
    max_line: int | None = None  # bytes the server takes in one NDJSON line (x-max-line-bytes)
    when_empty: dict[str, Any] | None = None  # the result of an empty 2xx body (x-sdk-when-empty)
    headers: dict[str, str] = field(default_factory=dict)  # sent with every request (x-sdk-headers)
    exactly_one: list[str] = field(default_factory=list)  # Python names, one of which is sent
    final_statuses: list[int] = field(default_factory=list)  # never retried (x-sdk-final-statuses)
    since: str | None = None  # the first server release that serves the route (x-upstream.since)
    # Sent at most once (x-sdk-at-most-once): resent only when it cannot have reached the server,
    # unless the body field named by ``resend_safe_with`` (a Python name) is given.
    at_most_once: bool = False
    resend_safe_with: str | None = None
    # The route reads traceparent/tracestate and keeps them as the run's external trace
    # context (x-trace-context): the runtime sends the current OpenTelemetry context there.
    trace_context: bool = False
    # (data field, field naming its encoding) of the success body the runtime decodes
    packets: list[tuple[str, str]] = field(default_factory=list)

    @property
    def python_path(self) -> str:
        """The path with its placeholders named as the method's Python arguments."""
        path = self.path
        for param in self.params:
            if param.location == "path":
                path = path.replace("{" + param.wire + "}", "{" + param.python + "}")
        return path


@dataclass
class MethodView:
    resource: str
    name: str
    routes: list[RouteView]
    implementation: str | None
    positional_wire: list[str] = field(default_factory=list)
    positional: list[ParamView] = field(default_factory=list)
    keyword: list[ParamView] = field(default_factory=list)
    result: str = "None"
    constant: str = ""
    internal: bool = False  # called by the runtime, not a method of a namespace
    used_by: list[str] = field(default_factory=list)
    # Arguments the method always sends, by Python name (x-sdk `fixed`): queues.pause and
    # queues.resume are one route with a different `action`.
    fixed: dict[str, Any] = field(default_factory=dict)
    own_summary: str | None = None  # x-sdk `summary`: a method sharing its route with others
    own_description: str | None = None
    # Wire names and operation ids its descriptions may mention -> their Python names
    # (generator.voice); empty until the context is built.
    words: dict[str, str] = field(default_factory=dict)

    @property
    def sdk_name(self) -> str:
        return f"{self.resource}.{self.name}"

    @property
    def async_result(self) -> str:
        """The async namespace's return type: lists give a paginator of async pages, typed by
        page and by item (``AsyncPaginator[AsyncCursorPage[ListRunItem], ListRunItem]``)."""
        if self.result.startswith(("CursorPage[", "OffsetPage[")):
            item = self.result[self.result.index("[") + 1 : -1]
            return f"AsyncPaginator[Async{self.result}, {item}]"
        return self.result

    @property
    def summary(self) -> str:
        if self.own_summary:
            return translate(self.own_summary, self.words)
        if len(self.routes) > 1 and not self.implementation:
            second = self.routes[1].summary
            return translate(f"{self.routes[0].summary}, or {second[:1].lower()}{second[1:]}.", self.words)
        return translate(self.routes[0].summary, self.words)

    @property
    def description(self) -> str:
        """One route's description; for a method with a route per credential, each in turn,
        after the credential and the request it sends (placeholders by their Python names)."""
        if self.own_description:
            return translate(self.own_description, self.words)
        if len(self.routes) == 1 or self.implementation:
            return translate(self.routes[0].description, self.words)
        return "\n\n".join(
            f"With {' or '.join(kind_label(k) for k in route.credentials)}, it sends "
            f"``{route.method} {route.python_path}``. {translate(route.description, self.words)}"
            for route in self.routes
        )


@dataclass
class ResourceView:
    name: str
    class_name: str
    description: str
    methods: list[MethodView]
    model_imports: list[str] = field(default_factory=list)
    type_imports: list[str] = field(default_factory=list)
    # Methods written by hand in a runtime module (x-sdk-runtime on the tag): module, sync
    # and async class, mixed into the namespace classes.
    runtime: tuple[str, str, str] | None = None

    def annotations(self) -> Iterator[str]:
        for method in self.methods:
            yield method.result
            for param in method.positional + method.keyword:
                yield param.annotation


class OperationBuilder:
    """Routes, the SDK methods built on them (``x-sdk``), and the resource namespaces."""

    def __init__(self, doc: Document, types: TypeMap, params: ParameterBuilder) -> None:
        self.doc = doc
        self.types = types
        self.params = params
        self.internal_methods: list[MethodView] = []

    def resources(self) -> list[ResourceView]:
        methods: dict[tuple[str, str], MethodView] = {}
        for path, method, operation, item in self.doc.raw_operations():
            if not operation.get("x-sdk"):
                raise GenerationError(f"{method.upper()} {path} has no x-sdk extension")
            entries = self.doc.sdk_methods(operation)
            route = self.route(path, method, operation, item)
            for sdk in entries:
                key = (sdk["resource"], sdk["method"])
                if key in methods and (sdk.get("fixed") or methods[key].fixed):
                    raise GenerationError(f"{'.'.join(key)}: a method with fixed arguments has one route")
                view = methods.setdefault(
                    key,
                    MethodView(
                        sdk["resource"],
                        sdk["method"],
                        [],
                        sdk.get("implementation"),
                        internal=bool(sdk.get("internal")),
                        used_by=list(sdk.get("used-by", [])),
                    ),
                )
                view.routes.append(route)
                if sdk.get("positional"):
                    view.positional_wire = list(sdk["positional"])
                view.fixed = self.fixed_of(view.sdk_name, route, sdk.get("fixed", {}))
                # A method of several routes (batch_trigger's two steps) may describe itself once.
                view.own_summary = sdk.get("summary") or view.own_summary
                view.own_description = (
                    " ".join(str(sdk.get("description", "")).split()) or view.own_description
                )
        for view in methods.values():
            self.complete_method(view)
        self.internal_methods = [view for view in methods.values() if view.internal]
        methods = {key: view for key, view in methods.items() if not view.internal}

        tags = {t["name"]: t for t in self.doc.spec.get("tags", [])}
        with_runtime = {name for name, tag in tags.items() if "x-sdk-runtime" in tag}
        resources = []
        for name in sorted({r for r, _ in methods} | with_runtime):
            resource_methods = [methods[k] for k in methods if k[0] == name]
            runtime = tags.get(name, {}).get("x-sdk-runtime")
            resources.append(
                ResourceView(
                    name=name,
                    class_name=pascal_case(name),
                    description=tags.get(name, {}).get("description", "").strip(),
                    methods=resource_methods,
                    runtime=(runtime["module"], runtime["sync"], runtime["async"]) if runtime else None,
                )
            )
        return resources

    @staticmethod
    def fixed_of(sdk_name: str, route: RouteView, fixed: dict[str, Any]) -> dict[str, Any]:
        """`fixed` wire names and values, checked against the route, keyed by Python name."""
        found = {}
        for wire, value in fixed.items():
            param = next((p for p in route.params if p.wire == wire), None)
            if param is None:
                raise GenerationError(
                    f"{sdk_name}: fixed {wire!r} is not a parameter of {route.operation_id}"
                )
            allowed = (param.schema or {}).get("enum")
            if allowed is not None and value not in allowed:
                raise GenerationError(f"{sdk_name}: fixed {wire}={value!r} is not one of {allowed}")
            found[param.python] = value
        return found

    def route(self, path: str, method: str, operation: dict[str, Any], item: dict[str, Any]) -> RouteView:
        operation_id = operation["operationId"]
        endpoint = self.doc.endpoints[python_name(operation_id)]
        sdk = self.doc.sdk_methods(operation)[0]  # what the methods of one route share
        params = [
            self.params.param(raw, endpoint)
            for raw in [*item.get("parameters", []), *operation.get("parameters", [])]
        ]
        body_kind = None
        offload = None
        body_schema: dict[str, Any] = {}
        request_body = self.doc.resolve(operation.get("requestBody"))
        if request_body:
            (content_type,) = request_body["content"]
            body_schema = self.doc.resolve(request_body["content"][content_type]["schema"])
            offload = self.offload_of(operation_id, body_schema)
            if request_body.get("x-sdk-raw"):
                body_kind = "text"
                params.append(
                    ParamView(
                        wire="body",
                        python="body",
                        location="body",
                        required=True,
                        annotation="str",
                        description="The body, as text.",
                        schema=None,
                        encoder="plain",
                    )
                )
            elif content_type == "application/json":
                body_kind = "json"
                params.extend(
                    self.params.body_params(request_body["content"][content_type]["schema"], endpoint)
                )
            elif content_type == "application/x-ndjson":
                body_kind = "ndjson"
                lines = ParamView(
                    wire="items",
                    python="items",
                    location="body",
                    required=True,
                    annotation="Sequence[Mapping[str, Any]]",
                    description="The objects to send, one per line.",
                    schema=None,
                    encoder="plain",
                )
                params.append(lines)
            else:
                raise GenerationError(f"{operation_id}: unsupported request body {content_type}")
        parse, result, envelope = self.result_of(operation, endpoint, sdk.get("pagination"))
        exactly_one = []
        for wire in body_schema.get("x-sdk-exactly-one", []):
            found = [p.python for p in params if p.wire == wire and p.location == "body"]
            if not found:
                raise GenerationError(f"{operation_id}: x-sdk-exactly-one names {wire!r}, not a body field")
            exactly_one.append(found[0])
        at_most_once, resend_safe_with = self.at_most_once_of(operation, params)
        return RouteView(
            constant=snake_case(operation_id).upper(),
            operation_id=operation_id,
            method=method.upper(),
            path=path,
            credentials=credentials_of(self.doc, operation),
            params=params,
            body=body_kind,
            pagination=sdk.get("pagination"),
            parse=parse,
            result=result,
            envelope=envelope,
            summary=operation.get("summary", "").strip(),
            description=operation.get("description", "").strip(),
            step=sdk.get("step"),
            offload=offload,
            resolves=self.resolves_of(operation),
            header_fields=self.header_fields_of(operation),
            max_body=request_body.get("x-max-bytes") if request_body else None,
            max_line=request_body.get("x-max-line-bytes") if request_body else None,
            when_empty=self.when_empty_of(operation),
            headers=self.headers_of(operation),
            exactly_one=exactly_one,
            final_statuses=[int(code) for code in operation.get("x-sdk-final-statuses", [])],
            since=(operation.get("x-upstream") or {}).get("since"),
            packets=self.packets_of(operation),
            at_most_once=at_most_once,
            resend_safe_with=resend_safe_with,
            trace_context=self.trace_context_of(operation),
        )

    @staticmethod
    def trace_context_of(operation: dict[str, Any]) -> bool:
        """``x-trace-context: external``: the route keeps the request's W3C trace context as
        the external trace of the runs it starts."""
        mark = operation.get("x-trace-context")
        if mark is None:
            return False
        if mark != "external":
            raise GenerationError(f"{operation['operationId']}: x-trace-context is 'external', got {mark!r}")
        return True

    @staticmethod
    def at_most_once_of(operation: dict[str, Any], params: list[ParamView]) -> tuple[bool, str | None]:
        """``x-sdk-at-most-once``: ``true``, or ``{unless: <body field>}`` when the server
        de-duplicates requests carrying that field."""
        mark = operation.get("x-sdk-at-most-once")
        if mark is None or mark is False:
            return False, None
        if mark is True:
            return True, None
        wire = mark.get("unless") if isinstance(mark, dict) else None
        found = [p.python for p in params if p.wire == wire and p.location == "body"]
        if not found:
            raise GenerationError(
                f"{operation['operationId']}: x-sdk-at-most-once is true or {{unless: <body field>}}, got {mark!r}"
            )
        return True, found[0]

    def packets_of(self, operation: dict[str, Any]) -> list[tuple[str, str]]:
        """Success-body fields the runtime decodes by the encoding another field names (x-sdk-packet)."""
        properties = self.success_schema(operation).get("properties", {})
        found = []
        for wire, raw in properties.items():
            type_field = self.doc.resolve(raw).get("x-sdk-packet")
            if type_field is not None:
                if type_field not in properties:
                    raise GenerationError(
                        f"{operation['operationId']}: {wire}'s x-sdk-packet names unknown {type_field}"
                    )
                found.append((wire, str(type_field)))
        return found

    def headers_of(self, operation: dict[str, Any]) -> dict[str, str]:
        headers = operation.get("x-sdk-headers", {})
        if not isinstance(headers, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in headers.items()
        ):
            raise GenerationError(f"{operation['operationId']}: x-sdk-headers maps header names to strings")
        reserved = {k for k in headers if k.lower() in {"authorization", "content-type", "user-agent"}}
        if reserved:
            raise GenerationError(f"{operation['operationId']}: x-sdk-headers cannot set {sorted(reserved)}")
        return dict(headers)

    def when_empty_of(self, operation: dict[str, Any]) -> dict[str, Any] | None:
        """What an empty success body means (a 204 from a delete, say), if the spec says."""
        for code, response in operation.get("responses", {}).items():
            if str(code).startswith("2") and "x-sdk-when-empty" in self.doc.resolve(response):
                value = self.doc.resolve(response)["x-sdk-when-empty"]
                names = {p["name"] for p in map(self.doc.resolve, operation.get("parameters", []))}
                names |= {p["name"] for p in map(self.doc.resolve, self.doc.path_item_parameters(operation))}
                for template in value.values():
                    if isinstance(template, str) and template.startswith("{") and template[1:-1] not in names:
                        raise GenerationError(
                            f"{operation['operationId']}: x-sdk-when-empty names {template}"
                        )
                return dict(value)
        return None

    def offload_of(self, operation_id: str, body: dict[str, Any]) -> tuple[str, str] | None:
        """The payload field the runtime may upload first (x-sdk-offload), and what names the task."""
        marked = [
            (wire, raw["x-sdk-offload"])
            for wire, raw in body.get("properties", {}).items()
            if "x-sdk-offload" in self.doc.resolve(raw)
        ]
        if not marked:
            return None
        if len(marked) > 1:
            raise GenerationError(f"{operation_id}: more than one x-sdk-offload field")
        wire, mark = marked[0]
        options = self.doc.resolve(body["properties"].get("options", {}))
        if not {"payloadType", "payloadSize"} <= options.get("properties", {}).keys():
            raise GenerationError(
                f"{operation_id}: x-sdk-offload needs options.payloadType and options.payloadSize"
            )
        return wire, str(mark["task"])

    def success_schema(self, operation: dict[str, Any]) -> dict[str, Any]:
        for code, response in operation.get("responses", {}).items():
            if str(code).startswith("2"):
                content = self.doc.resolve(response).get("content", {}).get("application/json", {})
                return dict(self.doc.resolve(content.get("schema", {})))
        return {}

    def header_fields_of(self, operation: dict[str, Any]) -> list[tuple[str, str, str | None, str]]:
        """Result fields the runtime fills from a response header (x-sdk-from-header)."""
        found = []
        for wire, raw in self.success_schema(operation).get("properties", {}).items():
            mark = self.doc.resolve(raw).get("x-sdk-from-header")
            if mark is not None:
                found.append(
                    (wire, str(mark["header"]), mark.get("sign-scope"), mark.get("sign-expiration", "1h"))
                )
        return found

    def resolves_of(self, operation: dict[str, Any]) -> list[tuple[str, str]]:
        """Presigned URL fields of the success body the runtime downloads (x-sdk-resolves)."""
        for code, response in operation.get("responses", {}).items():
            if not str(code).startswith("2"):
                continue
            content = self.doc.resolve(response).get("content", {}).get("application/json", {})
            schema = self.doc.resolve(content.get("schema", {}))
            found = []
            for wire, raw in schema.get("properties", {}).items():
                target = self.doc.resolve(raw).get("x-sdk-resolves")
                if target is not None:
                    if target not in schema["properties"]:
                        raise GenerationError(
                            f"{operation['operationId']}: {wire} resolves into unknown {target}"
                        )
                    found.append((wire, str(target)))
            return found
        return []

    def result_of(
        self, operation: dict[str, Any], endpoint: Endpoint, pagination: str | None
    ) -> tuple[str, str, str | None]:
        """The reader of the success body, the Python result type, and the page envelope."""
        for response in endpoint.responses.patterns:
            codes = response.status_code.range
            if codes is None or not 200 <= codes[0] < 300:
                continue
            prop: Any = response.prop
            if isinstance(prop, NoneProperty):
                return "lambda _: None", "None", None
            if pagination:
                model = self.doc.models[str(prop.class_info.name)]
                data = next(p for p in properties_of(model) if wire_name(p) == "data")
                item = self.types.annotation(data.inner_property, inbound=True)
                page = {"cursor": "CursorPage", "page": "OffsetPage"}[pagination]
                return self.types.reader(prop), f"{page}[{item}]", str(prop.class_info.name)
            return self.types.reader(prop), self.types.annotation(prop, inbound=True), None
        raise GenerationError(f"{operation['operationId']} has no 2xx response")

    def complete_method(self, view: MethodView) -> None:
        view.constant = f"{view.resource}_{view.name}".upper()
        results = {r.result for r in view.routes if r.step in (None, "create")}
        if len(results) != 1:
            raise GenerationError(f"{view.sdk_name}: its routes return different types {results}")
        view.result = results.pop()
        if view.implementation:
            return
        seen: dict[str, ParamView] = {}
        # The route with the most parameters sets the order (runs.list: project_ref and env first).
        for route in sorted(view.routes, key=lambda r: -len(r.params)):
            for param in route.params:
                known = seen.get(param.python)
                if known is None:
                    seen[param.python] = param
                elif known.annotation != param.annotation:
                    raise GenerationError(f"{view.sdk_name}: {param.python} has two types")
        many = len(view.routes) > 1
        for wire in view.positional_wire:
            match = [p for p in seen.values() if p.wire == wire]
            if not match:
                raise GenerationError(f"{view.sdk_name}: positional {wire} is not a parameter")
            view.positional.append(match[0])
        rest = [p for p in seen.values() if p not in view.positional and p.python not in view.fixed]
        required = [p for p in rest if p.required and not many]
        optional = [p for p in rest if p not in required]
        # In a method with several routes, what one route requires is checked at call time.
        view.keyword = [replace(p, required=p.required and not many) for p in required + optional]
        view.positional = [replace(p, required=p.required and not many) for p in view.positional]


def batch_max_items(routes: list[RouteView]) -> int:
    for route in routes:
        for param in route.params:
            if (
                route.step == "create"
                and param.wire == "runCount"
                and param.schema
                and "maximum" in param.schema
            ):
                return int(param.schema["maximum"])
    raise GenerationError("the batch creation route needs runCount with a maximum")


def pagination_fields(doc: Document, types: TypeMap, routes: list[RouteView]) -> dict[str, str]:
    """Python attribute names of the wire fields the page classes read, per pagination style."""
    wanted = {
        "cursor": {"next": "cursor_next", "previous": "cursor_previous"},
        "page": {"currentPage": "page_current", "totalPages": "page_total", "count": "page_count"},
    }
    names: dict[str, str] = {}
    for route in routes:
        if not route.pagination:
            continue
        envelope = doc.models[route.envelope or ""]
        pagination = next(p for p in properties_of(envelope) if wire_name(p) == "pagination")
        fields = {wire_name(p): python_name(wire_name(p)) for p in properties_of(types.canonical(pagination))}
        for wire, key in wanted[route.pagination].items():
            if wire not in fields:
                raise GenerationError(f"{route.operation_id}: pagination has no {wire!r} field")
            names[key] = fields[wire]
    return names
