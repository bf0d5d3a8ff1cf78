"""The kinds of content: one registry, and one word per kind in code, YAML, commands and messages.

Pages (lessons, site guides, lecturer materials) are Markdown files under docs/; packets and
routes are YAML files under curriculum/. The registries (sources, sites, events, people,
glossary) are single files and are listed in REGISTRIES.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    name: str  # the one word: `jinggang new NAME`, a packet's entry key, schema x-ref, item.KIND
    label: str  # what editors and readers call it
    folder: str  # where its files live, relative to the project root
    table: str  # the ContentModel attribute holding its items by id
    url: str  # its page (or download) in the built site; {id} stands for the item's id

    @property
    def schema(self) -> str:
        return self.name

    @property
    def is_page(self) -> bool:
        return self.folder.startswith("docs/")

    @property
    def docs_folder(self) -> str:
        """The folder under docs/ (pages only)."""
        return self.folder.removeprefix("docs/")

    @property
    def suffix(self) -> str:
        return ".md" if self.is_page else ".yml"

    def page_url(self, item_id: str) -> str:
        return self.url.format(id=item_id)


LESSON = Kind("lesson", "微团课", "docs/lessons", "lessons", "lessons/{id}/")
SITE_GUIDE = Kind("site-guide", "研学指南", "docs/sites", "site_guides", "sites/{id}/")
LECTURER = Kind("lecturer", "讲师资料", "docs/lecturers", "lecturers", "lecturers/{id}/")
PACKET = Kind("packet", "讲义包", "curriculum/packets", "packets", "downloads/packets/{id}.pdf")
ROUTE = Kind("route", "研学路线", "curriculum/routes", "routes", "routes/{id}/")

KINDS = {kind.name: kind for kind in (LESSON, SITE_GUIDE, LECTURER, ROUTE, PACKET)}
PAGE_KINDS = {kind.docs_folder: kind for kind in KINDS.values() if kind.is_page}

# What a packet lists: the pages by their kind's name, and parts of a page printed on their own:
# a lesson's or guide's worksheet, a lesson's discussion questions, a lecturer material's
# slides without its notes.
HANDOUT = "handout"
DISCUSSION = "discussion"
SLIDES = "slides"
PACKET_ENTRIES = {LESSON.name: LESSON.label, SITE_GUIDE.name: SITE_GUIDE.label, LECTURER.name: LECTURER.label,
                  HANDOUT: "学生活页", DISCUSSION: "讨论题", SLIDES: "讲师资料（仅幻灯片）"}
HANDOUT_KINDS = (LESSON, SITE_GUIDE)
PART_ENTRIES = {HANDOUT: HANDOUT_KINDS, DISCUSSION: (LESSON,), SLIDES: (LECTURER,)}


def entry_kinds(entry_kind: str) -> tuple[Kind, ...]:
    """The kinds of page a packet entry may name: its own, or for a part the pages it is part of."""
    return PART_ENTRIES.get(entry_kind) or (KINDS[entry_kind],)

# The single-file registries: file name (without .yml) → the kind of entry, as schemas x-ref it.
REGISTRIES = {"sources": "source", "sites": "site", "events": "event", "people": "person", "glossary": "term"}
# Registers a project may not have yet: read and checked when the file exists.
OPTIONAL_REGISTRIES = {"quotes": "quote"}
REGISTRY_LABELS = {"source": "出处", "site": "景点登记", "event": "事件", "person": "人物", "term": "术语",
                   "quote": "引文"}

# Words that named a kind before the registry: a check or command meeting one says what to write.
RENAMED_ENTRIES = {"site": SITE_GUIDE.name}  # in a packet's contents
RENAMED_KINDS = {"site": SITE_GUIDE.name, "lecture": LECTURER.name}  # for `jinggang new`


def label(kind_name: str) -> str:
    """The Chinese name of a kind or packet entry; the word itself for anything else."""
    if kind_name in KINDS:
        return KINDS[kind_name].label
    return PACKET_ENTRIES.get(kind_name) or REGISTRY_LABELS.get(kind_name, kind_name)
