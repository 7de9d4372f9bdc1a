#!/usr/bin/env python3
"""Reference answers for the committee's quarterly match on the bundled city (#28), from
networkx and shapely rather than our code.

The walking graph is built as in streets.py: every vertex of a walkable line is a node, every
segment an edge weighted by its geodesic length (pyproj's `Geod.inv`). Units and open needs are
joined at the nearest point of the nearest walkable segment (shapely's `STRtree.nearest` and
`project` in UTM zone 49N, EPSG:32649), at most 300 m away; a segment holding several joined
points is split at each, in order along it. Walks are `nx.single_source_dijkstra_path_length`.

An offer's capacity is what the quarter's projects have left of it: a project going in the
quarter (opened before its end, not closed before its start) draws its needs' households from
the offers it names, in the order named, as far as each has capacity.

The match is networkx's `max_flow_min_cost` on source → offer (its capacity left) → need (same
category, walk within max_walk_m, weight the walk in whole metres) → sink (the households):
the most households served, then the least households × metres (`nx.cost_of_flow`).

Writes tests/fixtures/lists_match_reference.json: for each question (the whole city and the
community whose needs have the most offers within reach, in 2021Q3), the offers and needs considered, households served, the cost, and every
allowed pair's walk. Run from the project root:

    pip install networkx==3.6.1 shapely==2.2.0 pyproj==3.7.2
    python3 scripts/reference/lists_match.py
"""

import json
from collections import defaultdict
from datetime import datetime, timedelta, timezone

import networkx as nx
from pyproj import Geod, Transformer
from shapely import STRtree
from shapely.geometry import LineString, Point

GEOD = Geod(ellps="WGS84")
TO_UTM = Transformer.from_crs("EPSG:4326", "EPSG:32649", always_xy=True)
FROM_UTM = Transformer.from_crs("EPSG:32649", "EPSG:4326", always_xy=True)
LOCAL = timezone(timedelta(hours=8))
SNAP_LIMIT_M = 300.0
MAX_WALK_M = 1200.0


def metres(a, b):
    return GEOD.inv(a[0], a[1], b[0], b[1])[2]


def quarter_of(text):
    y, q = text.split("Q")
    return int(y), int(q)


def quarter_end(y, q):
    return datetime(y + (q == 4), 1 if q == 4 else 3 * q + 1, 1, tzinfo=LOCAL)


def quarter_start(y, q):
    return datetime(y, 3 * q - 2, 1, tzinfo=LOCAL)


def capacity_left(lists, y, q):
    """Each offer's capacity less what the projects going in quarter (y, q) draw from it."""
    start, end = quarter_start(y, q), quarter_end(y, q)
    left = {r["id"]: r["capacity"] for r in lists["resources"]}
    households = {d["id"]: d["households"] for d in lists["demands"]}
    for p in lists["projects"]:
        opened = datetime.fromisoformat(p["opened_at"])
        closed = p["closed_at"] and datetime.fromisoformat(p["closed_at"])
        if not (opened < end and (not closed or closed >= start)):
            continue
        need = sum(households[d] for d in p["demand_ids"])
        for r in p["resource_ids"]:
            take = min(need, left[r])
            left[r] -= take
            need -= take
    return left


def main():
    streets = json.load(open("geodata/streets.geojson"))["features"]
    lists = json.load(open("geodata/lists.json"))
    graph = nx.Graph()
    segments = []
    for f in streets:
        if not f["properties"].get("walkable", True):
            continue
        coords = [tuple(c) for c in f["geometry"]["coordinates"]]
        for a, b in zip(coords, coords[1:]):
            if a != b:
                segments.append((a, b))
    utm = [LineString([TO_UTM.transform(*a), TO_UTM.transform(*b)]) for a, b in segments]
    tree = STRtree(utm)

    y, q = 2021, 3
    end = quarter_end(y, q)
    units = {u["id"]: u for u in lists["units"]}
    offers = [
        r for r in lists["resources"]
        if quarter_of(r["from"]) <= (y, q) <= quarter_of(r["to"])
    ]
    # Open at the quarter's end: raised before it and in no project opened before it (a
    # need's status is today's; the committee then saw the need as open).
    taken = {
        d for p in lists["projects"]
        if datetime.fromisoformat(p["opened_at"]) < end
        for d in p["demand_ids"]
    }
    needs = [
        d for d in lists["demands"]
        if datetime.fromisoformat(d["raised_at"]) < end and d["id"] not in taken
    ]

    # Join every unit and need; split each segment at the points joined to it.
    on_segment = defaultdict(list)
    joined = {}
    for key, lon, lat in [(("unit", u), units[u]["lon"], units[u]["lat"]) for u in
                          sorted({r["unit_id"] for r in offers})] + \
                         [(("need", d["id"]), d["lon"], d["lat"]) for d in needs]:
        p = Point(TO_UTM.transform(lon, lat))
        i = int(tree.nearest(p))
        line = utm[i]
        along = line.project(p)
        on = line.interpolate(along)
        at = FROM_UTM.transform(on.x, on.y)
        connector = metres((lon, lat), at)
        if connector > SNAP_LIMIT_M:
            continue
        joined[key] = True
        graph.add_edge(key, ("on", key), weight=connector)
        on_segment[i].append((along, ("on", key), at))
    for i, (a, b) in enumerate(segments):
        points = sorted(on_segment.get(i, []), key=lambda t: t[0])
        chain = [(a, a)] + [(node, at) for _, node, at in points] + [(b, b)]
        for (n1, c1), (n2, c2) in zip(chain, chain[1:]):
            w = metres(c1, c2)
            if graph.has_edge(n1, n2):
                w = min(w, graph[n1][n2]["weight"])
            graph.add_edge(n1, n2, weight=w)

    walk = {}
    for u in sorted({r["unit_id"] for r in offers}):
        if ("unit", u) not in joined:
            continue
        reach = nx.single_source_dijkstra_path_length(graph, ("unit", u), cutoff=MAX_WALK_M + 50)
        for d in needs:
            m = reach.get(("need", d["id"]))
            if m is not None:
                walk[(u, d["id"])] = m

    left = capacity_left(lists, y, q)

    def question(community):
        mine = [d for d in needs if community is None or d["community_id"] == community]
        theirs = [r for r in offers
                  if community is None or units[r["unit_id"]]["community_id"] == community]
        g = nx.DiGraph()
        g.add_node("s")
        g.add_node("t")
        pairs = []
        closest_to_cutoff = float("inf")
        for r in theirs:
            g.add_edge("s", ("o", r["id"]), capacity=left[r["id"]], weight=0)
            for d in mine:
                m = walk.get((r["unit_id"], d["id"]))
                if m is None or d["category"] != r["category"]:
                    continue
                closest_to_cutoff = min(closest_to_cutoff, abs(m - MAX_WALK_M))
                if m <= MAX_WALK_M:
                    g.add_edge(("o", r["id"]), ("n", d["id"]), weight=round(m))
                    pairs.append([r["unit_id"], d["id"], m])
        for d in mine:
            g.add_edge(("n", d["id"]), "t", capacity=d["households"], weight=0)
        flow = nx.max_flow_min_cost(g, "s", "t")
        return {
            "quarter": f"{y}Q{q}",
            "community": community,
            "max_walk_m": MAX_WALK_M,
            "resource_items": len(theirs),
            "demand_items": len(mine),
            "households_open": sum(d["households"] for d in mine),
            "households_served": sum(flow["s"].values()),
            "household_metres": nx.cost_of_flow(g, flow),
            "closest_walk_to_the_cutoff_m": closest_to_cutoff,
            "pairs": [[u, d, m] for (u, d), m in sorted({(u, d): m for u, d, m in pairs}.items())],
        }

    city = question(None)
    # The community whose needs have the most offers within reach.
    community_of = {d["id"]: d["community_id"] for d in needs}
    per = defaultdict(int)
    for _, d, _ in city["pairs"]:
        per[community_of[d]] += 1
    busiest = max(per, key=lambda c: (per[c], -c))
    out = {
        "generator": "scripts/reference/lists_match.py",
        "library": f"networkx {nx.__version__}, shapely, pyproj",
        "questions": [city, question(busiest)],
    }
    with open("tests/fixtures/lists_match_reference.json", "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    for qn in out["questions"]:
        print({k: v for k, v in qn.items() if k != "pairs"}, len(qn["pairs"]), "pairs")


if __name__ == "__main__":
    main()
