"""A quick "valid" for the instances that are, so jsonschema runs only where there are errors.

jsonschema builds a new validator object at every step down an instance, which makes a
lesson's front matter cost half a millisecond: 2,000 lessons spent more time in it than in
everything else the check does. Nearly every file an editor's check reads is valid, so this
walks the (already $ref-free) schema directly and answers "surely valid" or "not sure".
It never reports an error itself: on any doubt — a failed keyword or one it does not know —
the caller runs jsonschema, which gives the exact errors and messages as before.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from jsonschema import FormatChecker


class _Unsure(Exception):
    """The schema uses something this walker does not implement."""


_ANNOTATIONS = frozenset({"$schema", "$id", "$defs", "$comment", "title", "description", "examples", "default",
                          "deprecated", "readOnly", "writeOnly"})


def _is_type(instance: Any, name: str) -> bool:
    if name == "string":
        return isinstance(instance, str)
    if name == "integer":
        return (isinstance(instance, int) and not isinstance(instance, bool)) or \
            (isinstance(instance, float) and instance.is_integer())
    if name == "number":
        return isinstance(instance, int | float) and not isinstance(instance, bool)
    if name == "boolean":
        return isinstance(instance, bool)
    if name == "null":
        return instance is None
    if name == "array":
        return isinstance(instance, list)
    if name == "object":
        return isinstance(instance, dict)
    raise _Unsure(name)


@lru_cache(maxsize=256)
def _pattern(expression: str) -> re.Pattern[str]:
    return re.compile(expression)


class QuickValidator:
    def __init__(self, vocabularies: Mapping[str, Mapping[str, str]], ids: Mapping[str, Mapping[str, object]],
                 format_checker: FormatChecker) -> None:
        self.vocabularies = vocabularies
        self.ids = ids
        self.format_checker = format_checker
        self.keywords: dict[str, Callable[[Any, Any, dict[str, Any]], bool]] = {
            "type": self._type, "required": self._required, "properties": self._properties,
            "additionalProperties": self._additional, "items": self._items, "enum": self._enum,
            "const": lambda value, instance, _: self._enum([value], instance, _),
            "minItems": lambda value, instance, _: not isinstance(instance, list) or len(instance) >= value,
            "maxItems": lambda value, instance, _: not isinstance(instance, list) or len(instance) <= value,
            "minLength": lambda value, instance, _: not isinstance(instance, str) or len(instance) >= value,
            "maxLength": lambda value, instance, _: not isinstance(instance, str) or len(instance) <= value,
            "minProperties": lambda value, instance, _: not isinstance(instance, dict) or len(instance) >= value,
            "maxProperties": lambda value, instance, _: not isinstance(instance, dict) or len(instance) <= value,
            "minimum": lambda value, instance, _: not _is_type(instance, "number") or instance >= value,
            "maximum": lambda value, instance, _: not _is_type(instance, "number") or instance <= value,
            "exclusiveMinimum": lambda value, instance, _: not _is_type(instance, "number") or instance > value,
            "exclusiveMaximum": lambda value, instance, _: not _is_type(instance, "number") or instance < value,
            "pattern": lambda value, instance, _: not isinstance(instance, str)
            or _pattern(value).search(instance) is not None,
            "format": lambda value, instance, _: self.format_checker.conforms(instance, value),
            "uniqueItems": self._unique,
            "allOf": lambda value, instance, _: all(self.valid(s, instance) for s in value),
            "anyOf": lambda value, instance, _: any(self.valid(s, instance) for s in value),
            "oneOf": lambda value, instance, _: sum(self.valid(s, instance) for s in value) == 1,
            "not": lambda value, instance, _: not self.valid(value, instance),
            "propertyNames": lambda value, instance, _: not isinstance(instance, dict)
            or all(self.valid(value, key) for key in instance),
            "if": self._if, "then": lambda *_: True, "else": lambda *_: True,
            "x-vocabulary": lambda value, instance, _: not isinstance(instance, str)
            or instance in self.vocabularies.get(value, {}),
            "x-ref": self._ref,
        }

    def surely_valid(self, schema: Any, instance: Any) -> bool:
        try:
            return self.valid(schema, instance)
        except _Unsure:
            return False

    def valid(self, schema: Any, instance: Any) -> bool:
        if schema is True:
            return True
        if schema is False or not isinstance(schema, dict):
            return False if schema is False else _raise(schema)
        for key, value in schema.items():
            if key in _ANNOTATIONS or (key.startswith("x-") and key not in self.keywords):
                continue
            check = self.keywords.get(key)
            if check is None:
                raise _Unsure(key)
            if not check(value, instance, schema):
                return False
        return True

    def _type(self, value: Any, instance: Any, _: dict[str, Any]) -> bool:
        names = value if isinstance(value, list) else [value]
        return any(_is_type(instance, name) for name in names)

    def _required(self, value: Any, instance: Any, _: dict[str, Any]) -> bool:
        return not isinstance(instance, dict) or all(key in instance for key in value)

    def _properties(self, value: Any, instance: Any, _: dict[str, Any]) -> bool:
        if not isinstance(instance, dict):
            return True
        return all(self.valid(sub, instance[key]) for key, sub in value.items() if key in instance)

    def _additional(self, value: Any, instance: Any, schema: dict[str, Any]) -> bool:
        if not isinstance(instance, dict):
            return True
        if "patternProperties" in schema:
            raise _Unsure("patternProperties")
        extras = [key for key in instance if key not in schema.get("properties", {})]
        return all(self.valid(value, instance[key]) for key in extras)

    def _items(self, value: Any, instance: Any, schema: dict[str, Any]) -> bool:
        if "prefixItems" in schema:
            raise _Unsure("prefixItems")
        return not isinstance(instance, list) or all(self.valid(value, item) for item in instance)

    def _enum(self, value: Any, instance: Any, _: dict[str, Any]) -> bool:
        if isinstance(instance, bool | float) or any(isinstance(item, bool | float) for item in value):
            raise _Unsure("enum with booleans or floats")  # 1 == True: leave it to jsonschema
        return instance in value

    def _unique(self, value: Any, instance: Any, _: dict[str, Any]) -> bool:
        if not value or not isinstance(instance, list):
            return True
        if not all(isinstance(item, str) for item in instance):
            raise _Unsure("uniqueItems of non-strings")
        return len(set(instance)) == len(instance)

    def _if(self, value: Any, instance: Any, schema: dict[str, Any]) -> bool:
        branch = schema.get("then", True) if self.valid(value, instance) else schema.get("else", True)
        return self.valid(branch, instance)

    def _ref(self, value: Any, instance: Any, _: dict[str, Any]) -> bool:
        kinds = [value] if isinstance(value, str) else value
        return not isinstance(instance, str) or any(instance in self.ids.get(kind, {}) for kind in kinds)


def _raise(schema: Any) -> bool:
    raise _Unsure(repr(schema)[:40])
