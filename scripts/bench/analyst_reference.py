#!/usr/bin/env python3
"""Times the reference libraries on the inputs `cargo bench --bench analyst` uses, for
BENCHMARKS.md: PySAL pointpats' Knox test on the criminal cases of 2021, and KDEpy's exact
biweight density (`NaiveKDE`) of the disputes of 2020 at the 50 m cells of the central city.

    ./target/release/gridwatch generate --out /tmp/big --scale 1000000
    python3 scripts/bench/analyst_reference.py /tmp/big/incidents.csv

Positions are projected with pyproj (an azimuthal equidistant projection at the points' mean),
as a user of these libraries would.
"""

import csv
import datetime as dt
import sys
import time

import numpy as np
from KDEpy import NaiveKDE
from KDEpy.kernel_funcs import _kernel_functions
from pointpats import Knox
from pyproj import Transformer

LOCAL = dt.timezone(dt.timedelta(hours=8))


def select(path, kind, year, bbox=None):
    lon, lat, t = [], [], []
    start = dt.datetime(year, 1, 1, tzinfo=LOCAL)
    end = dt.datetime(year + 1, 1, 1, tzinfo=LOCAL)
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            if r["kind"] != kind:
                continue
            at = dt.datetime.fromisoformat(r["reported_at"])
            if not start <= at < end:
                continue
            x, y = float(r["lon"]), float(r["lat"])
            if bbox and not (bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3]):
                continue
            lon.append(x)
            lat.append(y)
            t.append(at.timestamp())
    return np.array(lon), np.array(lat), np.array(t)


def project(lon, lat):
    to_m = Transformer.from_crs(
        "EPSG:4326", f"+proj=aeqd +lat_0={lat.mean()} +lon_0={lon.mean()} +datum=WGS84", always_xy=True
    )
    x, y = to_m.transform(lon, lat)
    return np.column_stack([x, y]), to_m


def main():
    path = sys.argv[1]
    lon, lat, t = select(path, "criminal_case", 2021)
    xy, _ = project(lon, lat)
    for permutations in (0, 99, 999):
        began = time.perf_counter()
        k = Knox(xy, (t / 86_400).reshape(-1, 1), delta=100, tau=7, permutations=permutations)
        took = time.perf_counter() - began
        print(f"pointpats Knox, {len(t)} criminal cases of 2021, {permutations} permutations: {took:.2f} s (nst {k.nst})")

    bbox = (112.14, 30.99, 112.265, 31.08)
    lon, lat, _ = select(path, "dispute", 2020, bbox)
    xy, to_m = project(lon, lat)
    lo = to_m.transform(bbox[0], bbox[1])
    hi = to_m.transform(bbox[2], bbox[3])
    cell = 50.0
    columns, rows = int(np.ceil((hi[0] - lo[0]) / cell)), int(np.ceil((hi[1] - lo[1]) / cell))
    gx, gy = np.meshgrid(lo[0] + (np.arange(columns) + 0.5) * cell, lo[1] + (np.arange(rows) + 0.5) * cell)
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    support = _kernel_functions["biweight"].support
    began = time.perf_counter()
    NaiveKDE(kernel="biweight", bw=300.0 / support, norm=2).fit(xy).evaluate(grid)
    took = time.perf_counter() - began
    print(f"KDEpy NaiveKDE biweight, {len(xy)} disputes of 2020, {columns} x {rows} cells of 50 m: {took:.2f} s")


if __name__ == "__main__":
    main()
