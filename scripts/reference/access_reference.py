#!/usr/bin/env python3
"""Reference answers for access: 2SFCA from PySAL `access`, the MCLP optimum from `spopt`.

Everything is computed here from the bundled GeoJSON with the libraries as their users call
them, never from our code:

- demand: every building with households, at its centroid (shapely's `centroid` of the
  footprint as written, in degrees);
- supply: the 49 service complexes, their `capacity`;
- costs: straight-line geodesic metres on the WGS 84 ellipsoid (pyproj `Geod.inv`, i.e.
  GeographicLib), building centroid to complex.

`fca`: `access.Access(...).two_stage_fca(max_cost=1000)` with no weight (classic 2SFCA),
`weights.step_fn` in thirds of the catchment (1, 0.68, 0.22: enhanced 2SFCA) and
`weights.gaussian(500)`, normalize=False; each building's score.

`mclp`: the candidates are the H3 res-9 cells (`h3.latlng_to_cell(lat, lon, 9)`) holding a
building centroid with households and no service complex, each at `h3.cell_to_latlng`; the
demand is the households of the buildings farther than 500 m from every complex (those are
the ones a new site can add); `spopt.locate.MCLP.from_cost_matrix(..., service_radius=500,
p_facilities=5)` solved exactly with PuLP's CBC. The fixture holds the candidates (so the
test asks our server about the same points), the optimum and the sites chosen.

Writes tests/fixtures/access_reference.json. Run from the project root:

    pip install access==1.1.10.post3 spopt==0.7.0 pulp==3.3.2 h3==4.* shapely pyproj
    python3 scripts/reference/access_reference.py

The tests only read the committed fixture; they never run Python.
"""

import json

import h3
import numpy as np
import pandas as pd
import pulp
from access import Access, weights
from pyproj import Geod
from shapely.geometry import shape
from spopt.locate import MCLP

GEOD = Geod(ellps="WGS84")
CATCHMENT_M = 1000.0
THRESHOLD_M = 500.0
K = 5


def distances(from_lon, from_lat, to_lon, to_lat):
    """Geodesic metres from every `from` point (rows) to every `to` point (columns)."""
    rows = []
    for lon, lat in zip(to_lon, to_lat):
        _, _, d = GEOD.inv(from_lon, from_lat, np.full_like(from_lon, lon), np.full_like(from_lat, lat))
        rows.append(d)
    return np.array(rows).T


def main():
    buildings = json.load(open("geodata/buildings.geojson"))["features"]
    resources = json.load(open("geodata/resources.geojson"))["features"]
    homes = [b for b in buildings if b["properties"].get("households", 0) > 0]
    centroids = [shape(b["geometry"]).centroid for b in homes]
    b_lon = np.array([c.x for c in centroids])
    b_lat = np.array([c.y for c in centroids])
    households = np.array([b["properties"]["households"] for b in homes], dtype=float)
    complexes = [r for r in resources if r["properties"]["kind"] == "service_complex"]
    c_lon = np.array([r["geometry"]["coordinates"][0] for r in complexes])
    c_lat = np.array([r["geometry"]["coordinates"][1] for r in complexes])
    cost = distances(b_lon, b_lat, c_lon, c_lat)

    # 2SFCA.
    demand = pd.DataFrame({"id": [b["id"] for b in homes], "households": households})
    supply = pd.DataFrame(
        {"id": [r["id"] for r in complexes], "capacity": [float(r["properties"]["capacity"]) for r in complexes]}
    )
    i, j = np.nonzero(cost <= CATCHMENT_M * 1.5)
    costs = pd.DataFrame(
        {"origin": demand["id"].to_numpy()[i], "dest": supply["id"].to_numpy()[j], "cost": cost[i, j]}
    )
    variants = {
        "uniform": None,
        "e2sfca": weights.step_fn({CATCHMENT_M / 3: 1.0, CATCHMENT_M * 2 / 3: 0.68, CATCHMENT_M: 0.22}),
        "gaussian": weights.gaussian(CATCHMENT_M / 2),
    }
    fca = {}
    for name, fn in variants.items():
        a = Access(
            demand_df=demand,
            demand_index="id",
            demand_value="households",
            supply_df=supply,
            supply_index="id",
            supply_value="capacity",
            cost_df=costs,
            cost_origin="origin",
            cost_dest="dest",
            cost_name="cost",
        )
        scores = a.two_stage_fca(name=name, max_cost=CATCHMENT_M, weight_fn=fn, normalize=False)
        column = scores.iloc[:, 0].fillna(0.0)
        fca[name] = {str(int(k)): float(v) for k, v in column.items() if v != 0.0}

    # MCLP.
    covered = (cost <= THRESHOLD_M).any(axis=1)
    taken = {h3.latlng_to_cell(lat, lon, 9) for lon, lat in zip(c_lon, c_lat)}
    cells = sorted({h3.latlng_to_cell(lat, lon, 9) for lon, lat in zip(b_lon, b_lat)} - taken)
    centres = [h3.cell_to_latlng(c) for c in cells]
    k_lon = np.array([lng for _, lng in centres])
    k_lat = np.array([lat for lat, _ in centres])
    open_lon, open_lat = b_lon[~covered], b_lat[~covered]
    weight = households[~covered]
    matrix = distances(open_lon, open_lat, k_lon, k_lat)
    mclp = MCLP.from_cost_matrix(matrix, weight, service_radius=THRESHOLD_M, p_facilities=K, name="mclp")
    mclp = mclp.solve(pulp.PULP_CBC_CMD(msg=False))
    optimum = float(pulp.value(mclp.problem.objective))
    chosen = [int(f) for f in np.nonzero([v.value() > 0.5 for v in mclp.fac_vars])[0]]

    out = {
        "source": "access 1.1.10.post3 Access.two_stage_fca; spopt 0.7.0 MCLP with PuLP "
        + pulp.__version__
        + " CBC; costs by pyproj Geod (WGS 84), centroids by shapely, cells by h3 "
        + h3.__version__,
        "kind": "service_complex",
        "catchment_m": CATCHMENT_M,
        "fca": fca,
        "fca_buildings": len(homes),
        "threshold_m": THRESHOLD_M,
        "k": K,
        "households_covered_before": int(households[covered].sum()),
        "households_total": int(households.sum()),
        "mclp_optimum_gain": optimum,
        "mclp_sites": [[float(k_lon[c]), float(k_lat[c])] for c in chosen],
        "candidates": [[float(x), float(y)] for x, y in zip(k_lon, k_lat)],
    }
    with open("tests/fixtures/access_reference.json", "w") as f:
        json.dump(out, f, indent=0)
        f.write("\n")
    print(f"{len(cells)} candidates, optimum gain {optimum}, sites {chosen}")


if __name__ == "__main__":
    main()
