"""Building the search index and writing it as script files under site/search/.

Files (each a script that hands its data to `jgSearch`, so <script> tags load them from
http:// and file:// alike):

- manifest.js: the shard count, the number of sections of each page, the kinds shown beside
  results and each page's kind (a letter per page, a number in that list);
- shards/N.js: for each token whose hash falls in shard N, its postings: one string of lines
  `token postings` (tokens are letters, digits and Han characters: no space or line break);
- pages/N.js: page N's URL, title and sections (anchor, heading, text, one after the other),
  read for snippets of the results that are shown;
- urls.js: every page's URL by number, read when pages are saved for offline.

A posting list is a string of numbers in a 64-letter alphabet, each letter five bits and a
flag for "more letters follow". For each section that holds the token: (distance from the
previous section id) * 2 + 1 if a code follows, else * 2 (the token once in the body, the
commonest case by far). The code: 1-4 the token's count in the body (2 to 5 or more), 5 a
heading of the section holds it, 6 the page title does, 7 + n a short title or heading of n
distinct tokens does (a name or a term: 红军, 朱德的扁担): a query whose n tokens all carry
7 + n names the section exactly.

In a page file a section is three strings, anchor, heading and text; the first section's
heading is the page title (left empty), and a later section's anchor that derived_anchor
gives from its heading (精神从哪里来：井冈山斗争概览 -> 精神从哪里来井冈山斗争概览) is left empty too; search.js
fills both in.
"""

from __future__ import annotations

import functools
import hashlib
import json
import pickle
import re
import shutil
from array import array
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from ...content.dependencies import file_identity
from .extract import Section
from .tokens import shard_of, title_tokens, token_counts, tokens

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
HEADING_CODE = 5
TITLE_CODE = 6
NAME_CODE = 7
NAME_MAX_LENGTH = 8  # characters: at most 7 bigrams, so codes stay below 16
CODES = 16
_SMALL = 4096  # numbers below this are encoded once, up front: most distances are small
MAX_BODY_COUNT = 5
# Bytes of postings a shard should hold at most, on average: small enough that a query of a
# few tokens reads well under 1 MB at 10,000 lessons, large enough to keep the file count low.
SHARD_TARGET_BYTES = 48_000
FOLDER = "search"
# Punctuation a heading loses in its anchor (pymdownx.slugs as mkdocs.yml sets it: no spaces at
# the ends, lower case, characters other than letters, digits, - and _ dropped, spaces -> -).
# search.js (anchorOf) derives the same from the same list: characters, not a class such as
# \w or \s, which the two languages' regular expressions do not read alike.
ANCHOR_DROPS = "\u3000!\"#$%&'()*+,./:;<=>?@[\\]^`{|}~，。、：；！？“”‘’（）《》〈〉【】「」『』—…·～"
_ANCHOR_DROP = re.compile("[" + re.escape(ANCHOR_DROPS) + "]")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
CHECKPOINT_PAGES = 50  # pages (or files) between checkpoints: a few milliseconds of work


@dataclass(frozen=True)
class SearchPage:
    url: str  # relative to the site root, as MkDocs gives it
    title: str
    kind: str  # shown beside the result: 微团课, 研学指南...
    sections: tuple[Section, ...]

    @property
    def section_count(self) -> int:
        return len(self.sections)


@dataclass(frozen=True, eq=False)
class SpooledPage:
    """What an index holds of a page its memo's spool keeps (PageSpool): what the manifest and
    the list of addresses need; the sections' texts are read back when the page's file is written."""

    url: str
    kind: str
    section_count: int
    place: int  # in the spool


class PageSpool:
    """The pages of an index that is written once they have all been read, pickled one after the
    other into a file as they are read, (src_uri, SearchPage) each: the whole build's forked
    reader held every page's sections until it had written the index (2,000 lessons: that
    process 80 -> 58 MB at the build's peak). The same file keeps the pages for the build that
    resumes from this one (read_spool)."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.end_place = 0  # where the next page goes

    def keep(self, src_uri: str, page: SearchPage) -> SpooledPage:
        self.stream.seek(self.end_place)
        place = self.end_place
        pickle.dump((src_uri, page), self.stream, protocol=pickle.HIGHEST_PROTOCOL)
        self.end_place = self.stream.tell()
        return SpooledPage(page.url, page.kind, page.section_count, place)

    def end(self) -> None:
        """Every page is in: a file cut short before this is not read as whole (read_spool)."""
        self.stream.seek(self.end_place)
        pickle.dump(None, self.stream)
        self.stream.flush()

    def page(self, spooled: SpooledPage) -> SearchPage:
        self.stream.seek(spooled.place)
        _src_uri, page = pickle.load(self.stream)
        return page  # type: ignore[no-any-return]


def read_spool(stream: BinaryIO) -> dict[str, SearchPage]:
    """Every page a PageSpool wrote into stream, by src_uri; EOFError if it did not end it."""
    pages: dict[str, SearchPage] = {}
    while (record := pickle.load(stream)) is not None:
        src_uri, page = record
        pages[src_uri] = page
    return pages


IndexedPage = SearchPage | SpooledPage


def derived_anchor(heading: str) -> str:
    """The anchor the site's slugs give most headings (ANCHOR_DROPS): one a page file leaves out."""
    return _ANCHOR_DROP.sub("", heading.strip(" ")).replace(" ", "-").translate(_ASCII_LOWER)


def encode_number(number: int) -> str:
    letters = []
    while True:
        low, number = number & 31, number >> 5
        letters.append(ALPHABET[low | (32 if number else 0)])
        if not number:
            return "".join(letters)


_ENCODED = [encode_number(number) for number in range(_SMALL)]
_ENCODED_BYTES = [letters.encode("ascii") for letters in _ENCODED]
# A section's tokens, by their numbers in a TokenTable, and each one's code in one bytes object:
# the index's tokens as dicts took about 250 MB at 2,000 lessons, as tuples of interned strings
# 23 MB, as numbers half that.
SectionCodes = tuple["array[int]", bytes]


@dataclass
class TokenTable:
    """Each token's number, given as it is first seen: a section holds numbers, two bytes
    each while fewer than 65,536 tokens are known (2,000 lessons: 42,000) and four after,
    instead of references to its tokens, eight bytes each."""

    numbers: dict[str, int] = field(default_factory=dict)
    tokens: list[str] = field(default_factory=list)

    def numbered(self, tokens: Collection[str]) -> array[int]:
        numbers, tokens_by_number = self.numbers, self.tokens
        result = array("H" if len(tokens_by_number) + len(tokens) <= 1 << 16 else "I")
        for token in tokens:
            number = numbers.get(token)
            if number is None:
                number = numbers[token] = len(tokens_by_number)
                tokens_by_number.append(token)
            result.append(number)
        return result


def encode_postings(postings: list[tuple[int, int]]) -> str:
    previous = 0
    letters = []
    small = _ENCODED
    for section_id, code in postings:
        step = (section_id - previous) * 2
        if code:
            step += 1
        letters.append(small[step] if step < _SMALL else encode_number(step))
        if code:
            letters.append(small[code])
        previous = section_id
    return "".join(letters)


def section_postings(section: Section, is_first: bool, page_title: str) -> dict[str, int]:
    """token -> code for one section: a name beats the title, which beats a heading, which
    beats the count in the body."""
    codes = {token: count - 1 if count < MAX_BODY_COUNT else MAX_BODY_COUNT - 1
             for token, count in token_counts(section.text).items()}
    named = [(page_title, TITLE_CODE)] if is_first else [(section.heading, HEADING_CODE)]
    for name, code in named:
        if len(name.strip()) <= NAME_MAX_LENGTH and tokens(name):
            code = NAME_CODE + min(len(set(tokens(name))), CODES - 1 - NAME_CODE)
        for token in title_tokens(name):
            codes[token] = code
    return codes


def compact_codes(codes: dict[str, int], table: TokenTable) -> SectionCodes:
    return table.numbered(codes), bytes(codes.values())


class Abandoned(Exception):
    """Raised by a writer's checkpoint: this index is not to be written after all."""


@dataclass
class IndexMemo:
    """What the preview keeps of its last index, across `mkdocs serve` builds: each page's section
    codes and page file by the page's identity (a page the preview did not make again is the same
    SearchPage object), and a digest of each file written with the identity it was left with, so
    that a build writes only the files that changed. Tokenizing every page and writing every file took ~6 s
    at 2,000 lessons, in a thread that slowed the next build."""

    codes: dict[int, tuple[IndexedPage, list[SectionCodes]]] = field(default_factory=dict)
    payloads: dict[int, tuple[SearchPage, str]] = field(default_factory=dict)
    written: dict[str, tuple[bytes, tuple[Any, ...] | None]] = field(default_factory=dict)
    folder: Path | None = None  # where they were written
    # The numbers of the codes' tokens: kept as long as the memo, and only growing (a token no
    # page holds any more keeps its number; the preview's tokens are mostly the same from build
    # to build, and a long `make serve` adds only what editors type).
    tokens: TokenTable = field(default_factory=TokenTable)
    # Whether page files' texts are kept: for a next index, not for a memo used once (the
    # whole build's reader held them, 7 MB at 2,000 lessons, until it had written them all).
    keeps_page_files: bool = True
    # Where prepare() puts the pages, if anywhere: what it returns stands for each (the whole
    # build's reader, which writes one index from them all).
    spool: PageSpool | None = None

    def keep_only(self, pages: Sequence[IndexedPage]) -> None:
        used = {id(page) for page in pages}
        for table in (self.codes, self.payloads):
            for stale in table.keys() - used:
                del table[stale]


@dataclass
class SearchIndex:
    pages: Sequence[IndexedPage]
    memo: IndexMemo | None = None
    # Called between pages and files: the preview's writer waits there while a build runs, and
    # raises Abandoned when a later build's index replaces this one.
    checkpoint: Callable[[], None] | None = None

    @functools.cached_property
    def _tokens(self) -> TokenTable:
        return self.memo.tokens if self.memo is not None else TokenTable()

    def postings(self) -> dict[str, list[tuple[int, int]]]:
        """token -> [(section id, code)], sections in order (the reference for encoded_postings)."""
        result: dict[str, list[tuple[int, int]]] = {}
        tokens = self._tokens.tokens
        for section_id, (numbers, codes) in enumerate(self._section_codes()):
            for number, code in zip(numbers, codes, strict=True):
                result.setdefault(tokens[number], []).append((section_id, code))
        return result

    def encoded_postings(self) -> dict[str, str]:
        """token -> its encoded posting list; one pass, as encode_postings(postings()) would give."""
        # By token number: [its letters, the last section that held it], or None while no
        # section did. (A string of chunks per posting took ten times the bytes of a bytearray.)
        postings: list[list[Any] | None] = []
        small = _ENCODED_BYTES
        for section_id, (numbers, codes) in enumerate(self._section_codes()):
            if len(postings) < len(self._tokens.tokens):  # numbers given since the last section
                postings += [None] * (len(self._tokens.tokens) - len(postings))
            for number, code in zip(numbers, codes, strict=True):
                posting = postings[number]
                if posting is None:
                    posting = postings[number] = [bytearray(), 0]
                step = (section_id - posting[1]) * 2 + (1 if code else 0)
                posting[1] = section_id
                found = posting[0]
                found += small[step] if step < _SMALL else encode_number(step).encode("ascii")
                if code:
                    found += small[code]
        # Each token's letters let go as its string is made: not both whole at once.
        encoded: dict[str, str] = {}
        tokens = self._tokens.tokens
        for number, posting in enumerate(postings):
            if posting is not None:
                postings[number] = None
                encoded[tokens[number]] = posting[0].decode("ascii")
        return encoded

    def prepare(self, page: SearchPage, src_uri: str | None = None) -> IndexedPage:
        """Tokenize a page now, into the memo, for an index written later with this memo: the
        forked reader of a whole build does this as each page arrives, on the core MkDocs leaves
        idle, instead of all at once after the last page (4 s at 2,000 lessons). Its file's text
        is made now too if the memo keeps those; the forked reader's does not, and makes each
        when it writes it (0.1-0.2 s of JSON, against 7 MB held while MkDocs builds)."""
        if self.memo is None:
            raise ValueError("prepare keeps its work in a memo: SearchIndex(pages, IndexMemo())")
        if self.memo.spool is not None:
            if src_uri is None:
                raise ValueError("a spooled page is kept by its src_uri: prepare(page, src_uri)")
            spooled = self.memo.spool.keep(src_uri, page)
            self.memo.codes[id(spooled)] = (spooled, self._codes(page))
            return spooled
        self._page_codes(page)
        if self.memo.keeps_page_files:
            self._page_payload(page)
        return page

    def _section_codes(self) -> Iterator[SectionCodes]:
        for number, page in enumerate(self.pages):
            if self.checkpoint is not None and number % CHECKPOINT_PAGES == 0:
                self.checkpoint()
            yield from self._page_codes(page)

    def _page_codes(self, page: IndexedPage) -> list[SectionCodes]:
        remembered = self.memo.codes.get(id(page)) if self.memo is not None else None
        if remembered is not None and remembered[0] is page:
            return remembered[1]
        if isinstance(page, SpooledPage):
            raise ValueError("a spooled page's codes are made as it is spooled (prepare)")
        codes = self._codes(page)
        if self.memo is not None:
            self.memo.codes[id(page)] = (page, codes)
        return codes

    def _codes(self, page: SearchPage) -> list[SectionCodes]:
        return [compact_codes(section_postings(section, number == 0, page.title), self._tokens)
                for number, section in enumerate(page.sections)]

    def _page_payload(self, page: IndexedPage) -> str:
        if isinstance(page, SpooledPage):
            if self.memo is None or self.memo.spool is None:
                raise ValueError("a spooled page is read back from its memo's spool")
            page = self.memo.spool.page(page)
        remembered = self.memo.payloads.get(id(page)) if self.memo is not None else None
        if remembered is not None and remembered[0] is page:
            return remembered[1]
        strings: list[str] = []
        for position, section in enumerate(page.sections):
            derived = position and section.anchor == derived_anchor(section.heading)
            strings += ("" if derived else section.anchor,
                        "" if position == 0 else section.heading, section.text)
        payload = _json({"u": page.url, "t": page.title, "s": strings})
        if self.memo is not None and self.memo.keeps_page_files:
            self.memo.payloads[id(page)] = (page, payload)
        return payload

    def files(self) -> Iterator[tuple[str, str]]:
        """(relative path under search/, file text), in name order and the manifest last, made one
        at a time: a writer holds one page file's text at once, not all of them (at 10,000
        lessons the page files are about 70 MB of text, next to the same in the memo)."""
        encoded = self.encoded_postings()
        total = sum(len(token.encode()) + len(text) + 6 for token, text in encoded.items())
        shards = 1
        while total / shards > SHARD_TARGET_BYTES:
            shards *= 2
        by_shard: list[list[str]] = [[] for _ in range(shards)]
        for token in sorted(encoded):
            by_shard[shard_of(token, shards)].append(token)
        made: dict[str, Callable[[], str]] = {}
        for number, shard_tokens in enumerate(by_shard):
            made[f"shards/{number}.js"] = functools.partial(_shard_script, number, shard_tokens, encoded)
        for number, page in enumerate(self.pages):
            made[f"pages/{number}.js"] = functools.partial(self._page_file, number, page)
        # Read only when pages are saved for offline, to find the files of the saved pages.
        made["urls.js"] = functools.partial(_script, "urls", 0, [page.url for page in self.pages])
        digest = hashlib.sha256()  # of all files in name order
        for name in sorted(made):
            text = made.pop(name)()
            digest.update(text.encode())
            yield name, text
        counts = "".join(encode_number(page.section_count) for page in self.pages)
        kinds = list(dict.fromkeys(page.kind for page in self.pages))
        kind_numbers = {kind: number for number, kind in enumerate(kinds)}
        page_kinds = "".join(encode_number(kind_numbers[page.kind]) for page in self.pages)
        yield "manifest.js", _script("manifest", 0, {"version": digest.hexdigest()[:12], "shards": shards,
                                                     "pages": len(self.pages), "sections": counts,
                                                     "kinds": kinds, "pageKinds": page_kinds})

    def _page_file(self, number: int, page: IndexedPage) -> str:
        return _call("page", number, self._page_payload(page))

    def write(self, site_dir: Path) -> None:
        """Write the index into site_dir/search/, replacing an older one."""
        folder = site_dir / FOLDER
        written = self.memo.written if self.memo is not None else {}
        if self.memo is not None and self.memo.folder != folder:
            written.clear()
            self.memo.folder = folder
        if not written:  # the memo's first index: what the folder holds is not known
            for stale in ("shards", "pages"):
                shutil.rmtree(folder / stale, ignore_errors=True)
        names: set[str] = set()
        for number, (name, text) in enumerate(self.files()):
            if self.checkpoint is not None and number % CHECKPOINT_PAGES == 0:
                self.checkpoint()
            names.add(name)
            path = folder / name
            # What the memo remembers of a file is a digest of its text: the texts themselves
            # would be a second copy of the index.
            text_digest = hashlib.blake2b(text.encode(), digest_size=16).digest()
            if name in written and written[name] == (text_digest, file_identity(path)):
                continue  # as the last index left it
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            if self.memo is not None:
                written[name] = (text_digest, file_identity(path))
        for name in written.keys() - names:
            (folder / name).unlink(missing_ok=True)
            del written[name]
        if self.memo is not None:
            self.memo.keep_only(self.pages)


def _shard_script(number: int, shard_tokens: list[str], encoded: dict[str, str]) -> str:
    """A shard's file, made when it is written; its tokens' postings are let go then: the index's
    postings are held once, not also as every shard's lines and text (at 2,000 lessons the
    search's process grew by about 20 MB while it wrote the index)."""
    return _script("shard", number, "\n".join(f"{token} {encoded.pop(token)}" for token in shard_tokens))


def _script(kind: str, number: int, content: object) -> str:
    return _call(kind, number, _json(content))


def _json(content: object) -> str:
    return json.dumps(content, ensure_ascii=False, separators=(",", ":"))


def _call(kind: str, number: int, payload: str) -> str:
    return f"jgSearch.{kind}({number},{payload});\n"


def read_page_records(site_dir: Path) -> list[dict[str, Any]]:
    """Each page file of a written index as search.js reads it, by page number: u (URL), t
    (title), k (kind) and s, its sections as [anchor, heading, text] with what the file leaves
    empty filled in (for benchmarks and tests)."""
    manifest = _payload(site_dir / FOLDER / "manifest.js")
    page_kinds = decode_numbers(manifest["pageKinds"])
    records = []
    for number in range(manifest["pages"]):
        record = _payload(site_dir / FOLDER / f"pages/{number}.js")
        strings = record["s"]
        sections = []
        for start in range(0, len(strings), 3):
            anchor, heading, text = strings[start:start + 3]
            heading = heading if start else record["t"]
            sections.append([anchor or (derived_anchor(heading) if start else ""), heading, text])
        records.append({"u": record["u"], "t": record["t"], "k": manifest["kinds"][page_kinds[number]], "s": sections})
    return records


def read_shard(text: str) -> dict[str, str]:
    """token -> encoded postings, of a shard file's text."""
    lines: str = _payload_of(text)
    return dict(line.split(" ", 1) for line in lines.split("\n") if line)


def decode_numbers(letters: str) -> list[int]:
    numbers, number, shift = [], 0, 0
    for letter in letters:
        value = ALPHABET.index(letter)
        number |= (value & 31) << shift
        shift += 5
        if not value & 32:
            numbers.append(number)
            number, shift = 0, 0
    return numbers


def _payload(path: Path) -> Any:
    return _payload_of(path.read_text(encoding="utf-8"))


def _payload_of(text: str) -> Any:
    """What a script file `jgSearch.kind(number, payload);` hands over."""
    return json.loads(text[text.index(",") + 1:text.rindex(")")])


def read_page_urls(site_dir: Path) -> list[str]:
    """The page URLs of a written index, by page number (for offline copies of some pages)."""
    urls: list[str] = _payload(site_dir / FOLDER / "urls.js")
    return urls
