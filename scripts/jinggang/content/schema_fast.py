"""A quick "valid" for the instances that are, so jsonschema runs only where there are errors.

jsonschema builds a new validator object at every step down an instance, which makes a
lesson's front matter cost half a millisecond: 2,000 lessons spent more time in it than in
everything else the check does. Nearly every file an editor's check reads is valid, so the
(already $ref-free) schema is compiled once into plain Python checks that answer "valid"
or "not valid". It never reports an error itself: when it says "not valid", or meets what
it cannot decide (a keyword it does not know, `1 == True`), the caller runs jsonschema,
which gives the exact errors and messages as before.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from jsonschema import FormatChecker

Check = Callable[[Any], bool]



def ecma_pattern(pattern: str) -> re.Pattern[str]:
    """A schema pattern as JSON Schema means it: `$` is the end of the text.

    Python's `$` also matches before a final newline, which let an id "sanwan\\n" through.
    """
    return re.compile(re.sub(r"(?<!\\)\$", r"\\Z", pattern))


class Unsure(Exception):
    """This walker cannot decide: let jsonschema do it."""


_ANNOTATIONS = frozenset({"$schema", "$id", "$defs", "$comment", "title", "description", "examples", "default",
                          "deprecated", "readOnly", "writeOnly", "then", "else"})  # then/else: read with "if"
_TYPES: dict[str, Check] = {
    "string": lambda value: isinstance(value, str),
    "integer": lambda value: (isinstance(value, int) and not isinstance(value, bool))
    or (isinstance(value, float) and value.is_integer()),
    "number": lambda value: isinstance(value, int | float) and not isinstance(value, bool),
    "boolean": lambda value: isinstance(value, bool),
    "null": lambda value: value is None,
    "array": lambda value: isinstance(value, list),
    "object": lambda value: isinstance(value, dict),
}


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _all(checks: list[Check]) -> Check:
    if len(checks) == 1:
        return checks[0]
    return lambda value: all(check(value) for check in checks)


class QuickValidator:
    def __init__(self, vocabularies: Mapping[str, Mapping[str, str]], ids: Mapping[str, Mapping[str, object]],
                 format_checker: FormatChecker) -> None:
        self.vocabularies = vocabularies
        self.ids = ids
        self.format_checker = format_checker
        self._compiled: dict[int, tuple[object, Check | None]] = {}

    def surely_valid(self, schema: Any, instance: Any) -> bool:
        cached = self._compiled.get(id(schema))
        if cached is None or cached[0] is not schema:
            try:
                cached = (schema, self.compile(schema))
            except Unsure:
                cached = (schema, None)
            self._compiled[id(schema)] = cached  # holds the schema, so its id is not reused
        check = cached[1]
        if check is None:
            return False
        try:
            return check(instance)
        except Unsure:
            return False

    def compile(self, schema: Any) -> Check:
        if schema is True:
            return lambda value: True
        if schema is False:
            return lambda value: False
        if not isinstance(schema, dict):
            raise Unsure(repr(schema)[:40])
        checks = [self._keyword(key, value, schema) for key, value in schema.items()
                  if key not in _ANNOTATIONS and not (key.startswith("x-") and key not in ("x-vocabulary", "x-ref"))]
        return _all(checks) if checks else (lambda value: True)

    def _keyword(self, key: str, value: Any, schema: dict[str, Any]) -> Check:
        if key == "type":
            tests = [_TYPES[name] if name in _TYPES else _raise(name) for name in
                     (value if isinstance(value, list) else [value])]
            return lambda instance: any(test(instance) for test in tests)
        if key == "required":
            return lambda instance: not isinstance(instance, dict) or all(name in instance for name in value)
        if key == "properties":
            properties = {name: self.compile(sub) for name, sub in value.items()}
            return lambda instance: not isinstance(instance, dict) or all(
                check(instance[name]) for name, check in properties.items() if name in instance)
        if key == "additionalProperties":
            if "patternProperties" in schema:
                raise Unsure("patternProperties")
            known = set(schema.get("properties", {}))
            extra = self.compile(value)
            return lambda instance: not isinstance(instance, dict) or all(
                extra(item) for name, item in instance.items() if name not in known)
        if key == "propertyNames":
            names = self.compile(value)
            return lambda instance: not isinstance(instance, dict) or all(names(name) for name in instance)
        if key == "items":
            if "prefixItems" in schema:
                raise Unsure("prefixItems")
            item_check = self.compile(value)
            return lambda instance: not isinstance(instance, list) or all(item_check(item) for item in instance)
        if key in ("enum", "const"):
            allowed = value if key == "enum" else [value]
            if any(isinstance(item, bool | float) for item in allowed):
                raise Unsure("enum with booleans or floats")

            def in_enum(instance: Any) -> bool:
                if isinstance(instance, bool | float):
                    raise Unsure("1 == True")
                return instance in allowed
            return in_enum
        bounds: dict[str, tuple[Callable[[Any], bool], Callable[[Any], Any], Callable[[Any, Any], bool]]] = {
            "minItems": (lambda i: isinstance(i, list), len, lambda a, b: a >= b),
            "maxItems": (lambda i: isinstance(i, list), len, lambda a, b: a <= b),
            "minLength": (lambda i: isinstance(i, str), len, lambda a, b: a >= b),
            "maxLength": (lambda i: isinstance(i, str), len, lambda a, b: a <= b),
            "minProperties": (lambda i: isinstance(i, dict), len, lambda a, b: a >= b),
            "maxProperties": (lambda i: isinstance(i, dict), len, lambda a, b: a <= b),
            "minimum": (_number, lambda i: i, lambda a, b: a >= b),
            "maximum": (_number, lambda i: i, lambda a, b: a <= b),
            "exclusiveMinimum": (_number, lambda i: i, lambda a, b: a > b),
            "exclusiveMaximum": (_number, lambda i: i, lambda a, b: a < b),
        }
        if key in bounds:
            applies, measure, holds = bounds[key]
            return lambda instance: not applies(instance) or holds(measure(instance), value)
        if key == "pattern":
            pattern = ecma_pattern(value)
            return lambda instance: not isinstance(instance, str) or pattern.search(instance) is not None
        if key == "format":
            return lambda instance: self.format_checker.conforms(instance, value)
        if key == "uniqueItems":
            return self._unique if value else (lambda instance: True)
        if key in ("allOf", "anyOf", "oneOf"):
            subs = [self.compile(sub) for sub in value]
            if key == "allOf":
                return _all(subs)
            if key == "anyOf":
                return lambda instance: any(sub(instance) for sub in subs)
            return lambda instance: sum(sub(instance) for sub in subs) == 1
        if key == "not":
            inner = self.compile(value)
            return lambda instance: not inner(instance)
        if key == "if":
            condition = self.compile(value)
            then = self.compile(schema.get("then", True))
            otherwise = self.compile(schema.get("else", True))
            return lambda instance: then(instance) if condition(instance) else otherwise(instance)
        if key == "x-vocabulary":
            return lambda instance: not isinstance(instance, str) or instance in self.vocabularies.get(value, {})
        if key == "x-ref":
            kinds = [value] if isinstance(value, str) else list(value)
            return lambda instance: not isinstance(instance, str) or any(
                instance in self.ids.get(kind, {}) for kind in kinds)
        raise Unsure(key)

    @staticmethod
    def _unique(instance: Any) -> bool:
        if not isinstance(instance, list):
            return True
        if not all(isinstance(item, str) for item in instance):
            raise Unsure("uniqueItems of non-strings")
        return len(set(instance)) == len(instance)


def _raise(name: str) -> Check:
    raise Unsure(name)
