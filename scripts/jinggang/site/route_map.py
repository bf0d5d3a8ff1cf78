"""A schematic route map drawn as SVG from the sites' coordinates: no tiles, nothing fetched."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..content.model import ContentModel, Route

WIDTH, HEIGHT, MARGIN = 640.0, 420.0, 60.0


@dataclass(frozen=True)
class MapStop:
    number: int
    site_id: str
    name: str
    x: float
    y: float
    day: int


@dataclass(frozen=True)
class MapLeg:
    start: MapStop
    end: MapStop
    minutes: int

    @property
    def label_x(self) -> float:
        return (self.start.x + self.end.x) / 2

    @property
    def label_y(self) -> float:
        return (self.start.y + self.end.y) / 2


@dataclass(frozen=True)
class RouteMap:
    width: float
    height: float
    stops: tuple[MapStop, ...]
    legs: tuple[MapLeg, ...]


MIN_GAP = 44.0


def _spread(stops: tuple[MapStop, ...]) -> tuple[MapStop, ...]:
    """Sites a few hundred metres apart would hide each other's marker: move later ones
    sideways until every marker stands clear. It is a schematic, not a survey."""
    placed: list[MapStop] = []
    for stop in stops:
        x, y = stop.x, stop.y
        turn = 0
        while any(math.hypot(x - other.x, y - other.y) < MIN_GAP for other in placed):
            turn += 1
            angle = math.radians(30 + 60 * turn)
            x = round(stop.x + MIN_GAP * math.cos(angle) * (1 + turn // 6), 1)
            y = round(stop.y - MIN_GAP * math.sin(angle) * (1 + turn // 6), 1)
        placed.append(MapStop(stop.number, stop.site_id, stop.name, x, y, stop.day))
    return tuple(placed)


def route_map(route: Route, model: ContentModel) -> RouteMap:
    """Project stops onto the drawing: equirectangular, scaled by cos(latitude) so that
    east-west and north-south distances keep their proportion at this latitude."""
    places = []
    for day in route.days:
        for stop in day.stops:
            guide = model.site_guides[stop.site]
            places.append((stop, day.number, guide))
    latitudes = [guide.latitude for _, _, guide in places]
    longitudes = [guide.longitude for _, _, guide in places]
    scale_x = math.cos(math.radians(sum(latitudes) / len(latitudes)))
    span_x = max((max(longitudes) - min(longitudes)) * scale_x, 1e-3)
    span_y = max(max(latitudes) - min(latitudes), 1e-3)
    factor = min((WIDTH - 2 * MARGIN) / span_x, (HEIGHT - 2 * MARGIN) / span_y)
    offset_x = (WIDTH - span_x * factor) / 2
    offset_y = (HEIGHT - span_y * factor) / 2
    stops = tuple(
        MapStop(stop.number, stop.site, guide.name,
                round(offset_x + (guide.longitude - min(longitudes)) * scale_x * factor, 1),
                round(offset_y + (max(latitudes) - guide.latitude) * factor, 1), day)
        for stop, day, guide in places)
    stops = _spread(stops)
    legs = tuple(MapLeg(stops[index - 1], stops[index], places[index][0].travel_minutes)
                 for index in range(1, len(stops)))
    return RouteMap(WIDTH, HEIGHT, stops, legs)
