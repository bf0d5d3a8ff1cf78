"""Story blocks keep their label on the page and in print: the title of a textbook-story,
legend or recollection admonition starts with 教材故事, 传说 or 回忆录 whatever the editor wrote
(content/stories.py), so the reader is told what kind of text follows before reading it.

Listed in mkdocs.yml's markdown_extensions, so the site, the packets, the field kits and the
lecturers' notes (which render bodies with the same extensions) all show it.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from ..content.stories import STORY_LABELS, story_title


class StoryTitles(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for block in root.iter("div"):
            classes = block.get("class", "").split()
            kind = next((name for name in classes if name in STORY_LABELS), None)
            if kind is None or "admonition" not in classes:
                continue
            title = next((child for child in block if child.tag == "p"
                          and "admonition-title" in child.get("class", "").split()), None)
            if title is None:  # `!!! legend ""`: no title at all
                title = etree.Element("p", {"class": "admonition-title"})
                block.insert(0, title)
            if len(title):  # marked-up title: keep its elements, put the label in front
                written = "".join(title.itertext())
                if story_title(kind, written) != written:
                    title.text = f"{STORY_LABELS[kind]}：" + (title.text or "")
            else:
                title.text = story_title(kind, title.text or "")


class StoryMarkersExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # After the inline patterns (priority 20) have filled in the titles' text.
        md.treeprocessors.register(StoryTitles(md), "jinggang_story_titles", 5)


def makeExtension(**kwargs: Any) -> StoryMarkersExtension:
    return StoryMarkersExtension(**kwargs)
