"""Speaker notes as a plain Markdown file, for lecturers who paste them into their own decks."""

from __future__ import annotations

from ...content.model import ContentModel, LecturerMaterial
from .text import plain_text


def notes_markdown(material: LecturerMaterial, model: ContentModel) -> str:
    audiences = "、".join(model.label("audience", slug) for slug in material.audience)
    lines = [f"# {material.title}：讲稿", "",
             f"{model.label('groups', material.group)} · {audiences} · {material.duration} 分钟 · "
             f"{len(material.slides)} 张幻灯片", ""]
    for slide in material.slides:
        timing = f"（{slide.minutes} 分钟）" if slide.minutes else ""
        lines += [f"## {slide.number}. {slide.title}{timing}", "", "幻灯片：", "", slide.content.strip(), "",
                  "讲稿：", "", plain_text(slide.notes), ""]
    return "\n".join(lines).rstrip() + "\n"
