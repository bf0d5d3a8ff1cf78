"""`jinggang coords LAT LON --from gcj02|bd09`: a point read off a Chinese map app, in WGS-84.

Site guides give WGS-84, as GPS measures it and as the route maps draw it. Maps published in
mainland China shift every point by a few hundred metres: 高德 (AutoNavi) and 腾讯地图 show
GCJ-02, 百度地图 a further offset of that, BD-09. The forward transform is the published
open-source one (Krasovsky ellipsoid, as in eviltransform); GCJ-02 has no closed-form
inverse, so the point is found by iterating the forward transform until it lands on the
input (well under a metre).
"""

from __future__ import annotations

import re
from math import atan2, cos, pi, sin, sqrt

_A = 6378245.0  # Krasovsky 1940 semi-major axis
_EE = 0.00669342162296594323  # its eccentricity squared
_X_PI = pi * 3000.0 / 180.0

# Roughly mainland China: outside it the maps use no offset.
CHINA = {"lat": (0.8293, 55.8271), "lon": (72.004, 137.8347)}


def in_china(lat: float, lon: float) -> bool:
    return CHINA["lat"][0] <= lat <= CHINA["lat"][1] and CHINA["lon"][0] <= lon <= CHINA["lon"][1]


def _shift_lat(x: float, y: float) -> float:
    value = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt(abs(x))
    value += (20.0 * sin(6.0 * x * pi) + 20.0 * sin(2.0 * x * pi)) * 2.0 / 3.0
    value += (20.0 * sin(y * pi) + 40.0 * sin(y / 3.0 * pi)) * 2.0 / 3.0
    value += (160.0 * sin(y / 12.0 * pi) + 320.0 * sin(y * pi / 30.0)) * 2.0 / 3.0
    return value


def _shift_lon(x: float, y: float) -> float:
    value = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt(abs(x))
    value += (20.0 * sin(6.0 * x * pi) + 20.0 * sin(2.0 * x * pi)) * 2.0 / 3.0
    value += (20.0 * sin(x * pi) + 40.0 * sin(x / 3.0 * pi)) * 2.0 / 3.0
    value += (150.0 * sin(x / 12.0 * pi) + 300.0 * sin(x / 30.0 * pi)) * 2.0 / 3.0
    return value


def wgs84_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    if not in_china(lat, lon):
        return lat, lon
    d_lat, d_lon = _shift_lat(lon - 105.0, lat - 35.0), _shift_lon(lon - 105.0, lat - 35.0)
    radians = lat / 180.0 * pi
    magic = 1 - _EE * sin(radians) ** 2
    d_lat = d_lat * 180.0 / ((_A * (1 - _EE)) / (magic * sqrt(magic)) * pi)
    d_lon = d_lon * 180.0 / (_A / sqrt(magic) * cos(radians) * pi)
    return lat + d_lat, lon + d_lon


def gcj02_to_wgs84(lat: float, lon: float) -> tuple[float, float]:
    guess_lat, guess_lon = lat, lon
    for _step in range(30):
        shifted_lat, shifted_lon = wgs84_to_gcj02(guess_lat, guess_lon)
        error_lat, error_lon = shifted_lat - lat, shifted_lon - lon
        if abs(error_lat) < 1e-9 and abs(error_lon) < 1e-9:
            break
        guess_lat, guess_lon = guess_lat - error_lat, guess_lon - error_lon
    return guess_lat, guess_lon


def gcj02_to_bd09(lat: float, lon: float) -> tuple[float, float]:
    radius = sqrt(lon * lon + lat * lat) + 0.00002 * sin(lat * _X_PI)
    angle = atan2(lat, lon) + 0.000003 * cos(lon * _X_PI)
    return radius * sin(angle) + 0.006, radius * cos(angle) + 0.0065


def bd09_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    x, y = lon - 0.0065, lat - 0.006
    radius = sqrt(x * x + y * y) - 0.00002 * sin(y * _X_PI)
    angle = atan2(y, x) - 0.000003 * cos(x * _X_PI)
    return radius * sin(angle), radius * cos(angle)


def to_wgs84(lat: float, lon: float, system: str) -> tuple[float, float]:
    """A point of a map app (system gcj02 or bd09) in WGS-84."""
    if system == "bd09":
        lat, lon = bd09_to_gcj02(lat, lon)
    return gcj02_to_wgs84(lat, lon)


def read_point(first: float, second: float) -> tuple[float, float, bool]:
    """(lat, lon, swapped): map apps often copy longitude first; in China a latitude is below 56
    and a longitude above 72, so the order can be told apart."""
    if first > CHINA["lat"][1] and second <= CHINA["lat"][1]:
        return second, first, True
    return first, second, False


def coords_report(point: str, system: str) -> tuple[str, int]:
    """The command's output (Chinese) and exit code, for two numbers as typed or pasted."""
    parts = [part for part in re.split(r"[\s,，;；]+", point.strip()) if part]
    try:
        first, second = (float(part) for part in parts)
    except ValueError:
        return (f"读不懂“{point}”：请写两个数，纬度在前、经度在后，例如 26.95 114.12"
                "（从地图复制的“114.12,26.95”也可以）。", 1)
    lat, lon, swapped = read_point(first, second)
    if not in_china(lat, lon):
        return (f"纬度 {lat}、经度 {lon} 不在中国境内：国内地图的偏移只用于境内，无需换算。"
                "请确认先写纬度、再写经度。", 1)
    wgs_lat, wgs_lon = to_wgs84(lat, lon, system)
    name = {"gcj02": "GCJ-02（高德、腾讯地图）", "bd09": "BD-09（百度地图）"}[system]
    lines = []
    if swapped:
        lines.append(f"（第一个数 {first} 是经度：已按“经度,纬度”的顺序读。）")
    lines += [f"{name}：北纬 {lat:.6f}°，东经 {lon:.6f}°",
              f"WGS-84：北纬 {wgs_lat:.6f}°，东经 {wgs_lon:.6f}°",
              "写进研学指南的前置元数据：",
              f"coordinates: {{lat: {wgs_lat:.6f}, lon: {wgs_lon:.6f}}}"]
    return "\n".join(lines), 0
