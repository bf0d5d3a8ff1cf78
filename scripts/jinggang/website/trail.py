"""The way back from a detail page: where it sits (home › list › page) and its neighbours.

Lesson, guide, lecturer and route pages are not in the nav (see mkdocs.yml), so neither the
breadcrumb nor previous/next can come from Material: they come from the model, in the order
of the list page the reader came from (order.py), and render from jinggang/trail.html.

A page records its trail as one key, `trail/<src_uri>/neighbours`, not as the list's reads:
the list reads every title, so a title edit would make every page of the list again (2,000
lessons at 26 s in the preview), while it changes the trails of at most five. `trail_digests`
gives those keys' digests beside the model's (content/dependencies.py model_digests).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..content.dependencies import Derived, digest_of, key, note, unrecorded
from ..content.model import ContentModel
from .order import guides_in_order, lecturers_in_order, lessons_in_order, routes_in_order

HOME = ("首页", "index.md")
# Per folder: the list pages above a detail page, home first, its own list last.
PARENTS = {
    "lessons": (HOME, ("微团课", "lessons/index.md")),
    "sites": (HOME, ("研学指南", "sites/index.md")),
    "lecturers": (HOME, ("讲师资料", "lecturers/index.md")),
    "routes": (HOME, ("研学指南", "sites/index.md"), ("研学路线", "routes/index.md")),
}


@dataclass(frozen=True)
class Neighbour:
    title: str
    src_uri: str


@dataclass(frozen=True)
class Trail:
    crumbs: tuple[tuple[str, str], ...]  # (label, src_uri), home first, the list last
    title: str
    previous: Neighbour | None
    next: Neighbour | None

    @property
    def list_uri(self) -> str:
        return self.crumbs[-1][1]

    @property
    def list_label(self) -> str:
        return self.crumbs[-1][0]


def _listed(model: ContentModel, folder: str) -> list[Neighbour]:
    items: list[Any]
    if folder == "lessons":
        items = list(lessons_in_order(model.lessons.values()))
    elif folder == "sites":
        items = guides_in_order(model)
    elif folder == "lecturers":
        items = lecturers_in_order(model)
    else:
        items = routes_in_order(model)
    return [Neighbour(getattr(item, "name", None) or item.title, item.src_uri) for item in items]


class Trails:
    """The trails of one build's detail pages; each list is ordered once, not once a page
    (a page per list item made that quadratic: minutes at 10,000 lessons)."""

    def __init__(self, model: ContentModel) -> None:
        self.model = model
        # Each page that uses a list reads what ordering it read (content/dependencies.py).
        self._lists: dict[str, Derived[tuple[list[Neighbour], dict[str, int]]]] = {}

    def _list(self, folder: str) -> tuple[list[Neighbour], dict[str, int]]:
        if folder not in self._lists:
            def ordered(folder: str = folder) -> tuple[list[Neighbour], dict[str, int]]:
                listed = _listed(self.model, folder)
                return listed, {item.src_uri: place for place, item in enumerate(listed)}

            self._lists[folder] = Derived(ordered)
        return self._lists[folder].get()

    def trail_for(self, src_uri: str) -> Trail | None:
        """The trail of a detail page; None for other pages (lists, home, generated pages)."""
        folder, _, name = src_uri.partition("/")
        if folder not in PARENTS or name == "index.md" or "/" in name:
            return None
        note(trail_key(src_uri))
        with unrecorded():
            return self._trail(folder, src_uri)

    def _trail(self, folder: str, src_uri: str) -> Trail | None:
        listed, places = self._list(folder)
        place = places.get(src_uri)
        if place is None:
            return None
        return Trail(PARENTS[folder], listed[place].title,
                     listed[place - 1] if place > 0 else None,
                     listed[place + 1] if place + 1 < len(listed) else None)

    def in_order(self, folder: str) -> list[Neighbour]:
        """A folder's detail pages in the order of its list page."""
        return self._list(folder)[0]

    def digests(self) -> dict[str, str]:
        """The digest of every detail page's trail, by its key (trail_for notes it)."""
        digests: dict[str, str] = {}
        with unrecorded():
            for folder in PARENTS:
                for neighbour in self.in_order(folder):
                    digests[trail_key(neighbour.src_uri)] = digest_of(self._trail(folder, neighbour.src_uri))
        return digests


def trail_key(src_uri: str) -> str:
    return key("trail", src_uri, "neighbours")


def trail_digests(model: ContentModel | None) -> dict[str, str]:
    """The trails' keys of a model with their digests: what `jinggang changes` compares beside
    the model's own keys."""
    return Trails(model).digests() if model is not None else {}
