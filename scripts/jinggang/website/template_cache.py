"""Compiled templates kept between builds and between projects (Jinja's bytecode cache)."""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Mapping
from pathlib import Path
from types import CodeType
from typing import Any, ClassVar

import jinja2
import jinja2.bccache

from ..outputs.store import CACHE

TEMPLATE_CACHE = CACHE / "templates"  # under the project root


def template_cache(project_root: Path) -> TemplateCache:
    folder = project_root / TEMPLATE_CACHE
    # A project folder that cannot be written to (`jinggang changes` on a read-only checkout):
    # the cache lives in memory only (TemplateCache.get_bucket).
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
    return TemplateCache(str(folder))


class TemplateCache(jinja2.FileSystemBytecodeCache):
    """Compiled templates in the project's cache folder, and in this process's memory for every
    project it builds.

    A process that builds one project after another (a test worker builds ~100, each a copy of
    site_overrides/ in a folder of its own) compiled every template again for each: about 40
    core-seconds of a test run. In memory a template is known by its name, its source's checksum
    and everything of its environment that Jinja's lexer and compiler read (_compile_settings):
    the theme's environment and the Renderer's would compile one source differently. A copy
    from another folder takes this file's name, for tracebacks."""

    compiled: ClassVar[dict[tuple[str, str, str], CodeType]] = {}

    def get_bucket(self, environment: jinja2.Environment, name: str, filename: str | None,
                   source: str) -> jinja2.bccache.Bucket:
        """The bucket always with code: from memory, from the project's folder, or compiled here
        (as Jinja's loader would next) and kept in both."""
        settings = _compile_settings(environment, name)
        checksum = self.get_source_checksum(source)
        bucket = jinja2.bccache.Bucket(environment, self.get_cache_key(f"{name}|{settings}", filename), checksum)
        known = (name, settings, checksum)
        code = self.compiled.get(known)
        if code is not None and filename is not None:
            bucket.code = code if code.co_filename == filename else _renamed(code, filename)
            return bucket
        with contextlib.suppress(OSError):  # a folder that could not be made: compiled here
            self.load_bytecode(bucket)
        if bucket.code is None:
            bucket.code = environment.compile(source, name, filename)
            with contextlib.suppress(OSError):  # kept in memory all the same
                self.dump_bytecode(bucket)
        self.compiled[known] = bucket.code
        return bucket


def _compile_settings(environment: jinja2.Environment, name: str) -> str:
    """A digest of what Jinja's lexer (jinja2.lexer.get_lexer's key), parser (extensions) and
    compiler (autoescape, finalize, async, sandbox, and how each filter and test is called) make
    a template's code from, besides its source."""
    def called(functions: Mapping[str, Any]) -> list[tuple[str, str]]:
        return sorted((key, repr(getattr(function, "jinja_pass_arg", None))) for key, function in functions.items())

    autoescape = environment.autoescape(name) if callable(environment.autoescape) else environment.autoescape
    finalize = environment.finalize
    settings = (
        autoescape, environment.block_start_string, environment.block_end_string,
        environment.variable_start_string, environment.variable_end_string, environment.comment_start_string,
        environment.comment_end_string, environment.line_statement_prefix, environment.line_comment_prefix,
        environment.trim_blocks, environment.lstrip_blocks, environment.newline_sequence,
        environment.keep_trailing_newline, environment.optimized, environment.is_async, environment.sandboxed,
        sorted(getattr(environment, "intercepted_binops", ())), sorted(getattr(environment, "intercepted_unops", ())),
        sorted(environment.extensions),
        finalize is None or repr(getattr(finalize, "jinja_pass_arg", None)),
        called(environment.filters), called(environment.tests))
    return hashlib.blake2b(repr(settings).encode(), digest_size=12).hexdigest()


def _renamed(code: CodeType, filename: str) -> CodeType:
    consts = tuple(_renamed(const, filename) if isinstance(const, CodeType) else const for const in code.co_consts)
    return code.replace(co_filename=filename, co_consts=consts)
