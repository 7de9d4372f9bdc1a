#!/usr/bin/env python3
"""Reference dosage, from the rule as the patrol issue states it, computed another way than our
code does: for 300 bundled patrol tracks (every sixth), the minutes each spends inside two
res-9 H3 cells it passes (`h3.latlng_to_cell` of its first fix and of its middle fix).

The rule (issue #15, "patrol dosage from GPS tracks"): between two consecutive fixes the patrol
moves at a steady pace along the straight line from one to the other; where two fixes are more
than 3 minutes apart, where the patrol was is unknown and that time counts nowhere. Minutes in a
cell are the time the patrol's position lies inside the cell's polygon.

Our code intersects each segment with the cell and shares the segment's time by length. This
script does not: it samples the position once every second (at the middle of each second, by
linear interpolation of longitude and latitude in time) and counts the samples that shapely
finds inside the cell polygon (`h3.cell_to_boundary`), one second each. A wrong rule in our
code (a gap limit applied the other way, time shared by something other than length) cannot be
shared by counting seconds; the sampling's own error is under a second per crossing of the
cell's edge.

Writes tests/fixtures/dosage_reference.json. Run from the project root:

    pip install h3==4.* shapely==2.*
    python3 scripts/reference/dosage_reference.py

The tests only read the committed fixture; they never run Python.
"""

import json
from datetime import datetime

import h3
import numpy as np
import shapely
from shapely.geometry import Polygon

MAX_GAP_S = 180


def seconds_inside(polygon, lons, lats, times):
    """Seconds the steady walk between known fixes spends inside `polygon`, counted one second
    at a time."""
    total = 0
    for i in range(len(times) - 1):
        dt = times[i + 1] - times[i]
        if dt <= 0 or dt > MAX_GAP_S:
            continue
        steps = int(round(dt))
        f = (np.arange(steps) + 0.5) / steps
        x = lons[i] + f * (lons[i + 1] - lons[i])
        y = lats[i] + f * (lats[i + 1] - lats[i])
        total += int(np.count_nonzero(shapely.contains_xy(polygon, x, y)))
    return total


def main():
    tracks = json.load(open("geodata/patrol_tracks.geojson"))["features"]
    out = []
    for f in tracks[::6]:
        coords = f["geometry"]["coordinates"]
        lons = [c[0] for c in coords]
        lats = [c[1] for c in coords]
        times = [datetime.fromisoformat(t).timestamp() for t in f["properties"]["coordTimes"]]
        middle = len(coords) // 2
        cells = sorted({h3.latlng_to_cell(lats[0], lons[0], 9), h3.latlng_to_cell(lats[middle], lons[middle], 9)})
        minutes = {}
        for cell in cells:
            polygon = Polygon([(lng, lat) for lat, lng in h3.cell_to_boundary(cell)])
            shapely.prepare(polygon)
            minutes[cell] = seconds_inside(polygon, lons, lats, times) / 60.0
        out.append({"track_id": f["id"], "minutes": minutes})
    with open("tests/fixtures/dosage_reference.json", "w") as fh:
        json.dump(
            {
                "source": "positions sampled every second (steady pace between fixes, gaps over 180 s unknown), counted inside h3 cell polygons by shapely",
                "tracks": out,
            },
            fh,
            indent=0,
        )
        fh.write("\n")
    print(len(out), "tracks")


if __name__ == "__main__":
    main()
