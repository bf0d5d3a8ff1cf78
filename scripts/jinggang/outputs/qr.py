"""QR codes of page addresses: encoded once a build, drawn as inline SVG without segno's writer.

A page's address is drawn twice: in its 分享 panel (website/share.py) and in its packet builder
item (outputs/packets/document.py), so the encoded code is kept by its address. segno's general
SVG writer (colour maps, generators, a regex over the result) cost about as much as encoding;
svg_inline draws the same bytes for the one style used here (tests/test_share.py compares them).
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

if TYPE_CHECKING:
    import segno

_DARK_RUN = re.compile(rb"\x01+")


def encoded_code(url: str) -> segno.QRCode:
    """The code of an address, not kept: qr_code keeps it."""
    # A fixed mask: segno's search for the best of eight costs about 12 ms a code, and any mask
    # decodes (the tests read codes back with zbarimg). segno is loaded here, by the first code a
    # build draws: `jinggang check` and a build's own process draw none.
    import segno

    return segno.make(url, error="m", mask=0)


qr_code = functools.cache(encoded_code)


def svg_inline(code: segno.QRCode, *, scale: int, border: int, title: str) -> str:
    """code.svg_inline(scale=scale, border=border, title=title, dark="#000", light="#fff"), byte
    for byte: a white square, then the dark modules as one path of horizontal runs, each move
    relative to the end of the run before (the first one absolute, at half a module's height)."""
    matrix = code.matrix
    if not matrix or not matrix[0][0] or scale == 1:  # not the shapes drawn below: segno's own
        return str(code.svg_inline(scale=scale, border=border, title=title, dark="#000", light="#fff"))
    moves: list[str] = []
    last_x, last_y = 0, 0
    for row_number, row in enumerate(matrix):
        y = border + row_number
        for run in _DARK_RUN.finditer(bytes(row)):
            x = border + run.start()
            if moves:
                moves.append(f"m{x - last_x} {y - last_y}h{run.end() - run.start()}")
            else:
                moves.append(f"M{x} {y + 0.5}h{run.end() - run.start()}")
            last_x, last_y = border + run.end(), y
    size = len(matrix) + 2 * border
    paths = [f'<path class="qrline" stroke="#000" d="{"".join(moves)}"/>',
             f'<path fill="#fff" d="M0 0h{size}v{size}h-{size}z"/>']
    return (f'<svg width="{size * scale}" height="{size * scale}" class="segno"><title>{escape(title)}</title>'
            f'<g transform="scale({scale})">{"".join(sorted(paths, key=len))}</g></svg>')
