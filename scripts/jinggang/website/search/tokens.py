"""Cutting text into search tokens, the same way on both sides of the search.

The browser runs the same rules (search.js, `tokens`); tests/test_search.py runs both on one
list of strings and requires equal output. Keep the two in step.

Rules: NFKC, lower case. A run of Han characters becomes its overlapping bigrams (a run of
one character stays one token); a run of Latin letters or digits is one token; anything
else separates tokens. Bigrams need no dictionary, so 曾炳春 is found as 曾炳 + 炳春 in the
index and in the query alike, and a two-character query never matches one character alone.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator

# Han ideographs: CJK Unified (and extension A), compatibility ideographs, 〇, and the
# supplementary planes' extensions B and later. search.js uses the same ranges.
HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
WORD = "0-9a-z\u00c0-\u024f"
_RUN = re.compile(f"([{HAN}]+)|([{WORD}]+)")
# The same tokens found by three C-level scans, for the build (order is not kept).
_BIGRAM = re.compile(f"(?=([{HAN}]{{2}}))")
_LONE_HAN = re.compile(f"(?<![{HAN}])[{HAN}](?![{HAN}])")
_WORD_RUN = re.compile(f"[{WORD}]+")


def normalize(text: str) -> str:
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return text.lower()


def runs(text: str) -> Iterator[tuple[str, bool]]:
    """(run, is_han) for each run of Han characters or of letters and digits, in order."""
    for match in _RUN.finditer(normalize(text)):
        han, word = match.groups()
        yield (han, True) if han else (word, False)


def tokens(text: str) -> list[str]:
    """The tokens of text in order, repeats kept (term frequency counts them)."""
    result: list[str] = []
    for run, is_han in runs(text):
        if is_han and len(run) > 1:
            result.extend(run[i:i + 2] for i in range(len(run) - 1))
        else:
            result.append(run)
    return result


def token_counts(text: str) -> Counter[str]:
    """Counter(tokens(text)), computed faster: the index is built from this."""
    normalized = normalize(text)
    counts = Counter(_BIGRAM.findall(normalized))
    counts.update(_LONE_HAN.findall(normalized))
    counts.update(_WORD_RUN.findall(normalized))
    return counts


def title_tokens(text: str) -> list[str]:
    """Tokens of a title or heading: its bigrams plus each Han character alone, so a query of
    one character still finds the titles and headings that hold it (bodies do not carry
    single characters: that would double the index for a rare kind of query)."""
    result = tokens(text)
    for run, is_han in runs(text):
        if is_han and len(run) > 1:
            result.extend(run)
    return result


def shard_of(token: str, shards: int) -> int:
    """FNV-1a over the token's code points, modulo the shard count (a power of two)."""
    value = 0x811C9DC5
    for char in token:
        value ^= ord(char)
        value = (value * 0x01000193) & 0xFFFFFFFF
    return value & (shards - 1)
