#!/usr/bin/env python3
"""Reference coordinates for OGC API – Features Part 2 output, from pyproj (PROJ), as its users
ask for them: `Transformer.from_crs("OGC:CRS84", "EPSG:{code}")`, which gives coordinates in
the target CRS's own axis order (latitude first for EPSG:4326 and 4490; northing first for the
CGCS2000 3-degree Gauss–Krüger zones EPSG:4546, CM 111°E, and 4547, CM 114°E).

The inputs are the bundled data as files: the first 30 incidents of `geodata/incidents.csv` and
the outlines of buildings 1–5 of `geodata/buildings.geojson`.

Writes tests/fixtures/crs_reference.json. Run from the project root:

    pip install pyproj==3.7.2
    python3 scripts/reference/crs.py
"""

import csv
import json

from pyproj import Transformer

CODES = [4326, 4490, 4546, 4547]


def main():
    with open("geodata/incidents.csv", newline="") as f:
        incidents = [
            {"id": int(r["id"]), "lon": float(r["lon"]), "lat": float(r["lat"])}
            for _, r in zip(range(30), csv.DictReader(f))
        ]
    with open("geodata/buildings.geojson") as f:
        buildings = [b for b in json.load(f)["features"] if b["id"] in (1, 2, 3, 4, 5)]
    out = {"incidents": incidents, "buildings": [], "projected": {}}
    for b in buildings:
        out["buildings"].append({"id": b["id"], "ring": b["geometry"]["coordinates"][0]})
    for code in CODES:
        t = Transformer.from_crs("OGC:CRS84", f"EPSG:{code}")
        out["projected"][str(code)] = {
            "description": t.description,
            "incidents": [list(t.transform(i["lon"], i["lat"])) for i in incidents],
            "buildings": [[list(t.transform(x, y)) for x, y in b["ring"]] for b in out["buildings"]],
        }
    with open("tests/fixtures/crs_reference.json", "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
