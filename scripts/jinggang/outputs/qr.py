"""QR codes of page addresses, encoded once a build.

A page's address is drawn twice: in its 分享 panel (website/share.py) and in its packet builder
item (outputs/packets/document.py). Encoding is the dear part (about 5 ms a code in pure Python,
half of it Reed-Solomon), drawing the SVG is cheaper, so the encoded code is kept by its address.
"""

from __future__ import annotations

import functools

import segno


@functools.cache
def qr_code(url: str) -> segno.QRCode:
    # A fixed mask: segno's search for the best of eight costs about 12 ms a code, and any mask
    # decodes (the tests read codes back with zbarimg).
    return segno.make(url, error="m", mask=0)
