#!/usr/bin/env python3
"""Reference dosage from shapely, not our code: for 300 bundled patrol tracks (every sixth),
the minutes each spends inside two res-9 H3 cells it passes (`h3.latlng_to_cell` of its first
fix and of its middle fix). Between fixes the position moves linearly in time; a gap longer
than 3 minutes is unknown time. Each segment between fixes is intersected with the cell
polygon (`h3.cell_to_boundary`) in UTM zone 49N (pyproj) by shapely, and the segment's time
is shared out by the length inside.

Writes tests/fixtures/dosage_reference.json. Run from the project root:

    pip install h3==4.* shapely==2.* pyproj==3.*
    python3 scripts/reference/dosage_reference.py

The tests only read the committed fixture; they never run Python.
"""

import json
from datetime import datetime

import h3
from pyproj import Transformer
from shapely.geometry import LineString, Point, Polygon

TO_UTM = Transformer.from_crs("EPSG:4326", "EPSG:32649", always_xy=True)
MAX_GAP_S = 180


def main():
    tracks = json.load(open("geodata/patrol_tracks.geojson"))["features"]
    out = []
    for f in tracks[::6]:
        coords = f["geometry"]["coordinates"]
        times = [datetime.fromisoformat(t).timestamp() for t in f["properties"]["coordTimes"]]
        cells = sorted({h3.latlng_to_cell(coords[0][1], coords[0][0], 9),
                        h3.latlng_to_cell(coords[len(coords) // 2][1], coords[len(coords) // 2][0], 9)})
        utm = [TO_UTM.transform(x, y) for x, y in coords]
        minutes = {}
        for cell in cells:
            ring = [TO_UTM.transform(lng, lat) for lat, lng in h3.cell_to_boundary(cell)]
            polygon = Polygon(ring)
            total = 0.0
            for i in range(len(utm) - 1):
                dt = times[i + 1] - times[i]
                if dt <= 0 or dt > MAX_GAP_S:
                    continue
                a, b = utm[i], utm[i + 1]
                if a == b:
                    if polygon.contains(Point(a)):
                        total += dt
                    continue
                segment = LineString([a, b])
                inside = segment.intersection(polygon).length
                total += dt * inside / segment.length
            minutes[cell] = total / 60.0
        out.append({"track_id": f["id"], "minutes": minutes})
    with open("tests/fixtures/dosage_reference.json", "w") as fh:
        json.dump({"source": "shapely intersection in UTM 49N, h3 cells, linear time between fixes", "tracks": out}, fh, indent=0)
        fh.write("\n")
    print(len(out), "tracks")


if __name__ == "__main__":
    main()
