"""Docstrings in Python's words.

The spec's prose is written for the wire: it names query parameters (``filter[createdAt][from]``),
body and response fields (``runIds``, ``isCached``) and other operations (``listRuns``). A
Python user calls ``runs.list(from_=...)`` and reads ``result.is_cached``, so before the
templates render any description, each `name` in single backticks that is a wire name of the
thing described (or an operation id) becomes its Python name. Only whole backticked names
are translated: a literal value such as `stg` or `30m` is left as it is.

This module decides which names each description may use; `generator.names.translate` makes
the substitution (the operations' views call it too, for their summaries).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from generator.models import EnumView, ModelView
from generator.names import translate
from generator.operations import MethodView, ResourceView
from generator.parameters import InputTypeView, ParamView

# What a page gives for the pagination fields of a list response.
PAGE_WORDS = {
    "cursor": {"pagination.next": "next_cursor", "pagination.previous": "previous_cursor"},
    "page": {
        "pagination.currentPage": "current_page",
        "pagination.totalPages": "total_pages",
        "pagination.count": "count",
        "currentPage": "current_page",
        "totalPages": "total_pages",
    },
}


@dataclass
class Words:
    """The Python names the descriptions of each kind of thing may refer to."""

    operations: dict[str, str]  # operation id -> `resource.method`, or the route of an internal one
    inputs: dict[str, InputTypeView]  # options dict types by name
    models: dict[str, ModelView]

    def of_fields(self, pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
        return {**self.operations, **{wire: python for wire, python in pairs if wire != python}}

    def of_method(self, method: MethodView) -> dict[str, str]:
        words = dict(self.operations)
        nested: dict[str, str] = {}
        # The fields of the model it returns (or of a page's items): "`isCached` is true".
        for name in re.findall(r"\w+", method.result):
            if name in self.models:
                words.update({f.wire: f.python for f in self.models[name].fields if f.wire != f.python})
        for route in method.routes:
            if route.pagination:
                words.update(PAGE_WORDS[route.pagination])
        for param in (
            [p for route in method.routes for p in route.params] + method.positional + method.keyword
        ):
            if param.wire != param.python:
                words[param.wire] = param.python
            options = self.inputs.get(param.annotation.removeprefix("Sequence[").removesuffix("]"))
            for field in options.fields if options else ():
                words[f"{param.wire}.{field.wire}"] = f'{param.python}["{field.key}"]'
                if field.wire != field.key:  # "`from` or `to`" inside a filter dict
                    nested.setdefault(field.wire, field.key)
        return {**nested, **words}


def speak_python(
    resources: list[ResourceView],
    internal: list[MethodView],
    models: list[ModelView],
    enums: list[EnumView],
    input_types: list[InputTypeView],
) -> None:
    """Translate, in place, every description the templates render as a docstring."""
    operations: dict[str, str] = {}
    for method in [m for r in resources for m in r.methods] + internal:
        for route in method.routes:
            if method.internal or method.implementation:  # a step of a call, not a call
                operations[route.operation_id] = f"``{route.method} {route.python_path}``"
            else:
                operations.setdefault(route.operation_id, method.sdk_name)
    words = Words(operations, {t.name: t for t in input_types}, {m.name: m for m in models})
    for resource in resources:
        resource.description = translate(resource.description, operations)
        for method in resource.methods:
            method.words = words.of_method(method)
            for param in method.positional + method.keyword:
                _translate_param(param, method.words)
    for model in models:
        model_words = words.of_fields((f.wire, f.python) for f in model.fields)
        model.description = translate(model.description, model_words)
        for f in model.fields:
            f.description = translate(f.description, model_words)
    for enum in enums:
        enum.description = translate(enum.description, operations)
    for options in input_types:
        option_words = words.of_fields((f.wire, f.key) for f in options.fields)
        options.description = translate(options.description, option_words)
        for item in options.fields:
            item.description = translate(item.description, option_words)


def _translate_param(param: ParamView, words: Mapping[str, str]) -> None:
    param.description = translate(param.description, words)
