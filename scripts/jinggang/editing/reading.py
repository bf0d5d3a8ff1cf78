"""`jinggang reading --date YYYY-MM-DD`: the day's reading for a new-media column.

Prints the reading as Markdown (历史上的今天 first, then the day's lesson) and writes, in one
folder, reading.md, reading.html (a fragment with inline styles only: what a WeChat or Weibo
editor pastes, no stylesheet and no script) and the lesson's share card beside it when
`jinggang share` has drawn it. Both name their sources and link back to the site.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from ..content.daily import DailyReading
from ..content.model import Citation
from ..website.render import Renderer, url_for
from ..website.share import absolute_url, share_target


@dataclass(frozen=True)
class ReadingFiles:
    markdown: str
    html: str
    image: Path | None  # the share card to copy beside the fragment


def sources_of(reading: DailyReading) -> list[Citation]:
    found = [source for event in reading.events for source in event.sources]
    found += list(reading.lesson.sources) if reading.lesson else []
    return list(dict.fromkeys(found))


def _source_line(cited: Citation) -> str:
    """As the pages print it (site_overrides/jinggang/citation.html), the title linked to its URL."""
    work = cited.source
    author = f"{work.author}：" if work.author else ""
    title = f"[《{work.title}》]({work.url})" if work.url else f"《{work.title}》"
    page = f"，{cited.page_label}" if cited.page else ""
    when = f"，{work.date_label}" if work.date_label else ""
    return f"{author}{title}，{work.publisher}{when}{page}。"


def reading_markdown(reading: DailyReading, *, site_name: str, site_url: str) -> str:
    lines = [f"# 百年党史天天读 · {reading.label}", ""]
    if reading.events:
        lines += ["## 历史上的今天", ""]
        lines += [f"- **{event.date_label}** {event.name}：{event.summary}" for event in reading.events]
        lines.append("")
    if reading.lesson:
        url = absolute_url(site_url, url_for(reading.lesson.src_uri))
        lines += [f"## 今日微团课：{reading.lesson.title}", "", reading.lesson.summary, "", f"阅读全文：<{url}>", ""]
    lines += ["资料来源：", ""]
    lines += [f"- {_source_line(source)}" for source in sources_of(reading)]
    lines += ["", f"来自「{site_name}」：<{absolute_url(site_url, '')}>", ""]
    return "\n".join(lines)


def reading_files(reading: DailyReading, renderer: Renderer, site_dir: Path, *, site_name: str,
                  site_url: str) -> ReadingFiles:
    image = None
    if reading.lesson is not None:
        target = share_target(renderer.model, reading.lesson.src_uri)
        card = site_dir / target.image_path if target else None
        image = card if card is not None and card.is_file() else None
    lesson_url = absolute_url(site_url, url_for(reading.lesson.src_uri)) if reading.lesson else ""
    html = renderer.env.get_template("jinggang/reading/fragment.html").render(
        reading=reading, sources=sources_of(reading), image=image.name if image else "", lesson_url=lesson_url,
        site_name=site_name, site_url=absolute_url(site_url, ""))
    return ReadingFiles(reading_markdown(reading, site_name=site_name, site_url=site_url), html, image)


def write_reading(files: ReadingFiles, out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = [out_dir / "reading.md", out_dir / "reading.html"]
    written[0].write_text(files.markdown, encoding="utf-8")
    written[1].write_text(files.html, encoding="utf-8")
    if files.image is not None:
        written.append(out_dir / files.image.name)
        shutil.copyfile(files.image, written[-1])
    return written
