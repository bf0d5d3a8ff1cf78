"""The text of a new content file: valid front matter, the conventional sections, placeholders.

Every placeholder contains PLACEHOLDER, so the check can point at what is left to write
(placeholders.py). Values an editor must still choose but the schema needs now
(coordinates, a route's minutes) carry the marker in a YAML comment on their line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import yaml

from ..content.kinds import LECTURER, LESSON, PACKET, ROUTE, SITE_GUIDE

PLACEHOLDER = "待填写"


@dataclass
class NewItem:
    """What an editor said about the file to create; the values are already checked."""

    kind: str  # a name in kinds.KINDS
    id: str
    title: str
    audience: list[str]
    updated: str
    themes: list[str] = field(default_factory=list)
    sites: list[str] = field(default_factory=list)  # a lesson's guides; a route's stops, in order
    events: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # ids of curriculum/sources.yml
    lessons: list[str] = field(default_factory=list)
    group: str = ""
    duration: int = 0
    contents: list[tuple[str, str]] = field(default_factory=list)  # (kinds.PACKET_ENTRIES key, id)
    authors: list[str] = field(default_factory=list)
    status: str = "draft"
    occasion: str = ""
    issuer: str = ""


def scalar(value: str) -> str:
    """A string as YAML: plain where YAML reads it back unchanged, else double-quoted."""
    try:
        plain_ok = "#" not in value and yaml.safe_load(f"key: {value}") == {"key": value}
    except yaml.YAMLError:
        plain_ok = False
    # A JSON string is a valid YAML double-quoted scalar.
    return value if plain_ok else json.dumps(value, ensure_ascii=False)


def flow_list(values: list[str]) -> str:
    return "[" + ", ".join(scalar(value) for value in values) + "]"


def _sources(item: NewItem) -> str:
    """The citations asked for, by id; pages are for the editor to add once checked."""
    lines = "".join(f"  - {{source: {source_id}}}  # 可加页码：page: \"245\"（只写核对过的）\n"
                    for source_id in item.sources)
    return "sources:\n" + lines


def _closing(item: NewItem) -> str:
    return (f"status: {item.status}\n"
            f"authors: {flow_list(item.authors)}\n"
            f"updated: {item.updated}\n")


def _status(item: NewItem) -> str:
    """A packet's or route's status: a draft is not built, so a new one cannot go live on merge."""
    return f"status: {item.status}  # draft 不生成；review 生成并标明审核中；published 须写 reviewed_by、reviewed_on\n"


def _optional_ids(name: str, values: list[str], hint: str) -> str:
    if values:
        return f"{name}: {flow_list(values)}\n"
    return f"# {name}: []  # 可选：{hint}\n"


def lesson(item: NewItem) -> str:
    return (
        "---\n"
        f"id: {item.id}\n"
        f"title: {scalar(item.title)}\n"
        f"summary: {PLACEHOLDER}：一两句话，说明这节课讲什么。\n"
        f"audience: {flow_list(item.audience)}\n"
        f"duration: {item.duration}\n"
        f"themes: {flow_list(item.themes)}\n"
        + _optional_ids("sites", item.sites, "相关研学指南的标识，例如 [sanwan]")
        + _optional_ids("events", item.events, "curriculum/events.yml 中相关事件的标识")
        + "objectives:\n"
        f"  - {PLACEHOLDER}：学完这节课，学生能说出……\n"
        "discussion:\n"
        f"  - {PLACEHOLDER}：一道讨论题？\n"
        + _sources(item) + _closing(item) + "---\n\n"
        "## 导入\n\n"
        f"{PLACEHOLDER}：用一个问题、一张老照片或一件实物引出主题。\n\n"
        "## 讲述\n\n"
        f"{PLACEHOLDER}：讲清时间、地点、人物和经过；小标题用 ###。\n\n"
        "## 互动\n\n"
        f"{PLACEHOLDER}：提问、讨论或小活动。\n\n"
        "## 小结\n\n"
        f"{PLACEHOLDER}：用两三句话收束，联系学生自己。\n"
    )


def site_guide(item: NewItem) -> str:
    unverified = "未核实：出行前请向景点确认。"
    return (
        "---\n"
        f"id: {item.id}\n"
        f"name: {scalar(item.title)}\n"
        f"summary: {PLACEHOLDER}：景点在哪里、与哪段历史有关，一两句话。\n"
        f"region: {{province: {PLACEHOLDER}, city: {PLACEHOLDER}, county: {PLACEHOLDER}}}\n"
        f"address: {PLACEHOLDER}：详细地址\n"
        f"coordinates: {{lat: 0, lon: 0}}  # {PLACEHOLDER}：WGS-84 经纬度（十进制度）\n"
        "visitor:\n"
        f"  hours: {unverified}\n"
        f"  tickets: {unverified}\n"
        "  visit_length: 未核实\n"
        "  accessibility: 未核实\n"
        "  verified: null  # 向景点核实后写核实日期 YYYY-MM-DD\n"
        f"audience: {flow_list(item.audience)}\n"
        f"themes: {flow_list(item.themes)}\n"
        + _optional_ids("events", item.events, "curriculum/events.yml 中相关事件的标识")
        + "tasks:\n"
        f"  - {PLACEHOLDER}：学生在现场完成的一项任务。\n"
        "safety:\n"
        f"  - {PLACEHOLDER}：一条安全提示。\n"
        + _sources(item) + _closing(item) + "---\n\n"
        "## 历史背景\n\n"
        f"{PLACEHOLDER}：这里发生过什么，为什么重要。\n\n"
        "## 参观要点\n\n"
        f"{PLACEHOLDER}：按参观路线写出要看的展陈和旧址。\n"
    )


def site_registration(item: NewItem) -> str:
    """The entry appended to curriculum/sites.yml for a new guide."""
    return (f"\n- id: {item.id}\n"
            f"  name: {scalar(item.title)}\n"
            "  # aliases: []  # 可选：常用短名，每个不超过 6 个字，供站内搜索分词\n")


def lecturer(item: NewItem) -> str:
    first = (item.duration + 1) // 2
    second = item.duration - first
    return (
        "---\n"
        f"id: {item.id}\n"
        f"title: {scalar(item.title)}\n"
        f"summary: {PLACEHOLDER}：面向谁、讲多久、讲什么。\n"
        f"group: {item.group}\n"
        f"audience: {flow_list(item.audience)}\n"
        f"duration: {item.duration}\n"
        f"lessons: {flow_list(item.lessons)}\n"
        + _sources(item) + _closing(item) + "---\n\n"
        f"{PLACEHOLDER}：使用说明（适用场合、需要准备的教具）。\n\n"
        f"## {item.title}\n\n"
        f"- {PLACEHOLDER}：投影上的要点\n\n"
        f"讲稿（{first} 分钟）：\n"
        f"{PLACEHOLDER}：讲师要说的话。\n\n"
        f"## {PLACEHOLDER}：第二张幻灯片的标题\n\n"
        f"- {PLACEHOLDER}：投影上的要点\n\n"
        f"讲稿（{second} 分钟）：\n"
        f"{PLACEHOLDER}：讲师要说的话。\n"
    )


def packet(item: NewItem) -> str:
    entries = "".join(f"  - {kind}: {item_id}\n" for kind, item_id in item.contents)
    return (
        f"id: {item.id}\n"
        f"title: {scalar(item.title)}\n"
        f"audience: {flow_list(item.audience)}\n"
        + _status(item)
        + f"occasion: {scalar(item.occasion or PLACEHOLDER + '：用途，例如“井冈山两日研学”')}\n"
        f"issuer: {scalar(item.issuer)}\n"
        "speaker_notes: true\n"
        "handouts: false\n"
        "contents:\n" + entries
    )


STOPS_PER_DAY = 3  # 3 × (30 + 90) minutes fit in an 08:00–17:00 day, so the check's timing passes


def route(item: NewItem) -> str:
    days: list[str] = []
    for first in range(0, len(item.sites), STOPS_PER_DAY):
        stops = "".join(
            f"      - site: {site}\n"
            f"        travel_minutes: 30  # {PLACEHOLDER}：从上一站（第一站从集合地点）出发的路上分钟数，估计值\n"
            f"        visit_minutes: 90  # {PLACEHOLDER}：在这一站的分钟数，含微团课\n"
            "        # lessons: []  # 可选：在这一站上的微团课标识\n"
            for site in item.sites[first:first + STOPS_PER_DAY])
        days.append(f"  - title: {PLACEHOLDER}：第 {len(days) + 1} 天的标题\n"
                    '    start: "08:00"\n'
                    '    end: "17:00"\n'
                    f"    meeting_point: {PLACEHOLDER}：集合地点\n"
                    "    stops:\n" + stops)
    return (
        f"id: {item.id}\n"
        f"title: {scalar(item.title)}\n"
        f"summary: {PLACEHOLDER}：路线从哪里到哪里、串起哪段历史，一两句话；路上时间为估计值。\n"
        f"audience: {flow_list(item.audience)}\n"
        + _status(item)
        + "safety:\n"
        f"  - {PLACEHOLDER}：一条全程的安全提示。\n"
        "days:\n" + "".join(days)
    )


RENDERERS = {LESSON.name: lesson, SITE_GUIDE.name: site_guide, LECTURER.name: lecturer, PACKET.name: packet,
             ROUTE.name: route}
