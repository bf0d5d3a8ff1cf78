"""Where a route map's labels go: a greedy placement that keeps every label clear of the
other labels, of the markers and of the line.

Each label tries a short list of positions in order of preference (a station name below its
marker, then above, beside, diagonally, then the same ring further out; a leg's minutes at the
middle of the leg on either side, then further along it) and takes the first whose box meets
nothing placed so far. Station names go first: they are what a reader looks for.

Text is not measured here (there is no browser at build time): a label's box is estimated
generously from its characters, a full em for a Chinese character and 0.65 em for a digit or
a Latin letter, and the boxes are 1.5 em tall, which covers the ascent and descent of the CJK
fonts phones and the print styles use. tests/test_offline.py measures the rendered boxes.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

# Clearance around the line (half its 3-unit stroke and some air) and around a marker.
LINE_CLEARANCE = 4.0
MARKER_RADIUS = 14.0
MARKER_CLEARANCE = MARKER_RADIUS + 3.0
# How much further out each next ring of positions is.
RING_STEP = 10.0
RINGS = 5


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    def intersects(self, other: Box) -> bool:
        return self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1

    def inside(self, bounds: Box) -> bool:
        return bounds.x0 <= self.x0 and self.x1 <= bounds.x1 and bounds.y0 <= self.y0 and self.y1 <= bounds.y1

    def grown(self, by: float) -> Box:
        return Box(self.x0 - by, self.y0 - by, self.x1 + by, self.y1 + by)

    def meets_circle(self, cx: float, cy: float, radius: float) -> bool:
        nearest_x = min(max(cx, self.x0), self.x1)
        nearest_y = min(max(cy, self.y0), self.y1)
        return math.hypot(cx - nearest_x, cy - nearest_y) < radius

    def distance_to(self, x: float, y: float) -> float:
        return math.hypot(x - min(max(x, self.x0), self.x1), y - min(max(y, self.y0), self.y1))

    def distance_to_segment(self, a: Point, b: Point) -> float:
        if self.meets_segment(a.x, a.y, b.x, b.y):
            return 0.0
        corners = ((self.x0, self.y0), (self.x1, self.y0), (self.x0, self.y1), (self.x1, self.y1))
        return min(self.distance_to(a.x, a.y), self.distance_to(b.x, b.y),
                   *(_point_to_segment(x, y, a, b) for x, y in corners))

    def meets_segment(self, ax: float, ay: float, bx: float, by: float) -> bool:
        """Liang–Barsky: does the segment a→b pass through the box?"""
        low, high = 0.0, 1.0
        dx, dy = bx - ax, by - ay
        for p, q in ((-dx, ax - self.x0), (dx, self.x1 - ax), (-dy, ay - self.y0), (dy, self.y1 - ay)):
            if p == 0:
                if q < 0:
                    return False
                continue
            t = q / p
            if p < 0:
                low = max(low, t)
            else:
                high = min(high, t)
            if low > high:
                return False
        return True


@dataclass(frozen=True)
class Point:
    x: float
    y: float


Segment = tuple[Point, Point]


def _point_to_segment(x: float, y: float, a: Point, b: Point) -> float:
    dx, dy = b.x - a.x, b.y - a.y
    length = dx * dx + dy * dy
    t = 0.0 if length == 0 else min(max(((x - a.x) * dx + (y - a.y) * dy) / length, 0.0), 1.0)
    return math.hypot(x - a.x - t * dx, y - a.y - t * dy)


@dataclass(frozen=True)
class Label:
    text: str
    x: float  # centre of the box; the template draws text-anchor="middle", dominant-baseline="central"
    y: float
    size: float
    kind: str  # "stop" or "leg"

    @property
    def box(self) -> Box:
        width, height = label_size(self.text, self.size)
        return Box(self.x - width / 2, self.y - height / 2, self.x + width / 2, self.y + height / 2)


def label_size(text: str, size: float) -> tuple[float, float]:
    ems = sum(1.0 if ord(char) >= 0x2E80 else 0.35 if char == " " else 0.65 for char in text)
    return (ems + 0.4) * size, 1.5 * size


class Placer:
    """Labels placed so far plus the fixed obstacles: the line's segments and the markers."""

    def __init__(self, bounds: Box, segments: Sequence[Segment], markers: Sequence[Point]) -> None:
        self.bounds = bounds
        self.segments = list(segments)
        self.markers = list(markers)
        self.placed: list[Label] = []
        # Labels that found no free position and were put where they meet least.
        self.crowded: list[Label] = []

    def conflicts(self, label: Label, owner: int) -> int:
        """What the label would meet; also, a label nearer another marker (a station name) or
        another leg (minutes) than its own would be read as that one's, which counts too."""
        box = label.box
        count = 0 if box.inside(self.bounds) else 10
        line_box = box.grown(LINE_CLEARANCE)
        count += sum(line_box.meets_segment(a.x, a.y, b.x, b.y) for a, b in self.segments)
        count += sum(box.meets_circle(m.x, m.y, MARKER_CLEARANCE) for m in self.markers)
        count += sum(box.intersects(other.box.grown(2)) for other in self.placed)
        if label.kind == "stop":
            own = box.distance_to(self.markers[owner].x, self.markers[owner].y)
            count += sum(box.distance_to(m.x, m.y) < own for index, m in enumerate(self.markers) if index != owner)
        else:
            own = box.distance_to_segment(*self.segments[owner])
            count += sum(box.distance_to_segment(*segment) < own
                         for index, segment in enumerate(self.segments) if index != owner)
        return count

    def place(self, candidates: Iterator[Label], owner: int) -> Label:
        """The first candidate that meets nothing; failing that, the one that meets least.
        `owner` is the index of the label's marker (a station name) or segment (minutes)."""
        best: tuple[int, Label] | None = None
        for candidate in candidates:
            conflicts = self.conflicts(candidate, owner)
            if conflicts == 0:
                best = (0, candidate)
                break
            if best is None or conflicts < best[0]:
                best = (conflicts, candidate)
        assert best is not None
        if best[0]:
            self.crowded.append(best[1])
        self.placed.append(best[1])
        return best[1]


# Directions around a marker, in order of preference: below, above, right, left, diagonals.
_AROUND = ((0, 1), (0, -1), (1, 0), (-1, 0), (1, 1), (-1, 1), (1, -1), (-1, -1))


def stop_candidates(text: str, at: Point, size: float) -> Iterator[Label]:
    width, height = label_size(text, size)
    for ring in range(RINGS):
        gap = MARKER_CLEARANCE + 1 + ring * RING_STEP
        for dx, dy in _AROUND:
            diagonal = 0.72 if dx and dy else 1.0
            x = at.x + dx * (gap * diagonal + width / 2)
            y = at.y + dy * (gap * diagonal + height / 2)
            yield Label(text, round(x, 1), round(y, 1), size, "stop")


_ALONG = (0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8)


def leg_candidates(text: str, start: Point, end: Point, size: float) -> Iterator[Label]:
    width, height = label_size(text, size)
    length = max(math.hypot(end.x - start.x, end.y - start.y), 1e-6)
    nx, ny = -(end.y - start.y) / length, (end.x - start.x) / length
    # How far the box's centre must stand off the line for the box to clear it.
    clear = width / 2 * abs(nx) + height / 2 * abs(ny) + LINE_CLEARANCE + 1
    for ring in range(RINGS):
        for t in _ALONG:
            px, py = start.x + (end.x - start.x) * t, start.y + (end.y - start.y) * t
            for side in (1, -1):
                offset = side * (clear + ring * RING_STEP)
                yield Label(text, round(px + nx * offset, 1), round(py + ny * offset, 1), size, "leg")
