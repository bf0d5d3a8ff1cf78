"""Synthetic but valid content at any size, for tests and benchmarks only.

    .venv/bin/python -m jinggang.bench.generate DEST --lessons 2000 [--guides N] [--lecturers N] [--packets N]

Writes a whole project into DEST (an empty or new folder, never the project's own docs/):
the real configuration, templates, schemas, vocabularies, registries and starter content,
plus generated lessons, red-site guides, lecturer materials and packets until the counts
are reached. Every generated item is a real one recombined: its front matter refers to
the real vocabularies and registries (and to other generated items), its body takes each
section or slide from a real item chosen by a seeded random generator, so the Chinese text
is as real as the starter content and the same seed gives the same tree.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[3]
COPIED = ("mkdocs.yml", "site_overrides", "curriculum", "docs")

_SECTION = re.compile(r"^## ", re.M)
# Names that no registry or dictionary knows, so that search is measured on what editors
# really write: people and places met for the first time. Each lesson names one person and
# one place, drawn from a few hundred combinations (some pages share a name, most names are rare).
SURNAMES = "曾赖段涂彭肖邹龚欧阳袁鄢黎廖谢"
GIVEN = "炳焕春秋桂芳德明贤兰凤瑞祥禄"
PLACES = ("坪", "垇", "坑", "陂", "岭", "圩", "洲", "冲")
PLACE_FIRST = "桐枫樟杉竹梅茶柿桂石"
PLACE_MIDDLE = "木林子树溪山背头"
NAMES_FILE = "unregistered-names.txt"  # beside mkdocs.yml: the names, for the search benchmark


@dataclass(frozen=True)
class Page:
    """A real content page, split into front matter text and level-2 sections."""

    front: dict[str, object]
    front_text: str
    preamble: str
    sections: tuple[str, ...]


def read_pages(folder: Path) -> list[Page]:
    pages = []
    for file in sorted(folder.glob("*.md")):
        if file.name == "index.md":
            continue
        _, front_text, body = file.read_text(encoding="utf-8").split("---\n", 2)
        parts = _SECTION.split(body)
        pages.append(Page(yaml.safe_load(front_text), front_text, parts[0],
                          tuple("## " + part for part in parts[1:])))
    return pages


def _set_field(front_text: str, key: str, value: str) -> str:
    """Replace one top-level `key: value` line, keeping the rest of the front matter as written."""
    pattern = re.compile(rf"^{key}:.*(?:\n[ ]+.*)*", re.M)
    assert pattern.search(front_text), f"no {key} in front matter"
    return pattern.sub(lambda _: f"{key}: {value}", front_text, count=1)


def _flow(values: list[str]) -> str:
    return "[" + ", ".join(values) + "]"


def _write_page(file: Path, front_text: str, body: str) -> None:
    file.write_text(f"---\n{front_text}---\n{body}", encoding="utf-8")


class Generator:
    def __init__(self, destination: Path, seed: int) -> None:
        self.root = destination
        self.random = random.Random(seed)
        self.docs = destination / "docs"
        self.lessons = read_pages(self.docs / "lessons")
        self.guides = read_pages(self.docs / "sites")
        self.lecturers = read_pages(self.docs / "lecturers")
        self.lesson_ids = [str(page.front["id"]) for page in self.lessons]
        self.guide_ids = [str(page.front["id"]) for page in self.guides]
        self.lecturer_ids = [str(page.front["id"]) for page in self.lecturers]
        self.names: set[str] = set()  # the unregistered names written into lessons

    def lesson(self, number: int) -> None:
        model = self.random.choice(self.lessons)
        lesson_id = f"gen-lesson-{number:05d}"
        front = _set_field(model.front_text, "id", lesson_id)
        front = _set_field(front, "title", f"{model.front['title']}（{number}）")
        sites = self.random.sample(self.guide_ids, k=min(2, len(self.guide_ids)))
        front = _set_field(front, "sites", _flow(sites)) if "sites" in model.front else \
            front + f"sites: {_flow(sites)}\n"
        # Section i of a random real lesson: every lesson has the same four sections, in order.
        sections = [self.random.choice(self.lessons).sections[index] for index in range(len(model.sections))]
        sections[0] = sections[0].rstrip("\n") + "\n\n" + self.unregistered_names() + "\n\n"
        _write_page(self.docs / "lessons" / f"{lesson_id}.md", front, model.preamble + "".join(sections))
        self.lesson_ids.append(lesson_id)

    def unregistered_names(self) -> str:
        person = self.random.choice(SURNAMES) + self.random.choice(GIVEN) + self.random.choice(GIVEN)
        place = self.random.choice(PLACE_FIRST) + self.random.choice(PLACE_MIDDLE) + self.random.choice(PLACES)
        self.names.update((person, place))
        return f"据当地老人回忆，{person}曾在{place}一带为红军送信带路。"

    def guide(self, number: int) -> None:
        model = self.random.choice(self.guides)
        guide_id = f"gen-site-{number:05d}"
        name = f"{model.front['name']}（{number}）"
        front = _set_field(_set_field(model.front_text, "id", guide_id), "name", name)
        _write_page(self.docs / "sites" / f"{guide_id}.md", front, model.preamble + "".join(model.sections))
        with (self.root / "curriculum/sites.yml").open("a", encoding="utf-8") as registry:
            registry.write(f"\n- id: {guide_id}\n  name: {name}\n")
        self.guide_ids.append(guide_id)

    def lecturer(self, number: int) -> None:
        model = self.random.choice(self.lecturers)
        material_id = f"gen-lecturer-{number:05d}"
        front = _set_field(_set_field(model.front_text, "id", material_id), "title",
                           f"{model.front['title']}（{number}）")
        front = _set_field(front, "lessons", _flow(self.random.sample(self.lesson_ids, k=2)))
        # Slides keep their own timing marks: the duration must match their sum, so keep the model's.
        _write_page(self.docs / "lecturers" / f"{material_id}.md", front, model.preamble + "".join(model.sections))
        self.lecturer_ids.append(material_id)

    def packet(self, number: int) -> None:
        packet_id = f"gen-packet-{number:05d}"
        contents = ([{"lecturer": self.random.choice(self.lecturer_ids)}]
                    + [{"lesson": lesson} for lesson in self.random.sample(self.lesson_ids, k=3)]
                    + [{"site-guide": self.random.choice(self.guide_ids)}])
        packet = {"id": packet_id, "title": f"合成讲义包 {number}", "audience": ["league-members"], "status": "review",
                  "occasion": "基准测试用的合成讲义包", "issuer": "井冈传人编写组", "contents": contents}
        (self.root / "curriculum/packets" / f"{packet_id}.yml").write_text(
            yaml.safe_dump(packet, allow_unicode=True, sort_keys=False), encoding="utf-8")


def generate(destination: Path, *, lessons: int, guides: int | None = None, lecturers: int | None = None,
             packets: int | None = None, seed: int = 1) -> Path:
    """Write a project with at least these many items (the starter content counts) into destination."""
    destination = destination.resolve()
    if destination == REPO or REPO / "docs" in (destination, *destination.parents) or destination in REPO.parents:
        raise ValueError(f"{destination}: generated content never goes into the project's own tree")
    if destination.exists() and any(destination.iterdir()):
        raise ValueError(f"{destination} is not empty")
    destination.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, destination / name)
        else:
            shutil.copy2(source, destination / name)
    if (REPO / "node_modules").is_dir():
        (destination / "node_modules").symlink_to(REPO / "node_modules")
    generator = Generator(destination, seed)
    counts = {"lessons": lessons, "guides": guides if guides is not None else max(lessons // 20, 1),
              "lecturers": lecturers if lecturers is not None else max(lessons // 20, 1),
              "packets": packets if packets is not None else max(lessons // 200, 1)}
    for number in range(len(generator.guide_ids) + 1, counts["guides"] + 1):
        generator.guide(number)
    for number in range(len(generator.lesson_ids) + 1, counts["lessons"] + 1):
        generator.lesson(number)
    for number in range(len(generator.lecturer_ids) + 1, counts["lecturers"] + 1):
        generator.lecturer(number)
    existing = len(list((destination / "curriculum/packets").glob("*.yml")))
    for number in range(existing + 1, counts["packets"] + 1):
        generator.packet(number)
    (destination / NAMES_FILE).write_text("\n".join(sorted(generator.names)) + "\n", encoding="utf-8")
    return destination


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("destination", type=Path)
    parser.add_argument("--lessons", type=int, required=True)
    parser.add_argument("--guides", type=int)
    parser.add_argument("--lecturers", type=int)
    parser.add_argument("--packets", type=int)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    try:
        generate(args.destination, lessons=args.lessons, guides=args.guides, lecturers=args.lecturers,
                 packets=args.packets, seed=args.seed)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    print(f"已生成：{args.destination}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
