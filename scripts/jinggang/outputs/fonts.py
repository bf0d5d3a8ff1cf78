"""The fonts every PDF prints with: Noto Sans SC and Noto Serif SC from npm (@fontsource).

Why not the system's Noto Sans CJK: it is a CFF (PostScript-outline) font, and Chromium
embeds CFF CJK glyphs as Type 3 fonts, which print shops' preflight rejects. The @fontsource
packages carry the same design as TrueType outlines (glyf), split by unicode-range into
about a hundred woff2 files a weight; Chromium fetches only the files a document uses and
embeds each as a subset CID TrueType font. Measured on the starter content: no Type 3 font
left, files about half the size (figures in the README).

The packages are pinned in package.json + package-lock.json and installed by `npm ci`
(`make setup`), like reveal.js. The @font-face rules are read from the packages' own CSS,
with each url() made absolute, so the printed HTML may live in any temporary folder.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

# Family name in the documents' CSS -> npm package; the weights the print styles use.
FAMILIES = {"Noto Sans SC": "noto-sans-sc", "Noto Serif SC": "noto-serif-sc"}
WEIGHTS = (400, 700)

# The font stacks the print templates use. The system CJK fonts stay last, for a character
# outside the packages' subsets (it would print, as Type 3, and the tests would say so).
SANS = '"Noto Sans SC", "Noto Sans CJK SC", sans-serif'
SERIF = '"Noto Serif SC", "Noto Serif CJK SC", "Noto Sans SC", serif'

_URL = re.compile(r"url\(\./([^)]+)\)")
_WOFF = re.compile(r",\s*url\([^)]*\.woff\)\s*format\('woff'\)")


class PrintFontsMissing(Exception):
    pass


def _absolute(folder: Path, match: re.Match[str]) -> str:
    return f"url({(folder / match.group(1)).as_uri()})"


@functools.lru_cache(maxsize=8)
def font_face_css(fonts_dir: Path) -> str:
    """@font-face rules for every family and weight, pointing at the installed woff2 files."""
    rules = []
    for _package, folder, sheet in _face_sheets(fonts_dir):
        text = _WOFF.sub("", sheet.read_text(encoding="utf-8"))  # woff2 only: Chromium reads it
        rules.append(_URL.sub(functools.partial(_absolute, folder), text))
    return "\n".join(rules)


def _face_sheets(fonts_dir: Path) -> list[tuple[str, Path, Path]]:
    """(package, its folder, the stylesheet) for every family and weight; missing fonts said in Chinese."""
    sheets = []
    for package in FAMILIES.values():
        folder = (fonts_dir / package).resolve()
        for weight in WEIGHTS:
            sheet = folder / f"{weight}.css"
            if not sheet.is_file():
                raise PrintFontsMissing(
                    f"缺少打印字体 {sheet}：请运行 make setup"
                    f"（npm ci 按 package-lock.json 安装 @fontsource/{package}）")
            sheets.append((package, folder, sheet))
    return sheets


# The same fonts inside the built site, for the packet builder (packets/builder/), which
# prints in the reader's browser from a server or from file://: the woff2 files are copied
# beside a stylesheet whose url()s are relative to it. Only the builder page links it.
SITE_FONTS_DIR = "assets/fonts"
SITE_FONTS_CSS = f"{SITE_FONTS_DIR}/print.css"
_WOFF2 = re.compile(r"url\(\./(files/[^)]+\.woff2)\)")


def site_font_files(fonts_dir: Path) -> dict[str, Path]:
    """{path inside the site: installed file} for every woff2 file the print faces use, and the licences."""
    files: dict[str, Path] = {}
    for package, folder, sheet in _face_sheets(fonts_dir):
        for name in _WOFF2.findall(sheet.read_text(encoding="utf-8")):
            files[f"{SITE_FONTS_DIR}/{package}/{name}"] = folder / name
        if (folder / "LICENSE").is_file():  # SIL OFL 1.1: the licence travels with the fonts
            files[f"{SITE_FONTS_DIR}/{package}/LICENSE"] = folder / "LICENSE"
    return files


def _in_site(package: str, match: re.Match[str]) -> str:
    return f"url({package}/{match.group(1)})"


def site_font_css(fonts_dir: Path) -> str:
    """@font-face rules for the copies made by site_font_files, relative to SITE_FONTS_CSS."""
    rules = []
    for package in FAMILIES.values():
        folder = (fonts_dir / package).resolve()
        for weight in WEIGHTS:
            text = _WOFF.sub("", (folder / f"{weight}.css").read_text(encoding="utf-8"))
            rules.append(_WOFF2.sub(functools.partial(_in_site, package), text))
    return "\n".join(rules)
