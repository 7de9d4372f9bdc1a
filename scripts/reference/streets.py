#!/usr/bin/env python3
"""Reference walking distances on the bundled streets, from networkx rather than our code.

The graph is built the way OpenStreetMap users build one: every vertex of a walkable line is a
node (coordinates as written, so lines join exactly where they share a vertex), every segment
an edge weighted by its geodesic length on the WGS 84 ellipsoid (pyproj's `Geod.inv`, i.e.
GeographicLib). Distances are `networkx` Dijkstra:

- `pairs`: 300 random pairs of line ends, 280 of them in the largest connected part (the
  central city) and 20 anywhere, `nx.dijkstra_path_length` (or null when no walk joins them);
- `complexes`: the 49 service complexes joined to the network at the nearest point of the
  nearest walkable street (shapely's `STRtree.nearest` and `project` in UTM zone 49N,
  EPSG:32649, the plain GIS way), the joining segment split there, the straight connector
  added as an edge; then `nx.multi_source_dijkstra_path_length` from all of them, reported
  for 2,000 random line ends with the distance in metres.

Writes tests/fixtures/streets_reference.json. Run from the project root:

    pip install networkx==3.6.1 shapely==2.2.0 pyproj==3.7.2
    python3 scripts/reference/streets.py

The tests only read the committed fixture; they never run Python.
"""

import json
import random

import networkx as nx
from pyproj import Geod, Transformer
from shapely import STRtree
from shapely.geometry import LineString, Point

GEOD = Geod(ellps="WGS84")
TO_UTM = Transformer.from_crs("EPSG:4326", "EPSG:32649", always_xy=True)
FROM_UTM = Transformer.from_crs("EPSG:32649", "EPSG:4326", always_xy=True)


def metres(a, b):
    return GEOD.inv(a[0], a[1], b[0], b[1])[2]


def main():
    streets = json.load(open("geodata/streets.geojson"))["features"]
    resources = json.load(open("geodata/resources.geojson"))["features"]
    walkable = [
        f for f in streets if f["properties"].get("walkable", True)
    ]
    graph = nx.Graph()
    segments = []
    for f in walkable:
        coords = [tuple(c) for c in f["geometry"]["coordinates"]]
        for a, b in zip(coords, coords[1:]):
            if a == b:
                continue
            graph.add_edge(a, b, weight=metres(a, b))
            segments.append((a, b))

    rng = random.Random(20190101)
    ends = sorted({tuple(f["geometry"]["coordinates"][i]) for f in walkable for i in (0, -1)})
    largest = max(nx.connected_components(graph), key=len)
    central = [e for e in ends if e in largest]
    pairs = []
    while len(pairs) < 300:
        pool = central if len(pairs) < 280 else ends
        a, b = rng.choice(pool), rng.choice(pool)
        if a == b:
            continue
        try:
            d = nx.dijkstra_path_length(graph, a, b)
        except nx.NetworkXNoPath:
            d = None
        pairs.append({"from": list(a), "to": list(b), "length_m": d})

    # Join the complexes at the nearest point of the nearest walkable segment.
    utm_lines = [
        LineString([TO_UTM.transform(*a), TO_UTM.transform(*b)]) for a, b in segments
    ]
    tree = STRtree(utm_lines)
    sources = []
    complexes = [r for r in resources if r["properties"]["kind"] == "service_complex"]
    for r in complexes:
        lon, lat = r["geometry"]["coordinates"]
        p = Point(TO_UTM.transform(lon, lat))
        i = int(tree.nearest(p))
        line = utm_lines[i]
        on = line.interpolate(line.project(p))
        at = FROM_UTM.transform(on.x, on.y)
        a, b = segments[i]
        node = ("complex", r["id"])
        here = ("on", r["id"])
        graph.add_edge(node, here, weight=metres((lon, lat), at))
        graph.add_edge(here, a, weight=metres(at, a))
        graph.add_edge(here, b, weight=metres(at, b))
        sources.append(node)
    distance = nx.multi_source_dijkstra_path_length(graph, sources)
    sample = rng.sample(ends, 2000)
    nearest = [
        {"at": list(e), "distance_m": distance.get(e)} for e in sample
    ]
    out = {
        "source": "networkx "
        + nx.__version__
        + " Dijkstra on every vertex of the walkable streets; geodesic lengths by pyproj Geod",
        "complexes": len(complexes),
        "pairs": pairs,
        "nearest_complex": nearest,
    }
    with open("tests/fixtures/streets_reference.json", "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
