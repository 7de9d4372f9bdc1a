#!/usr/bin/env python3
"""Reference answers for the hot-spot tests, from the reference libraries rather than our code.

- hexbin counts: the H3 reference library (`h3`, the Python binding of Uber's C library), as
  its users bin points: `latlng_to_cell(lat, lon, res)` at the resolution asked, every time
  (never a parent of a finer cell: H3 cells do not nest, and for ~6 % of points the res-9
  ancestor of the res-11 cell is a neighbouring hexagon);
- Gi* z-scores: PySAL esda `G_Local(y, w, transform='B', star=True)` over a study area built
  with `h3shape_to_cells_experimental(..., contain='overlap')` (every cell meeting a community)
  and neighbours from `grid_disk(k)` cut to the area;
- confidence classes as ArcGIS Hot Spot Analysis defines them with "Apply False Discovery Rate
  (FDR) Correction": a cell is significant at 90, 95 or 99 % when the Benjamini–Hochberg
  procedure rejects its null at α = 0.10, 0.05 or 0.01 over all the cells' two-sided p-values;
  its class is the sign of z times the number of levels passed. The p-values are esda's own
  (`p_norm`, one-sided, doubled), the procedure is statsmodels' `multipletests(p, alpha,
  method="fdr_bh")`.

Writes tests/fixtures/hotspots_reference.json. Run from the project root:

    pip install h3==4.5.0 esda==2.9.0 libpysal==4.14.1 statsmodels==0.15.*
    python3 scripts/reference/hotspots.py

The tests only read the committed fixture; they never run Python.
"""

import csv
import datetime as dt
import json
import warnings

import h3
import numpy as np
from esda.getisord import G_Local
from libpysal.weights import W
from statsmodels.stats.multitest import multipletests

LOCAL = dt.timezone(dt.timedelta(hours=8))


def load_incidents():
    rows = []
    with open("geodata/incidents.csv", newline="") as f:
        for r in csv.DictReader(f):
            lon, lat = float(r["lon"]), float(r["lat"])
            rows.append(
                {
                    "lon": lon,
                    "lat": lat,
                    "kind": r["kind"],
                    "at": dt.datetime.fromisoformat(r["reported_at"]),
                }
            )
    return rows


def community_cover(res):
    with open("geodata/communities.geojson") as f:
        communities = json.load(f)["features"]
    cells = set()
    for c in communities:
        shape = h3.geo_to_h3shape(c["geometry"])
        cells.update(h3.h3shape_to_cells_experimental(shape, res, contain="overlap"))
    return cells


def selected(rows, kinds=None, start=None, end=None, bbox=None):
    for r in rows:
        if kinds and r["kind"] not in kinds:
            continue
        if start and r["at"] < start:
            continue
        if end and r["at"] > end:
            continue
        if bbox and not (bbox[0] <= r["lon"] <= bbox[2] and bbox[1] <= r["lat"] <= bbox[3]):
            continue
        yield r


def hexbins(rows, res):
    counts = {}
    for r in rows:
        cell = h3.latlng_to_cell(r["lat"], r["lon"], res)
        counts[cell] = counts.get(cell, 0) + 1
    return counts


def gi_star(rows, res, k, bbox=None):
    area = community_cover(res)
    if bbox:
        area = {
            c
            for c in area
            if bbox[0] <= h3.cell_to_latlng(c)[1] <= bbox[2]
            and bbox[1] <= h3.cell_to_latlng(c)[0] <= bbox[3]
        }
    cells = sorted(area)
    counts = dict.fromkeys(cells, 0)
    for r in rows:
        cell = h3.latlng_to_cell(r["lat"], r["lon"], res)
        if cell in counts:
            counts[cell] += 1
    neighbours = {c: [n for n in h3.grid_disk(c, k) if n in area and n != c] for c in cells}
    y = np.array([counts[c] for c in cells], dtype=float)
    w = W(neighbours, silence_warnings=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        g = G_Local(y, w, transform="B", star=True, permutations=0)
    order = {c: i for i, c in enumerate(w.id_order)}
    p = 2.0 * np.asarray(g.p_norm, dtype=float)
    levels = np.zeros(len(p), dtype=int)
    for alpha in (0.10, 0.05, 0.01):
        reject, _, _, _ = multipletests(p, alpha=alpha, method="fdr_bh")
        levels += reject.astype(int)
    classes = np.sign(g.Zs).astype(int) * levels
    return {c: [counts[c], float(g.Zs[order[c]]), int(classes[order[c]])] for c in cells}


def main():
    rows = load_incidents()
    y2020 = (dt.datetime(2020, 1, 1, tzinfo=LOCAL), dt.datetime(2020, 12, 31, 23, 59, 59, tzinfo=LOCAL))
    y2021 = (dt.datetime(2021, 1, 1, tzinfo=LOCAL), dt.datetime(2021, 12, 31, 23, 59, 59, tzinfo=LOCAL))
    central = (112.17, 30.98, 112.24, 31.05)
    fixture = {
        "generated_by": "scripts/reference/hotspots.py",
        "libraries": {
            "h3": h3.__version__,
            "esda": __import__("esda").__version__,
            "statsmodels": __import__("statsmodels").__version__,
        },
        "hexbins": [
            {"query": "res=6", "counts": hexbins(rows, 6)},
            {"query": "res=7", "counts": hexbins(rows, 7)},
            {
                "query": "res=8&kind=dispute&from=2021-01-01&to=2021-12-31",
                "counts": hexbins(selected(rows, {"dispute"}, *y2021), 8),
            },
            {
                "query": "res=9&kind=dispute,police_call&bbox=112.17,30.98,112.24,31.05",
                "counts": hexbins(selected(rows, {"dispute", "police_call"}, bbox=central), 9),
            },
            {"query": "res=9", "counts": hexbins(rows, 9)},
            {
                "query": "res=10&kind=dispute&from=2020-01-01&to=2020-12-31",
                "counts": hexbins(selected(rows, {"dispute"}, *y2020), 10),
            },
            {
                "query": "res=11&kind=market_sanitation,street_vending&from=2021-01-01&to=2021-12-31",
                "counts": hexbins(selected(rows, {"market_sanitation", "street_vending"}, *y2021), 11),
            },
        ],
        "gi_star": [
            {"query": "res=8&k=2", "cells": gi_star(rows, 8, 2)},
            {
                "query": "res=9&k=1&kind=dispute,police_call&from=2021-01-01&to=2021-12-31"
                "&bbox=112.17,30.98,112.24,31.05",
                "cells": gi_star(selected(rows, {"dispute", "police_call"}, *y2021, central), 9, 1, central),
            },
        ],
    }
    with open("tests/fixtures/hotspots_reference.json", "w") as f:
        json.dump(fixture, f, indent=None, separators=(",", ":"), sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
