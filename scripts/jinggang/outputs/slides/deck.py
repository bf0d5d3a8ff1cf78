"""A lecturer material as a PowerPoint deck (python-pptx), speaker notes in each notes pane."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.opc.constants import RELATIONSHIP_TYPE
from pptx.oxml.ns import qn
from pptx.text.text import TextFrame, _Run
from pptx.util import Emu, Inches, Pt

from ...content.model import ContentModel, LecturerMaterial
from .text import SlideBlock, parse_blocks, plain_text

# PowerPoint and WPS have Microsoft YaHei; LibreOffice substitutes a CJK font it has
# (Noto Sans CJK here) for it through fontconfig, so no one sees boxes.
CJK_FONT = "Microsoft YaHei"
WIDE = (Inches(13.333), Inches(7.5))
_EMPHASIS = re.compile(r"(\*\*[^*]+\*\*)")

# The site's colours (contrast.css): the deck's theme, so that PowerPoint's own colour pickers,
# links and charts match too. accent1 is the primary red; dk2 the dark red of headings' bars.
RED, DARK_RED, WHITE = RGBColor(0xB7, 0x1C, 0x1C), RGBColor(0x8E, 0x14, 0x14), RGBColor(0xFF, 0xFF, 0xFF)
THEME_COLOURS = {"dk2": "8E1414", "lt2": "FAF7F2", "accent1": "B71C1C", "accent2": "FFB300", "accent3": "5D4037",
                 "hlink": "B71C1C", "folHlink": "8E1414"}


@dataclass(frozen=True)
class DeckImage:
    path: Path
    alt: str


def _cjk(run: _Run, size: int | None = None, bold: bool | None = None) -> None:
    run.font.name = CJK_FONT  # a:latin
    properties = run._r.get_or_add_rPr()
    latin = properties.find(qn("a:latin"))
    east_asian = properties.makeelement(qn("a:ea"), {"typeface": CJK_FONT})
    # a:ea must follow a:latin in CT_TextCharacterProperties, or PowerPoint offers a repair.
    assert latin is not None
    latin.addnext(east_asian)
    if size:
        run.font.size = Pt(size)
    if bold is not None:
        run.font.bold = bold


def _write_text(frame: TextFrame, text: str, *, size: int, level: int = 0, first: bool = False,
                color: RGBColor | None = None) -> None:
    paragraph = frame.paragraphs[0] if first else frame.add_paragraph()
    paragraph.level = level
    for piece in _EMPHASIS.split(text):
        if not piece:
            continue
        bold = piece.startswith("**") and piece.endswith("**")
        run = paragraph.add_run()
        run.text = piece[2:-2] if bold else plain_text(piece)
        _cjk(run, size, bold or None)
        if color is not None:
            run.font.color.rgb = color


def _fill_body(frame: TextFrame, blocks: list[SlideBlock]) -> None:
    frame.clear()
    first = True
    for block in blocks:
        if block.kind in ("bullet", "paragraph"):
            _write_text(frame, block.text, size=24 if block.level == 0 else 20, level=block.level, first=first)
            first = False
    if first:
        frame.paragraphs[0].text = ""


def _widen(slide: object) -> None:
    """The default template's layouts are 4:3; stretch their placeholders across 16:9."""
    for placeholder in slide.placeholders:  # type: ignore[attr-defined]
        # Read all four first: the inherited position is lost once the shape has its own.
        left, top, width, height = placeholder.left, placeholder.top, placeholder.width, placeholder.height
        placeholder.left, placeholder.top = int(left * WIDE[0] / Inches(10)), top
        placeholder.width, placeholder.height = int(width * WIDE[0] / Inches(10)), height


def _theme(presentation: object) -> None:
    """Write the site's colours into the deck's theme (ppt/theme/theme1.xml)."""
    part = presentation.slide_master.part.part_related_by(RELATIONSHIP_TYPE.THEME)  # type: ignore[attr-defined]
    theme = etree.fromstring(part.blob)
    scheme = theme.find(f".//{qn('a:clrScheme')}")
    assert scheme is not None
    for name, value in THEME_COLOURS.items():
        slot = scheme.find(qn(f"a:{name}"))
        assert slot is not None
        for child in list(slot):
            slot.remove(child)
        etree.SubElement(slot, qn("a:srgbClr"), {"val": value})
    part._blob = etree.tostring(theme, xml_declaration=True, encoding="UTF-8", standalone=True)


def _band(slide: object, left: int, top: int, width: int, height: int, color: RGBColor) -> None:
    """A filled rectangle behind everything else on the slide."""
    shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Emu(left), Emu(top), Emu(width), Emu(height))  # type: ignore[attr-defined]
    shape.fill.solid()
    shape.fill.fore_color.rgb = color
    shape.line.fill.background()
    shape.shadow.inherit = False
    tree = slide.shapes._spTree  # type: ignore[attr-defined]
    tree.remove(shape._element)
    tree.insert(2, shape._element)  # after nvGrpSpPr and grpSpPr: drawn first


def build_deck(material: LecturerMaterial, model: ContentModel, docs_dir: Path) -> bytes:
    """The deck as bytes; its dates come from the content, so the same input gives the same file."""
    presentation = Presentation()
    presentation.slide_width, presentation.slide_height = WIDE
    title_layout, content_layout, title_only_layout = (presentation.slide_layouts[index] for index in (0, 1, 5))
    _theme(presentation)
    width, height = int(WIDE[0]), int(WIDE[1])

    # The title slide: white on the site's red, a darker band along the foot as on the site's header.
    cover = presentation.slides.add_slide(title_layout)
    _widen(cover)
    cover.background.fill.solid()
    cover.background.fill.fore_color.rgb = RED
    _band(cover, 0, int(height * 0.86), width, height - int(height * 0.86), DARK_RED)
    cover.shapes.title.text_frame.clear()
    _write_text(cover.shapes.title.text_frame, material.title, size=40, first=True, color=WHITE)
    audiences = "、".join(model.label("audience", slug) for slug in material.audience)
    subtitle = cover.placeholders[1].text_frame
    subtitle.clear()
    _write_text(subtitle, f"{model.label('groups', material.group)} · {audiences} · {material.duration} 分钟",
                size=24, first=True, color=WHITE)
    cover.notes_slide.notes_text_frame.text = material.summary

    for slide in material.slides:
        blocks = parse_blocks(slide.content)
        images = [DeckImage((docs_dir / material.src_uri).parent / block.target, block.text)
                  for block in blocks if block.kind == "image"]
        page = presentation.slides.add_slide(title_only_layout if images else content_layout)
        _widen(page)
        # Content slides: a red bar down the left edge and a red title, the site's card look.
        _band(page, 0, 0, int(Inches(0.22)), height, RED)
        page.shapes.title.text_frame.clear()
        _write_text(page.shapes.title.text_frame, slide.title, size=36, first=True, color=RED)
        if images:
            _place_images(page, images, blocks, int(WIDE[0]), int(WIDE[1]))
        else:
            _fill_body(page.placeholders[1].text_frame, blocks)
        page.notes_slide.notes_text_frame.text = plain_text(slide.notes)

    properties = presentation.core_properties
    properties.title = material.title
    properties.author = "、".join(material.authors)
    properties.subject = material.summary
    properties.keywords = audiences
    stamp = datetime.fromisoformat(material.updated)
    properties.created = properties.modified = properties.last_printed = stamp
    properties.revision = 1
    output = io.BytesIO()
    presentation.save(output)
    return _fixed_zip_dates(output.getvalue(), stamp)


def _place_images(page: object, images: list[DeckImage], blocks: list[SlideBlock], width: int,
                  height: int) -> None:
    shapes = page.shapes  # type: ignore[attr-defined]
    text_blocks = [block for block in blocks if block.kind != "image"]
    left_margin, top = Inches(0.6), Inches(1.6)
    if text_blocks:
        box = shapes.add_textbox(left_margin, top, int(width * 0.45), int(height - top - Inches(0.5)))
        box.text_frame.word_wrap = True
        _fill_body(box.text_frame, text_blocks)
        image_left = int(width * 0.5)
    else:
        image_left = left_margin
    image_width = int(width - image_left - left_margin)
    slot_height = int((height - top - Inches(0.5)) / len(images))
    for index, image in enumerate(images):
        picture = shapes.add_picture(str(image.path), image_left, top + index * slot_height, height=slot_height)
        if picture.width > image_width:  # keep the aspect ratio within the slot
            ratio = image_width / picture.width
            picture.width, picture.height = image_width, int(picture.height * ratio)
        picture._element.nvPicPr.cNvPr.set("descr", image.alt)


def _fixed_zip_dates(data: bytes, stamp: datetime) -> bytes:
    """Rewrite the package with every member dated from the content, not the clock."""
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    when = (max(stamp.year, 1980), stamp.month, stamp.day, 0, 0, 0)
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            info = zipfile.ZipInfo(member.filename, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(member.filename))
    return output.getvalue()
