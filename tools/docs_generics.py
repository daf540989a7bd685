"""A griffe extension for the documentation site (registered in `mkdocs.yml`, under the
mkdocstrings handler's ``extensions``): a method a class inherits from a generic base is
documented with the base's type variables replaced by what the class binds them to.

A namespace method written once for both clients (``class _PollMethods(StepMethods[Run,
RunT])``, then ``RunsWatching(_PollMethods[Run])`` and ``AsyncRunsWatching(_PollMethods[
Coroutine[Any, Any, Run]])``) would otherwise read ``-> RunT`` on both clients' pages. For each
class of the package this works out, through the whole chain of bases, what each ancestor's
type variables stand for in the class's terms, and has the class inherit a specialized copy of
each member whose annotations mention them. A return that becomes ``Coroutine[Any, Any,
X]`` or ``Awaitable[X]`` is shown as an ``async`` method returning ``X``, as a user awaits it.

A class's type parameters are those of its ``Generic[...]`` (or ``Protocol[...]``) base if it
has one, else the type variables of its bases in order of first appearance, as at run time.
Type variables no class binds (a method generic in its own right) are left as written.

Only griffe's tree is touched: the package's source, and the objects a base defines, stay as
they are. Imports griffe only."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterator, Sequence
from typing import Any, TypeAlias, TypeVar

from griffe import (
    Alias,
    AliasResolutionError,
    Attribute,
    Class,
    CyclicAliasError,
    Docstring,
    Expr,
    ExprAttribute,
    ExprCall,
    ExprKeyword,
    ExprName,
    ExprSubscript,
    ExprTuple,
    Extension,
    Function,
    GriffeLoader,
    Module,
    Object,
    Parameters,
)

TYPE_VARIABLE_FACTORIES = frozenset(
    f"{module}.{name}"
    for module in ("typing", "typing_extensions")
    for name in ("TypeVar", "ParamSpec", "TypeVarTuple")
)
GENERIC_MARKERS = frozenset(
    f"{module}.{name}" for module in ("typing", "typing_extensions") for name in ("Generic", "Protocol")
)
# What a caller awaits to get the last argument: how many arguments each one takes.
AWAITABLES = {
    "collections.abc.Coroutine": 3,
    "typing.Coroutine": 3,
    "collections.abc.Awaitable": 1,
    "typing.Awaitable": 1,
}

Annotation: TypeAlias = str | Expr
Bindings: TypeAlias = dict[str, Annotation]
"""A type variable's canonical path -> the annotation it stands for."""
MemberT = TypeVar("MemberT", Function, Attribute)


class GenericBases(Extension):
    """Specializes the members every class of a loaded package inherits from generic bases."""

    def on_package(self, *, pkg: Module, loader: GriffeLoader, **kwargs: Any) -> None:
        for cls in list(_classes(pkg)):
            specialize(cls)


class SpecializedClass(Class):
    """A class whose inherited members include specialized copies: griffe builds inherited
    members afresh from the bases on each access, so the copies are swapped in there (kept
    out of ``members``, they stay inherited members, also through an alias of the class)."""

    specialized: dict[str, Object]

    @property
    def inherited_members(self) -> dict[str, Alias]:
        members = super().inherited_members
        for name in members.keys() & self.specialized.keys():
            members[name] = Alias(name, self.specialized[name], parent=self, inherited=True)
        return members


def specialize(cls: Class) -> None:
    """Make ``cls`` inherit a specialized copy of each member whose annotations use a type
    variable that ``cls`` (directly or through its bases) binds."""
    bindings = ancestor_bindings(cls)
    if not any(bindings.values()):
        return
    specialized: dict[str, Object] = {}
    for name, inherited in _inherited(cls).items():
        try:
            target = inherited.final_target if isinstance(inherited, Alias) else inherited
        except (AliasResolutionError, CyclicAliasError):
            continue
        owner = target.parent
        mapping = bindings.get(owner.path) if isinstance(owner, Class) else None
        if mapping:
            copy_ = _specialized(target, mapping)
            if copy_ is not None:
                specialized[name] = copy_
    if specialized:
        cls.__class__ = SpecializedClass
        assert isinstance(cls, SpecializedClass)
        cls.specialized = specialized


def ancestor_bindings(cls: Class, seen: tuple[str, ...] = ()) -> dict[str, Bindings]:
    """For each class ``cls`` derives from (by its path), what that class's type variables
    stand for in ``cls``'s terms (empty where its bases leave them unbound)."""
    result: dict[str, Bindings] = {}
    seen = (*seen, cls.path)
    for base in cls.bases:
        if isinstance(base, str):
            continue
        left, arguments = _split(base)
        base_class = _resolve_class(cls, left)
        if base_class is None or base_class.path in seen:
            continue
        parameters = type_parameters(base_class)
        local: Bindings = {}
        if arguments and len(arguments) == len(parameters):
            local = dict(zip(parameters, arguments, strict=True))
        result.setdefault(base_class.path, local)
        for path, mapping in ancestor_bindings(base_class, seen).items():
            result.setdefault(
                path, {variable: substitute(value, local) for variable, value in mapping.items()}
            )
    return result


def type_parameters(cls: Class) -> list[str]:
    """The canonical paths of the type variables a subscript of ``cls`` binds, in order."""
    in_order: list[str] = []
    for base in cls.bases:
        if isinstance(base, ExprSubscript) and base.canonical_path in GENERIC_MARKERS:
            return list(dict.fromkeys(_type_variables(cls, base)))
    for base in cls.bases:
        if isinstance(base, Expr):
            in_order.extend(path for path in _type_variables(cls, base) if path not in in_order)
    return in_order


def substitute(value: Annotation, mapping: Bindings) -> Annotation:
    """``value`` with each type variable of ``mapping`` replaced; ``value`` itself (the same
    object) when it mentions none of them."""
    if not mapping or not isinstance(value, Expr):
        return value
    if isinstance(value, ExprName | ExprAttribute):
        # A dotted name is replaced whole or not at all; a variable bound to itself (the T of
        # ``Page(_PageState[T])``) is no change.
        replacement = mapping.get(value.canonical_path)
        return value if replacement is None or _names(replacement, value.canonical_path) else replacement
    changes: dict[str, Any] = {}
    for field in dataclasses.fields(value):
        if isinstance(value, ExprKeyword) and field.name == "function":
            continue  # a reference back to the enclosing call, not a part of the keyword
        old = getattr(value, field.name)
        new: Any
        if isinstance(old, Expr):
            new = substitute(old, mapping)
        elif isinstance(old, list | tuple):
            items = [substitute(item, mapping) for item in old]
            changed = any(a is not b for a, b in zip(items, old, strict=True))
            new = type(old)(items) if changed else old
        else:
            continue
        if new is not old:
            changes[field.name] = new
    return dataclasses.replace(value, **changes) if changes else value


def awaited(annotation: Annotation) -> Annotation | None:
    """What awaiting a value of this annotation gives (``X`` for ``Coroutine[Any, Any, X]``
    or ``Awaitable[X]``), or None when it is no such awaitable."""
    if not isinstance(annotation, ExprSubscript):
        return None
    count = AWAITABLES.get(annotation.canonical_path)
    arguments = _arguments(annotation.slice)
    if count is None or len(arguments) != count:
        return None
    return arguments[-1]


def _specialized(target: Object, mapping: Bindings) -> Object | None:
    if isinstance(target, Function):
        return _specialized_function(target, mapping)
    if isinstance(target, Attribute) and target.annotation is not None:
        annotation = substitute(target.annotation, mapping)
        if annotation is target.annotation:
            return None
        clone = _clone(target)
        clone.annotation = annotation
        return clone
    return None


def _specialized_function(function: Function, mapping: Bindings) -> Function | None:
    returns = function.returns if function.returns is None else substitute(function.returns, mapping)
    annotations = [
        None if parameter.annotation is None else substitute(parameter.annotation, mapping)
        for parameter in function.parameters
    ]
    changed = [
        new is not parameter.annotation
        for new, parameter in zip(annotations, function.parameters, strict=True)
    ]
    if returns is function.returns and not any(changed):
        return None
    clone = _clone(function)
    parameters = []
    for parameter, annotation in zip(function.parameters, annotations, strict=True):
        parameter = copy.copy(parameter)
        parameter.annotation = annotation
        parameter.function = clone
        parameters.append(parameter)
    clone.parameters = Parameters(*parameters)
    if function.overloads:
        clone.overloads = [
            _specialized_function(overload, mapping) or overload for overload in function.overloads
        ]
    if returns is not function.returns and not clone.labels & {"async", "property"}:
        result = awaited(returns) if returns is not None else None
        if result is not None:
            returns = result
            clone.labels.add("async")
    clone.returns = returns
    return clone


def _clone(target: MemberT) -> MemberT:
    # The copy keeps the original's parent, path and scope: the alias that shows it under the
    # inheriting class has that class's path (and must not have the copy's, or mkdocstrings
    # takes the alias for a cycle).
    clone = copy.copy(target)
    clone.members = {}
    clone.aliases = {}
    clone.labels = set(target.labels)
    if target.docstring is not None:
        docstring: Docstring = copy.copy(target.docstring)
        docstring.__dict__.pop("parsed", None)  # parsed (and cached) for the original
        docstring.parent = clone
        clone.docstring = docstring
    return clone


def _inherited(cls: Class) -> dict[str, Object | Alias]:
    # As griffe's `inherited_members`, without the aliases it makes (each registers itself on
    # its target, and mkdocstrings would then list it as another path of the target).
    try:
        mro = cls.mro()
    except ValueError:
        return {}
    inherited: dict[str, Object | Alias] = {}
    for base in reversed(mro):
        for name, member in base.members.items():
            if name not in cls.members:
                inherited[name] = member
    return inherited


def _classes(obj: Module | Class) -> Iterator[Class]:
    for member in obj.members.values():
        if member.is_alias:
            continue
        if isinstance(member, Class):
            yield member
            yield from _classes(member)
        elif isinstance(member, Module):
            yield from _classes(member)


def _names(annotation: Annotation, path: str) -> bool:
    return isinstance(annotation, ExprName | ExprAttribute) and annotation.canonical_path == path


def _split(base: Expr) -> tuple[Expr | str, Sequence[Annotation]]:
    if isinstance(base, ExprSubscript):
        return base.left, _arguments(base.slice)
    return base, ()


def _arguments(slice_: Annotation) -> Sequence[Annotation]:
    if isinstance(slice_, ExprTuple):
        return slice_.elements
    return (slice_,)


def _resolve_class(scope: Class, expression: Expr | str) -> Class | None:
    path = expression if isinstance(expression, str) else expression.canonical_path
    found = _lookup(scope, path)
    return found if isinstance(found, Class) else None


def _type_variables(scope: Class, expression: Expr) -> Iterator[str]:
    for element in expression.iterate(flat=True):
        if isinstance(element, ExprName) and _is_type_variable(scope, element.canonical_path):
            yield element.canonical_path


def _is_type_variable(scope: Class, path: str) -> bool:
    found = _lookup(scope, path)
    return (
        isinstance(found, Attribute)
        and isinstance(found.value, ExprCall)
        and found.value.canonical_path in TYPE_VARIABLE_FACTORIES
    )


def _lookup(scope: Class, path: str) -> Object | None:
    try:
        found = scope.modules_collection.get_member(path)
        if isinstance(found, Alias):
            found = found.final_target
    except (AliasResolutionError, CyclicAliasError, KeyError, ValueError):
        return None
    return found if isinstance(found, Object) else None
