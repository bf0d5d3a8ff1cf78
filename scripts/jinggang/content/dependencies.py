"""What each file of a build read from the content model, recorded while it was made.

Every file the build writes (a page, a feed, a PDF, a share card) is made inside
`reading()`. Meanwhile each field read from an item, packet, route or register entry is
noted as a key `kind/id/field`, each listing of a table as `kind/*/@ids` and each lookup by
id as `kind/id/@exists`. A build saves the keys of every file (`DependencyMap`); `jinggang
changes` turns the difference between the model at two commits into the same keys
(`changed_keys`) and names the files whose keys meet them.

Why this is sound: a renderer is deterministic, so a file whose every read value is the same
on both sides is the same file. A map recorded on either side of a change therefore names
every file that changes (a map recorded at a third commit does not: `fingerprint`).
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any, ClassVar, Generic, TypeVar

# Every file depends on this key: a change that cannot be analysed (mkdocs.yml, a template).
EVERYTHING = "*"
IDS = "@ids"
EXISTS = "@exists"
# A file that reads one field of more items of a kind than this is taken to read it of all:
# the map stays small at 10,000 lessons, and a listing reads them all anyway. Above what a
# guide's page lists (its lessons: ~60 each at 2,000 lessons): with 32, one lesson's title
# edit made 85 of 101 guide pages again in the preview, which show it on 2.
WILDCARD_AFTER = 256
# A Derived value scans a table (a reverse index): its reads are one field of all items, and
# are added to every file that uses it (a lesson page: every lecturer's lesson list).
DERIVED_WILDCARD_AFTER = 32
FORMAT = 1

_reads: ContextVar[set[str] | None] = ContextVar("jinggang_reads", default=None)


def note(*keys: str) -> None:
    """Record reads that do not go through a recorded object (a cache, a vocabulary)."""
    reads = _reads.get()
    if reads is not None:
        reads.update(keys)


def key(kind: str, item_id: str, field: str) -> str:
    return f"{kind}/{item_id}/{field}"


@contextmanager
def reading(into: set[str] | None = None) -> Iterator[set[str]]:
    """Record the reads made inside the block. They are added to the enclosing recording
    too: whatever the outer file does with the inner result, it read the same things."""
    reads: set[str] = set() if into is None else into
    outer = _reads.get()
    token = _reads.set(reads)
    try:
        yield reads
    finally:
        _reads.reset(token)
        if outer is not None:
            outer.update(reads)


@contextmanager
def unrecorded() -> Iterator[None]:
    """Reads inside the block are not recorded: the caller notes a key of its own for what it
    worked out (a page's neighbours in a list), whose digest is computed from the model too."""
    token = _reads.set(None)
    try:
        yield
    finally:
        _reads.reset(token)


def is_recording() -> bool:
    return _reads.get() is not None


class Recorded:
    """Model objects whose field reads are recorded: KIND names the kind, `id` the entry."""

    KIND: ClassVar[str] = ""
    _recorded_fields: ClassVar[frozenset[str]] = frozenset()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "_recorded_fields" not in cls.__dict__:
            cls._recorded_fields = frozenset()  # filled on first use: dataclass fields exist only then

    def __getattribute__(self, name: str) -> Any:
        value = object.__getattribute__(self, name)
        reads = _reads.get()
        if reads is not None and name[0] != "_":
            cls = type(self)
            names = cls._recorded_fields or _fields_of(cls)
            if name in names:
                reads.add(f"{cls.KIND}/{object.__getattribute__(self, 'id')}/{name}")
        return value


def _fields_of(cls: type[Recorded]) -> frozenset[str]:
    names = frozenset(entry.name for entry in fields(cls)) - {"id"} if is_dataclass(cls) else frozenset({""})
    cls._recorded_fields = names
    return names


Value = TypeVar("Value")


class Table(dict[str, Value]):
    """A table of the model (lessons by id, events by id …) that records how it is read:
    a listing depends on which ids there are, a lookup on whether that id exists."""

    def __init__(self, kind: str, entries: Mapping[str, Value] | Iterable[tuple[str, Value]] = ()) -> None:
        super().__init__(entries)
        self.kind = kind

    def _listed(self) -> None:
        reads = _reads.get()
        if reads is not None:
            reads.add(f"{self.kind}/*/{IDS}")

    def _looked_up(self, entry_id: object) -> None:
        reads = _reads.get()
        if reads is not None:
            reads.add(f"{self.kind}/{entry_id}/{EXISTS}")

    def __iter__(self) -> Iterator[str]:
        self._listed()
        return super().__iter__()

    def __len__(self) -> int:
        self._listed()
        return super().__len__()

    def keys(self) -> Any:
        self._listed()
        return super().keys()

    def values(self) -> Any:
        self._listed()
        return super().values()

    def items(self) -> Any:
        self._listed()
        return super().items()

    def __getitem__(self, entry_id: str) -> Value:
        self._looked_up(entry_id)
        return super().__getitem__(entry_id)

    def get(self, entry_id: str, default: Any = None) -> Any:  # type: ignore[override]
        self._looked_up(entry_id)
        return super().get(entry_id, default)

    def __contains__(self, entry_id: object) -> bool:
        self._looked_up(entry_id)
        return super().__contains__(entry_id)

    def __reduce__(self) -> Any:
        return (Table, (self.kind, dict(super().items())))


class Derived(Generic[Value]):
    """A value worked out once from the model and used by many files (an index of reverse
    links, the order of a listing): its reads are recorded once and added to every file
    that uses it, as if each had worked it out itself."""

    def __init__(self, compute: Callable[[], Value]) -> None:
        self._compute = compute
        self._value: Value | None = None
        self._reads: frozenset[str] = frozenset()
        self._done = False

    def get(self) -> Value:
        if not self._done:
            with reading() as reads:
                self._value = self._compute()
            self._reads, self._done = compact(reads, DERIVED_WILDCARD_AFTER), True
        else:
            reads_now = _reads.get()
            if reads_now is not None:
                reads_now.update(self._reads)
        return self._value  # type: ignore[return-value]


def compact(reads: Iterable[str], wildcard_after: int = WILDCARD_AFTER) -> frozenset[str]:
    """One field read of many items of a kind becomes the same field of all of them."""
    by_field: dict[tuple[str, str], list[str]] = defaultdict(list)
    kept: set[str] = set()
    for entry in reads:
        kind, _, rest = entry.partition("/")
        item_id, _, field = rest.rpartition("/")
        if item_id == "*" or not field:
            kept.add(entry)
        else:
            by_field[(kind, field)].append(entry)
    for (kind, field), entries in by_field.items():
        if len(entries) > wildcard_after:
            kept.add(f"{kind}/*/{field}")
        else:
            kept.update(entries)
    # One string per key across the build's files: each page's reads make their own copies, and
    # the map keeps them to the end (2,000 lessons: 113,000 strings, 9 MB).
    return frozenset(map(sys.intern, kept))


def meets(dependencies: Iterable[str], changed: set[str]) -> bool:
    """Whether a file with these dependencies reads anything in changed."""
    return _meets(dependencies, changed, _met_by(changed))


def _met_by(changed: set[str]) -> frozenset[str] | None:
    """The keys a file meets changed through: changed, each key's wildcard and EVERYTHING;
    None: every file (EVERYTHING changed)."""
    if EVERYTHING in changed:
        return None
    wildcards = {f"{entry.partition('/')[0]}/*/{entry.rpartition('/')[2]}" for entry in changed}
    return frozenset({*changed, *wildcards, EVERYTHING})


def _meets(dependencies: Iterable[str], changed: set[str], met_by: frozenset[str] | None) -> bool:
    if not changed:
        return False
    return met_by is None or not met_by.isdisjoint(dependencies)


def _sorted_keys(keys: Iterable[str]) -> tuple[str, ...]:
    """Keys as a map holds them to the build's end: sorted, in a tuple (a set's table took about
    five times a tuple's bytes: at 2,000 lessons 7 MB for 2,200 files' 174,000 keys)."""
    return tuple(sorted(set(keys)))


class DependencyMap:
    """Files of one build (paths relative to the site folder) and the keys each read."""

    def __init__(self, files: Mapping[str, Iterable[str]] | None = None, fingerprint: str = "",
                 pages: Mapping[str, str] | None = None) -> None:
        self.files: dict[str, tuple[str, ...]] = {path: _sorted_keys(keys) for path, keys in (files or {}).items()}
        self.fingerprint = fingerprint
        self.pages: dict[str, str] = dict(pages or {})  # a page's file → its src_uri under docs/

    def add(self, path: str, reads: Iterable[str]) -> None:
        self.files[path] = _sorted_keys(compact(reads).union(self.files.get(path, ())))

    def put(self, path: str, keys: Iterable[str]) -> None:
        """The file's keys as given, instead of those it had."""
        self.files[path] = _sorted_keys(keys)

    def affected(self, changed: set[str]) -> list[str]:
        met_by = _met_by(changed)  # once, not for each of thousands of files
        return sorted(path for path, keys in self.files.items() if _meets(keys, changed, met_by))

    def save(self, file: Path) -> None:
        """As a list of distinct keys and each file's indexes into it: most keys repeat."""
        keys = sorted({entry for entries in self.files.values() for entry in entries})
        index = {entry: position for position, entry in enumerate(keys)}
        document = {"format": FORMAT, "fingerprint": self.fingerprint, "keys": keys, "pages": self.pages,
                    "files": {path: sorted(index[entry] for entry in self.files[path]) for path in sorted(self.files)}}
        file.parent.mkdir(parents=True, exist_ok=True)
        scratch = file.with_name(file.name + ".tmp")
        scratch.write_text(json.dumps(document, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        scratch.replace(file)

    @classmethod
    def load(cls, file: Path) -> DependencyMap | None:
        try:
            document = json.loads(file.read_text(encoding="utf-8"))
            if document.get("format") != FORMAT:
                return None
            keys = document["keys"]
            return cls({path: [keys[position] for position in positions]
                        for path, positions in document["files"].items()}, str(document.get("fingerprint", "")),
                       dict(document.get("pages", {})))
        except (OSError, ValueError, KeyError, IndexError, TypeError, AttributeError):
            return None  # no map, or a damaged one: it is recorded again


def fingerprint(folders: Iterable[Path]) -> str:
    """Every file under the folders by its path (from the folders' parent: a file moved from one
    folder to another changes it) and bytes: the content a map was recorded from."""
    digest = hashlib.sha256()
    for folder in folders:
        for entry, value in sorted(file_digests(folder.parent, folder).items()):
            digest.update(f"{entry}\0{value}\n".encode())
    return digest.hexdigest()


def file_identity(file: Path) -> tuple[Any, ...] | None:
    """What tells a file's version without reading it (path, inode, times, size); None if it is gone."""
    try:
        status = file.stat()
    except OSError:
        return None
    return (str(file), status.st_ino, status.st_mtime_ns, status.st_ctime_ns, status.st_size)


def _value(entry: object, name: str) -> Any:
    value = object.__getattribute__(entry, name)
    if name == "source":  # the file an entry was read from: what outputs print of it, its body
        return (getattr(value, "body", None), getattr(value, "data", None))
    return value


def digest_of(value: Any) -> str:
    return hashlib.blake2b(repr(value).encode("utf-8"), digest_size=12).hexdigest()


# The preview's memo of model_digests: an item's digests by (kind, id), with the loader's source
# object, the register digest and the item type they were made from.
DigestMemo = dict[tuple[str, str], tuple[Any, str, type, dict[str, str]]]


def model_digests(model: Any, memo: DigestMemo | None = None) -> dict[str, str]:
    """Every key of a content model (content/model.py ContentModel) with a digest of its value:
    two models differ exactly in the keys whose digests differ (`changed_keys`).

    memo (the preview's, across its builds): an item is made from its source file and the source
    register only (its from_source), and the loader hands back the same source object while the
    file is unchanged, so an item whose source object and register are the same has the same
    digests; at 2,000 lessons hashing every field of every item took ~0.4 s of each build."""
    digests: dict[str, str] = {}
    if model is None:
        return digests
    register = digest_of(dict.items(registered)) if memo is not None \
        and isinstance(registered := object.__getattribute__(model, "sources"), dict) else ""
    used: set[tuple[str, str]] = set()
    for entry in fields(model):
        value = object.__getattribute__(model, entry.name)
        if isinstance(value, Table):
            table: dict[str, Any] = dict(dict.items(value))
            digests[f"{value.kind}/*/{IDS}"] = digest_of(list(table))  # which ids, and in what order
            for entry_id, item in table.items():
                source = _source_of(item) if memo is not None else None
                remembered = memo.get((value.kind, entry_id)) if memo is not None and source is not None else None
                if remembered is not None and remembered[0] is source and remembered[1] == register \
                        and remembered[2] is type(item):
                    item_digests = remembered[3]
                else:
                    item_digests = {key(value.kind, entry_id, EXISTS): type(item).__name__}
                    for name in (field.name for field in fields(item) if field.name != "id"):
                        item_digests[key(value.kind, entry_id, name)] = digest_of(_value(item, name))
                    if memo is not None and source is not None:
                        memo[(value.kind, entry_id)] = (source, register, type(item), item_digests)
                used.add((value.kind, entry_id))
                digests.update(item_digests)
        elif isinstance(value, Recorded) and is_dataclass(value):  # the vocabularies
            kind = type(value).KIND
            terms = object.__getattribute__(value, "terms")
            digests[key(kind, "*", "terms")] = digest_of(terms)
            for name, labels in terms.items():
                digests.update({key(kind, name, slug): digest_of(text) for slug, text in labels.items()})
        else:
            digests[key(type(model).KIND, "-", entry.name)] = digest_of(value)
    if memo is not None:
        for stale in memo.keys() - used:
            del memo[stale]
    return digests


def _source_of(item: Any) -> Any:
    """The file an item was made from (the loader's object), or None for a register entry."""
    try:
        return object.__getattribute__(item, "source")
    except AttributeError:
        return None


def changed_between(before: Mapping[str, str], after: Mapping[str, str]) -> set[str]:
    return {entry for entry in before.keys() | after.keys() if before.get(entry) != after.get(entry)}


def changed_keys(before: Any, after: Any) -> set[str]:
    """The keys whose values differ between two content models: the keys outputs record while they read."""
    return changed_between(model_digests(before), model_digests(after))


def file_digest(file: Path) -> str:
    """A digest of one file's bytes, as the `file/` keys hold it."""
    return hashlib.blake2b(file.read_bytes(), digest_size=12).hexdigest()


def file_digests(root: Path, folder: Path, memo: dict[tuple[Any, ...], str] | None = None) -> dict[str, str]:
    """`file/` keys of every file under folder (a page's Markdown, a picture) with a digest of its
    bytes; memo (the preview's) keeps digests by file identity, so that unchanged files are not read."""
    digests = {}
    for path in folder.rglob("*"):
        identity = file_identity(path) if path.is_file() else None
        if identity is None:
            continue
        digest = memo.get(identity) if memo is not None else None
        if digest is None:
            digest = file_digest(path)
            if memo is not None:
                memo[identity] = digest
        digests[key("file", path.relative_to(root).as_posix(), "bytes")] = digest
    return digests
