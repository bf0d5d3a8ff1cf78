"""井冈传人 (Jinggang Heirs): one content model, many outputs."""

from __future__ import annotations

__version__ = "0.1.0"
