#!/usr/bin/env python3
"""Reference patrol coverage from shapely, not our code: each bundled patrol route buffered by
50 m in UTM zone 49N (EPSG:32649, pyproj), the plain GIS way (`LineString.buffer(50)`, round
caps and joins), intersected with each grid of the route's community (also in UTM); the share
of each grid's area inside the buffer.

Writes tests/fixtures/patrol_reference.json. Run from the project root:

    pip install shapely==2.* pyproj==3.*
    python3 scripts/reference/patrol_reference.py

The tests only read the committed fixture; they never run Python.
"""

import json

from pyproj import Transformer
from shapely.geometry import shape
from shapely.ops import transform, unary_union

TO_UTM = Transformer.from_crs("EPSG:4326", "EPSG:32649", always_xy=True).transform
BUFFER_M = 50.0


def main():
    routes = json.load(open("geodata/patrol_routes.geojson"))["features"]
    grids = json.load(open("geodata/grids.geojson"))["features"]
    by_community = {}
    for g in grids:
        by_community.setdefault(g["properties"]["community_id"], []).append(
            (g["id"], transform(TO_UTM, shape(g["geometry"])))
        )
    out = []
    for r in routes:
        path = transform(TO_UTM, shape(r["geometry"]))
        buffer = unary_union(path.buffer(BUFFER_M))
        shares = {
            str(gid): buffer.intersection(poly).area / poly.area
            for gid, poly in by_community.get(r["properties"]["community_id"], [])
        }
        out.append({"route_id": r["id"], "buffer_area_m2": buffer.area, "area_share": shares})
    with open("tests/fixtures/patrol_reference.json", "w") as f:
        json.dump(
            {"source": "shapely buffer(50) and intersection in UTM 49N (pyproj)", "buffer_m": BUFFER_M, "routes": out},
            f,
            indent=0,
        )
        f.write("\n")
    print(len(out), "routes")


if __name__ == "__main__":
    main()
