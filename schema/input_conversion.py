"""Input objects built from a plan made once per input type, not worked out per request.

Strawberry turns a mutation's coerced input (graphql-core's dict) into its input classes
with `convert_argument`, which for every field of every request resolves the field's
annotation, converts its name and runs some ten type checks (several through `abc`) to
find out that, mostly, the value is a leaf to pass on as it is: 46 µs of the ~450 µs the
framework spends on a reserveStock request, the largest single part of it. The answer
depends only on the type, so `plan_inputs` works it out once per input type of a schema
and hands each its plan as Strawberry's own `from_input` hook (the one it calls to build
an input object, meant for types that build their own value).

A plan does what `convert_argument` does, in the same order and with the same result:
the fields without a default are None unless given; a leaf (a scalar or an enum) given is
passed on, a list of leaves is copied, a nested input object or a list of them is built
by its own plan. Anything else (a `Maybe`, a lazy or generic type, a GlobalID) is
converted by `convert_argument` itself, and a type holding a `Maybe` field is left to
Strawberry whole (its null check skips types with a `from_input`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import MISSING
from typing import Any

from strawberry import Schema
from strawberry.relay.types import GlobalID
from strawberry.types.arguments import InputContext, _is_leaf_type, convert_argument
from strawberry.types.base import (
    StrawberryList,
    StrawberryMaybe,
    StrawberryObjectDefinition,
    StrawberryOptional,
    StrawberryType,
    has_object_definition,
)
from strawberry.types.enum import has_enum_definition
from strawberry.types.unset import UNSET

Converter = Callable[[object, InputContext, str], object]
"""A field's value converted, given the context of the input holding it and its name."""


def plan_inputs(schema: Schema) -> None:
    """Give every plain input type of `schema` its plan (types that already build their own
    value, or are generic, or hold a `Maybe` field keep Strawberry's way)."""
    registry, config = schema.schema_converter.scalar_registry, schema.config
    for concrete in schema.schema_converter.type_map.values():
        definition = concrete.definition
        if (
            isinstance(definition, StrawberryObjectDefinition)
            and definition.is_input
            and definition.from_input is None
            and not definition.is_graphql_generic
            and not any(isinstance(field.type, StrawberryMaybe) for field in definition.fields)
        ):
            definition.from_input = _InputPlan(definition, registry, config)


class _InputPlan:
    """`from_input` of one input type: its fields' names, defaults and converters."""

    def __init__(
        self, definition: StrawberryObjectDefinition, registry: Mapping[object, Any], config: Any
    ):
        self._definition = definition
        self._registry = registry
        self._config = config
        self._absent = {
            field.python_name: None
            for field in definition.fields
            if field.default_value is MISSING and field.default_factory is MISSING
        }
        self._fields: list[tuple[str, str, Converter | None]] | None = None

    def __call__(self, type_: type, value: Mapping[str, Any], context: InputContext) -> Any:
        if context.scalar_registry is not self._registry or context.config is not self._config:
            return _converted(self._definition, type_, value, context)
        fields = self._fields
        if fields is None:
            # Made on first use: the fields' types may name types resolved lazily.
            fields = self._fields = [
                (
                    self._config.name_converter.from_field(field),
                    field.python_name,
                    self._converter(field.resolve_type(type_definition=self._definition)),
                )
                for field in self._definition.fields
            ]
        kwargs = dict(self._absent)
        for name, python_name, converter in fields:
            if name in value:
                given = value[name]
                kwargs[python_name] = (
                    given if converter is None else converter(given, context, name)
                )
        return type_(**kwargs)

    def _converter(self, type_: StrawberryType | type) -> Converter | None:
        """None for a value passed on as it is."""
        if isinstance(type_, StrawberryMaybe):
            return _generic(type_)
        if isinstance(type_, StrawberryOptional):
            return self._converter(type_.of_type)
        if (type_ is not GlobalID and _is_leaf_type(type_, self._registry)) or has_enum_definition(
            type_
        ):
            return None
        if isinstance(type_, StrawberryList):
            item = type_.of_type
            leaf = _is_leaf_type(item, self._registry, skip_classes=(GlobalID,)) or (
                isinstance(item, StrawberryOptional)
                and _is_leaf_type(item.of_type, self._registry, skip_classes=(GlobalID,))
            )
            if leaf:
                return _copied
            return _each(item) if _planned(item) else _generic(type_)
        return _built(type_) if _planned(type_) else _generic(type_)


def _planned(type_: object) -> bool:
    """Whether `type_` is an input object built by its plan."""
    return has_object_definition(type_) and isinstance(
        type_.__strawberry_definition__.from_input, _InputPlan
    )


def _copied(value: object, context: InputContext, name: str) -> object:
    """A list of leaves, copied (graphql-core hands every request the same default)."""
    if value is None or value is UNSET:
        return value
    return list(value)  # type: ignore[call-overload]


def _built(type_: type) -> Converter:
    def build(value: object, context: InputContext, name: str) -> object:
        if value is None or value is UNSET:
            return value
        return type_.__strawberry_definition__.from_input(  # type: ignore[attr-defined]
            type_, value, _within(context, name)
        )

    return build


def _each(type_: type) -> Converter:
    def build_each(value: object, context: InputContext, name: str) -> object:
        if value is None or value is UNSET:
            return value
        plan = type_.__strawberry_definition__.from_input  # type: ignore[attr-defined]
        return [
            None
            if item is None
            else item
            if item is UNSET
            else plan(type_, item, _within(context, name, index))
            for index, item in enumerate(value)  # type: ignore[call-overload]
        ]

    return build_each


def _generic(type_: StrawberryType | type) -> Converter:
    def convert(value: object, context: InputContext, name: str) -> object:
        return convert_argument(
            value,
            type_,
            context.scalar_registry,
            context.config,
            context.info,
            path=(*context.path, name),
        )

    return convert


def _within(context: InputContext, *keys: str | int) -> InputContext:
    return InputContext(
        info=context.info,
        config=context.config,
        scalar_registry=context.scalar_registry,
        path=(*context.path, *keys),
    )


def _converted(
    definition: StrawberryObjectDefinition,
    type_: type,
    value: Mapping[str, Any],
    context: InputContext,
) -> Any:
    """Strawberry's own way of building an input object (for a schema the plan was not
    made for)."""
    kwargs: dict[str, object] = {
        field.python_name: None
        for field in definition.fields
        if field.default_value is MISSING and field.default_factory is MISSING
    }
    for field in definition.fields:
        name = context.config.name_converter.from_field(field)
        if name in value:
            kwargs[field.python_name] = context.convert(
                value[name], field.resolve_type(type_definition=definition), name
            )
    return type_(**kwargs)
