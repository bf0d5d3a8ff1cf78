"""A schematic route map drawn as SVG from the sites' coordinates: no tiles, nothing fetched."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..content.model import ContentModel, Route
from .map_labels import Box, Label, Placer, Point, leg_candidates, stop_candidates

# The drawing is 400 units wide so that, shown 358 px wide on a 390 px phone, 15-unit text
# renders at 13.4 px; a legend band of LEGEND_ROW units a row sits under the drawing.
WIDTH, MAP_HEIGHT, MARGIN = 400.0, 360.0, 40.0
NAME_SIZE = MINUTES_SIZE = 15.0
LEGEND_ROW = 24.0


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
    def overnight(self) -> bool:
        return self.start.day != self.end.day


@dataclass(frozen=True)
class RouteMap:
    width: float
    map_height: float
    stops: tuple[MapStop, ...]
    legs: tuple[MapLeg, ...]
    # One name label a stop; one minutes label a leg, None for an overnight leg (its time
    # runs from the night's lodging, not from the stop before).
    stop_labels: tuple[Label, ...]
    leg_labels: tuple[Label | None, ...]
    # Labels that found no free position (drawn where they meet least): none on a good map.
    crowded: tuple[str, ...] = ()

    @property
    def overnight(self) -> bool:
        return any(leg.overnight for leg in self.legs)

    @property
    def legend_rows(self) -> int:
        return 3 if self.overnight else 2

    @property
    def height(self) -> float:
        return self.map_height + self.legend_rows * LEGEND_ROW + 8


MIN_GAP = 60.0


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


def route_map(route: Route, model: ContentModel) -> RouteMap | None:
    """Project stops onto the drawing: equirectangular, scaled by cos(latitude) so that
    east-west and north-south distances keep their proportion at this latitude.

    None while a stop's guide still has placeholder coordinates: one point at (0, 0) would
    squeeze every other stop into a corner, and a map that looks right but is not misleads.
    The templates say which sites lack coordinates instead (see `unmapped_sites`)."""
    places = []
    for day in route.days:
        for stop in day.stops:
            guide = model.site_guides[stop.site]
            places.append((stop, day.number, guide))
    if any(not guide.has_coordinates for _, _, guide in places):
        return None
    latitudes = [guide.latitude for _, _, guide in places]
    longitudes = [guide.longitude for _, _, guide in places]
    scale_x = math.cos(math.radians(sum(latitudes) / len(latitudes)))
    span_x = max((max(longitudes) - min(longitudes)) * scale_x, 1e-3)
    span_y = max(max(latitudes) - min(latitudes), 1e-3)
    factor = min((WIDTH - 2 * MARGIN) / span_x, (MAP_HEIGHT - 2 * MARGIN) / span_y)
    offset_x = (WIDTH - span_x * factor) / 2
    offset_y = (MAP_HEIGHT - span_y * factor) / 2
    stops = tuple(
        MapStop(stop.number, stop.site, guide.name,
                round(offset_x + (guide.longitude - min(longitudes)) * scale_x * factor, 1),
                round(offset_y + (max(latitudes) - guide.latitude) * factor, 1), day)
        for stop, day, guide in places)
    stops = _spread(stops)
    legs = tuple(MapLeg(stops[index - 1], stops[index], places[index][0].travel_minutes)
                 for index in range(1, len(stops)))
    stop_labels, leg_labels, crowded = place_labels(stops, legs)
    return RouteMap(WIDTH, MAP_HEIGHT, stops, legs, stop_labels, leg_labels, crowded)


def unmapped_sites(route: Route, model: ContentModel) -> list[str]:
    """Names of the route's sites whose guides still have placeholder coordinates, in route order."""
    names: list[str] = []
    for stop in route.stops:
        guide = model.site_guides[stop.site]
        if not guide.has_coordinates and guide.name not in names:
            names.append(guide.name)
    return names


def place_labels(stops: tuple[MapStop, ...], legs: tuple[MapLeg, ...]
                 ) -> tuple[tuple[Label, ...], tuple[Label | None, ...], tuple[str, ...]]:
    """Station names first, then the legs' minutes, each clear of everything placed before."""
    segments = [(Point(leg.start.x, leg.start.y), Point(leg.end.x, leg.end.y)) for leg in legs]
    placer = Placer(Box(2, 2, WIDTH - 2, MAP_HEIGHT - 2), segments, [Point(stop.x, stop.y) for stop in stops])
    names = tuple(placer.place(stop_candidates(stop.name, Point(stop.x, stop.y), NAME_SIZE), index)
                  for index, stop in enumerate(stops))
    minutes = tuple(None if leg.overnight else placer.place(
        leg_candidates(f"约 {leg.minutes} 分钟", *segments[index], MINUTES_SIZE), index)
        for index, leg in enumerate(legs))
    return names, minutes, tuple(label.text for label in placer.crowded)
