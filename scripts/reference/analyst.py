#!/usr/bin/env python3
"""Reference answers for the analyst's methods, from the reference libraries rather than our code.

- Knox test: PySAL pointpats `Knox(s_coords, t_coords, delta, tau)` (its counts of spatial,
  temporal and space-time pairs and the expected count), and scipy's Poisson tail for the
  analytic p-value;
- band pair counts: a brute-force count over every pair (scipy `pdist`), per distance and time
  band as the Near Repeat Calculator defines them (`edge[i-1] < d <= edge[i]`);
- kernel density: KDEpy's exact `NaiveKDE(kernel="biweight", norm=2)`. KDEpy scales its
  kernels so that `bw` is their standard deviation; the biweight's support is `bw * sqrt(7)`
  (`kernel.support`), so a support radius (bandwidth) `h` is asked for as `bw = h / support`.
  KDEpy gives a density per unit²; the fixture stores it per km²;
- the rate-change test: `scipy.stats.binomtest(c1, c1 + c2, t1 / (t1 + t2)).pvalue`.

The inputs are planar points in metres drawn here (seeded), so no map projection stands between
the two answers: near repeats planted among a uniform background, and a clustered pattern for
the density. Writes tests/fixtures/analyst_reference.json. Run from the project root:

    pip install pointpats==2.5.5 KDEpy==1.1.12 scipy==1.17.1
    python3 scripts/reference/analyst.py

The tests only read the committed fixture; they never run Python.
"""

import json

import numpy as np
from KDEpy import NaiveKDE
from KDEpy.kernel_funcs import _kernel_functions
from pointpats import Knox
from scipy.spatial.distance import pdist
from scipy.stats import binomtest, poisson

DAY = 86_400


def events(rng):
    """400 background events over 4 km x 4 km and a year, and 40 first events each followed by
    two more within 150 m and 5 days."""
    xy = rng.uniform(0, 4000, size=(400, 2))
    t = rng.integers(0, 365 * DAY, size=400)
    firsts = rng.uniform(0, 4000, size=(40, 2))
    first_t = rng.integers(0, 360 * DAY, size=40)
    follow_xy = np.repeat(firsts, 2, axis=0) + rng.uniform(-100, 100, size=(80, 2))
    follow_t = np.repeat(first_t, 2) + rng.integers(3600, 5 * DAY, size=80)
    xy = np.vstack([xy, firsts, follow_xy]).round(3)
    t = np.concatenate([t, first_t, follow_t])
    return xy, t


def band_counts(xy, t, distance_edges, time_edges_days):
    d = pdist(xy)
    dt = pdist(t.reshape(-1, 1).astype(float))
    counts = []
    for i, edge in enumerate(distance_edges):
        lo = distance_edges[i - 1] if i else -1.0
        in_d = (d > lo) & (d <= edge)
        row = []
        for j, days in enumerate(time_edges_days):
            tlo = time_edges_days[j - 1] * DAY if j else -1.0
            row.append(int((in_d & (dt > tlo) & (dt <= days * DAY)).sum()))
        counts.append(row)
    return counts


def knox(xy, t, delta, tau_days):
    k = Knox(xy, (t / DAY).reshape(-1, 1), delta=delta, tau=tau_days, permutations=0)
    nst = int(k.nst)
    expected = float(k.expected[0, 0])
    # Knox's observed table: [[NST, NS - NST], [NT - NST, the rest]].
    o = k.observed
    return {
        "delta": delta,
        "tau_days": tau_days,
        "spatial_pairs": int(o[0, 0] + o[0, 1]),
        "temporal_pairs": int(o[0, 0] + o[1, 0]),
        "space_time_pairs": nst,
        "pairs": int(o.sum()),
        "expected": expected,
        # P(N >= nst) for N ~ Poisson(expected).
        "p_poisson": float(poisson.sf(nst - 1, expected)),
    }


def kde(rng):
    centres = np.array([[500.0, 500.0], [1500.0, 900.0], [900.0, 1600.0]])
    points = np.vstack([c + rng.normal(0, 120, size=(150, 2)) for c in centres]).round(3)
    points = np.vstack([points, rng.uniform(0, 2000, size=(100, 2)).round(3)])
    h, cell, columns, rows = 250.0, 50.0, 40, 40
    origin = [0.0, 0.0]
    grid = np.array(
        [[origin[0] + (c + 0.5) * cell, origin[1] + (r + 0.5) * cell] for r in range(rows) for c in range(columns)]
    )
    support = _kernel_functions["biweight"].support
    density = NaiveKDE(kernel="biweight", bw=h / support, norm=2).fit(points).evaluate(grid)
    return {
        "points": points.tolist(),
        "bandwidth_m": h,
        "origin": origin,
        "cell_m": cell,
        "columns": columns,
        "rows": rows,
        # NaiveKDE integrates to 1; times n points and 1e6 m² per km².
        "density_per_km2": (density * len(points) * 1e6).tolist(),
    }


def rate_tests():
    cases = []
    for c1, t1, c2, t2 in [
        (45, 92, 20, 92),
        (30, 92, 28, 91),
        (0, 92, 7, 92),
        (120, 30, 95, 31),
        (3, 1, 0, 1),
        (17, 365, 9, 366),
        (250, 92, 180, 92),
        (1, 7, 12, 14),
    ]:
        p = binomtest(c1, c1 + c2, t1 / (t1 + t2)).pvalue
        cases.append({"c1": c1, "t1": t1, "c2": c2, "t2": t2, "p": float(p)})
    return cases


def main():
    rng = np.random.default_rng(20211001)
    xy, t = events(rng)
    distance_edges = [100.0, 200.0, 400.0, 800.0]
    time_edges = [7.0, 14.0, 30.0]
    out = {
        "near_repeat": {
            "x": xy[:, 0].tolist(),
            "y": xy[:, 1].tolist(),
            "t": [int(v) for v in t],
            "distance_bands_m": distance_edges,
            "time_bands_days": time_edges,
            "band_counts": band_counts(xy, t, distance_edges, time_edges),
            "knox": [knox(xy, t, 100.0, 7.0), knox(xy, t, 200.0, 14.0)],
        },
        "kde": kde(rng),
        "rate_change": rate_tests(),
    }
    with open("tests/fixtures/analyst_reference.json", "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
