"""Glossary hovers: the first use of each term on a page becomes <abbr title="definition">.

Python-Markdown's `abbr` extension cannot do this for Chinese: it matches terms between
`\\b` word boundaries, and there is no boundary between two Chinese characters, so a term
inside a sentence is never found. This tree processor matches plain substrings instead,
longest term first, and leaves code, links, headings and existing abbreviations alone.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Iterator, Mapping

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from ..content.dependencies import IDS, note
from ..content.kinds import REGISTRIES
from ..content.model import Term

SKIPPED_TAGS = {"code", "pre", "a", "abbr", "h1", "h2", "h3", "h4", "h5", "h6", "script", "style", "kbd"}


class TermDefinitions(Mapping[str, str]):
    """Each term's definition by its wording. A page depends (content/dependencies.py) on the
    wordings of all terms, which any of them could match, and on the definitions it shows."""

    def __init__(self, terms: Mapping[str, Term]) -> None:
        self._by_wording = {term.term: term for term in terms.values()}

    def __getitem__(self, wording: str) -> str:
        return self._by_wording[wording].definition

    def __iter__(self) -> Iterator[str]:
        kind = REGISTRIES["glossary"]
        note(f"{kind}/*/{IDS}")
        note(f"{kind}/*/term")
        return iter(self._by_wording)

    def __len__(self) -> int:
        return len(self._by_wording)


class GlossaryTreeprocessor(Treeprocessor):
    def __init__(self, md: Markdown, definitions: Mapping[str, str]) -> None:
        super().__init__(md)
        self.definitions = definitions  # not copied: reading a definition records it
        terms = sorted(self.definitions, key=len, reverse=True)
        self.pattern = re.compile("|".join(re.escape(term) for term in terms)) if terms else None

    def run(self, root: etree.Element) -> None:
        if self.pattern is None:
            return
        self.pending = set(self.definitions)
        self._walk(root)

    def _walk(self, element: etree.Element) -> None:
        if element.tag in SKIPPED_TAGS or "jg-no-glossary" in element.get("class", ""):
            return
        if element.text:
            element.text = self._split_into(element, element.text, 0)
        for child in list(element):
            self._walk(child)
            if child.tail:
                position = list(element).index(child) + 1
                child.tail = self._split_into(element, child.tail, position)

    def _split_into(self, parent: etree.Element, text: str, position: int) -> str:
        """Wrap each first use of a term in text, inserting from child index position on.

        Returns the part of text before the first wrapped term; the rest moves into the
        tails of the inserted <abbr> elements.
        """
        assert self.pattern is not None
        for match in self.pattern.finditer(text):
            term = match.group(0)
            if term not in self.pending:
                continue
            self.pending.discard(term)
            abbr = etree.Element("abbr", {"title": self.definitions[term]})
            abbr.text = term
            parent.insert(position, abbr)
            abbr.tail = self._split_into(parent, text[match.end():], position + 1)
            return text[: match.start()]
        return text


class GlossaryExtension(Extension):
    def __init__(self, definitions: Mapping[str, str]) -> None:
        super().__init__()
        self.definitions = definitions

    def extendMarkdown(self, md: Markdown) -> None:
        # After inline patterns (priority 20), so code spans and links already exist.
        md.treeprocessors.register(GlossaryTreeprocessor(md, self.definitions), "jinggang_glossary", 5)
