#!/usr/bin/env python3
"""Reference answers for CQL2 filters (OGC API – Features Part 3) on the bundled data.

Each filter is evaluated by the `cql2` package from PyPI (`cql2.Expr(text).matches(item)`,
the evaluator its users call on GeoJSON items), on features built here from the files in
`geodata/` — not from gridwatch's answers. An incident's grid is found with shapely (the first
grid, in file order, whose closed polygon covers the point) and its community is that grid's.
Every spatial-only filter is also checked against shapely's own predicate on the same
geometries, and the script stops if the two disagree.

Writes tests/fixtures/cql2_reference.json: per filter, its collection, language, the
conformance class it exercises, the count of matches, the SHA-256 of the sorted ids joined by
commas, and the first ids. Run from the project root:

    pip install cql2==0.6.0 shapely==2.2.0
    python3 scripts/reference/cql2_filters.py
"""

import csv
import hashlib
import json

import cql2
import shapely
from shapely import wkt as shapely_wkt
from shapely.geometry import Point, shape
from shapely.strtree import STRtree

# Literal geometries over Jingmen's central city.
TRIANGLE = "POLYGON((112.18 31.00, 112.22 31.00, 112.22 31.03, 112.18 31.00))"
SQUARE = "POLYGON((112.19 31.02, 112.21 31.02, 112.21 31.04, 112.19 31.04, 112.19 31.02))"
HOLED = (
    "POLYGON((112.17 31.00, 112.23 31.00, 112.23 31.06, 112.17 31.06, 112.17 31.00),"
    "(112.19 31.02, 112.21 31.02, 112.21 31.04, 112.19 31.04, 112.19 31.02))"
)
TWO_SQUARES = (
    "MULTIPOLYGON(((112.19 31.02, 112.20 31.02, 112.20 31.03, 112.19 31.03, 112.19 31.02)),"
    "((112.15 30.98, 112.16 30.98, 112.16 30.99, 112.15 30.99, 112.15 30.98)))"
)
SMALL = "POLYGON((112.200 31.030, 112.206 31.030, 112.206 31.036, 112.200 31.036, 112.200 31.030))"
CUT = "LINESTRING(112.17 31.00, 112.24 31.06)"


def incident_filters(first):
    """Filters on incidents; `first` holds a few incidents' exact values."""
    p1, p3 = first[1], first[3]
    t1 = first[1]["reported_at_z"]
    return [
        ("basic-cql2", "kind = 'dispute'"),
        ("basic-cql2", "kind <> 'dispute' AND status = 'open'"),
        ("basic-cql2", "status = 'resolved' OR source = 'hotline'"),
        ("basic-cql2", "NOT (kind = 'petition')"),
        ("basic-cql2", "id < 500"),
        ("basic-cql2", "id >= 73000"),
        ("basic-cql2", "grid_id = 12"),
        ("basic-cql2", "community_id = 51 AND kind = 'police_call'"),
        ("basic-cql2", "reported_at >= TIMESTAMP('2021-12-01T00:00:00Z')"),
        ("basic-cql2", "reported_at < TIMESTAMP('2019-01-15T00:00:00Z')"),
        ("basic-cql2", "resolved_at IS NULL"),
        ("basic-cql2", "occurred_from IS NOT NULL AND kind = 'criminal_case'"),
        ("basic-cql2", "status = 'open' AND (source = 'patrol' OR source = 'grid_worker')"),
        ("advanced-comparison-operators", "kind LIKE 'street%'"),
        ("advanced-comparison-operators", "kind LIKE '%_dispute'"),
        ("advanced-comparison-operators", "kind NOT LIKE '%a%'"),
        ("advanced-comparison-operators", "kind LIKE 'p_lice_call'"),
        ("advanced-comparison-operators", "id BETWEEN 1000 AND 1200"),
        ("advanced-comparison-operators", "community_id NOT BETWEEN 10 AND 200"),
        ("advanced-comparison-operators", "kind IN ('drainage', 'petition', 'school_surroundings')"),
        ("advanced-comparison-operators", "grid_id IN (1, 2, 3, 100, 200)"),
        ("advanced-comparison-operators", "source NOT IN ('police', 'hotline')"),
        ("case-insensitive-comparison", "CASEI(kind) = CASEI('DRAINAGE')"),
        ("case-insensitive-comparison", "CASEI(source) = CASEI('Patrol') OR CASEI(source) = CASEI('HOTLINE')"),
        ("case-insensitive-comparison", "CASEI(kind) LIKE CASEI('STREET%')"),
        ("basic-spatial-functions", "S_INTERSECTS(geometry, BBOX(112.19, 31.02, 112.21, 31.04))"),
        ("basic-spatial-functions", f"S_INTERSECTS(geometry, {TRIANGLE})"),
        ("basic-spatial-functions", f"S_INTERSECTS(geometry, POINT({p1['lon']} {p1['lat']}))"),
        ("basic-spatial-functions", "kind = 'dispute' AND S_INTERSECTS(geometry, BBOX(112.17, 31.00, 112.23, 31.06))"),
        ("spatial-functions", f"S_WITHIN(geometry, {SQUARE})"),
        ("spatial-functions", "S_DISJOINT(geometry, BBOX(111.5, 30.5, 112.2, 31.5)) AND kind = 'petition'"),
        ("spatial-functions", f"S_CONTAINS({TRIANGLE}, geometry)"),
        ("spatial-functions", f"S_TOUCHES(geometry, LINESTRING({p3['lon']} {p3['lat']}, 112.3 31.1))"),
        ("spatial-functions", f"S_INTERSECTS(geometry, {TWO_SQUARES})"),
        ("spatial-functions", f"S_EQUALS(geometry, POINT({p3['lon']} {p3['lat']}))"),
        ("spatial-functions", f"S_WITHIN(geometry, {HOLED})"),
        ("temporal-functions", "T_INTERSECTS(reported_at, INTERVAL('2020-02-01T00:00:00Z', '2020-02-29T23:59:59Z'))"),
        ("temporal-functions", "T_DURING(reported_at, INTERVAL('2021-01-01T00:00:00Z', '2021-01-08T00:00:00Z'))"),
        ("temporal-functions", "T_BEFORE(reported_at, TIMESTAMP('2019-01-10T00:00:00Z'))"),
        ("temporal-functions", "T_AFTER(reported_at, TIMESTAMP('2021-12-25T00:00:00Z'))"),
        ("temporal-functions", "T_AFTER(reported_at, INTERVAL('2019-01-01T00:00:00Z', '2021-12-20T00:00:00Z'))"),
        ("temporal-functions", "T_DISJOINT(reported_at, INTERVAL('2019-03-01T00:00:00Z', '2021-11-30T00:00:00Z'))"),
        ("temporal-functions", f"T_EQUALS(reported_at, TIMESTAMP('{t1}'))"),
        ("temporal-functions", f"T_STARTS(reported_at, INTERVAL('{t1}', '2019-02-01T00:00:00Z'))"),
        ("temporal-functions", "T_INTERSECTS(resolved_at, INTERVAL('2021-12-30T00:00:00Z', '..'))"),
        ("arithmetic", "id % 1000 = 0"),
        ("arithmetic", "id * 2 + 1 < 301"),
        ("arithmetic", "id / 10 > 7300"),
        ("arithmetic", "id - community_id > 73000"),
        ("arithmetic", "id div 1000 = 5"),
        ("arithmetic", "(id + 1) ^ 2 < 10000"),
        ("spatial-functions", f"kind IN ('dispute', 'petition') AND S_WITHIN(geometry, {HOLED}) AND reported_at >= TIMESTAMP('2021-01-01T00:00:00Z')"),
        ("basic-cql2", "(kind = 'drainage' OR kind = 'safety_hazard') AND NOT (status = 'resolved')"),
    ]


STATIC_FILTERS = [
    ("grids", "basic-cql2", "households > 500 AND community_id < 20"),
    ("grids", "advanced-comparison-operators", "name LIKE '南门%'"),
    ("grids", "basic-spatial-functions", "S_INTERSECTS(geometry, POINT(112.2 31.03))"),
    ("grids", "spatial-functions", f"S_WITHIN(geometry, {HOLED})"),
    ("communities", "basic-spatial-functions", "S_INTERSECTS(geometry, BBOX(112.17, 31.0, 112.23, 31.06)) AND population > 3000"),
    ("communities", "advanced-comparison-operators", "district_id IN (420802, 420804)"),
    ("communities", "spatial-functions", f"S_OVERLAPS(geometry, {SQUARE})"),
    ("districts", "basic-cql2", "central_city = true"),
    ("districts", "spatial-functions", "S_CONTAINS(geometry, POINT(112.2 31.03))"),
    ("buildings", "basic-cql2", "use = 'residential' AND floors >= 18 AND S_INTERSECTS(geometry, BBOX(112.17, 31.0, 112.23, 31.06))"),
    ("buildings", "spatial-functions", f"S_WITHIN(geometry, {SMALL})"),
    ("buildings", "spatial-functions", f"S_OVERLAPS(geometry, {SMALL})"),
    ("buildings", "spatial-functions", f"S_CROSSES(geometry, {CUT})"),
    ("streets", "spatial-functions", f"class = 'arterial' AND S_CROSSES(geometry, {CUT})"),
    ("streets", "basic-spatial-functions", f"S_INTERSECTS(geometry, {SMALL})"),
    ("streets", "spatial-functions", f"S_WITHIN(geometry, {SMALL})"),
    ("resources", "basic-cql2", "kind = 'clinic' AND capacity > 50"),
    ("patrol_tracks", "temporal-functions", "T_DURING(started_at, INTERVAL('2021-11-20T00:00:00Z', '2021-11-27T00:00:00Z'))"),
    ("patrol_routes", "basic-cql2", "weekday = 3 AND start_time >= '19:00'"),
]

# Filters also sent as cql2-json (their text converted by the package).
AS_JSON = {
    "kind IN ('drainage', 'petition', 'school_surroundings')",
    "S_INTERSECTS(geometry, BBOX(112.19, 31.02, 112.21, 31.04))",
    "T_DURING(reported_at, INTERVAL('2021-01-01T00:00:00Z', '2021-01-08T00:00:00Z'))",
    "id % 1000 = 0",
    "CASEI(kind) = CASEI('DRAINAGE')",
    "use = 'residential' AND floors >= 18 AND S_INTERSECTS(geometry, BBOX(112.17, 31.0, 112.23, 31.06))",
}

SHAPELY = {
    "S_INTERSECTS": lambda g, s: g.intersects(s),
    "S_WITHIN": lambda g, s: g.within(s),
    "S_DISJOINT": lambda g, s: g.disjoint(s),
    "S_OVERLAPS": lambda g, s: g.overlaps(s),
    "S_CROSSES": lambda g, s: g.crosses(s),
    "S_TOUCHES": lambda g, s: g.touches(s),
    "S_EQUALS": lambda g, s: g.equals(s),
    "S_CONTAINS": lambda g, s: g.contains(s),
}


def shapely_check(text, features):
    """For a filter that is one spatial function of `geometry` and a WKT literal, the ids
    shapely selects; None for any other filter."""
    for name, pred in SHAPELY.items():
        prefix = f"{name}(geometry, "
        if text.startswith(prefix) and text.endswith(")") and " AND " not in text:
            literal = text[len(prefix):-1]
            if literal.startswith("BBOX"):
                return None
            s = shapely_wkt.loads(literal)
            return sorted(f["id"] for f in features if pred(f["_shape"], s))
    if text.startswith("S_CONTAINS(POLYGON") and text.endswith(", geometry)"):
        s = shapely_wkt.loads(text[len("S_CONTAINS("):-len(", geometry)")])
        return sorted(f["id"] for f in features if s.contains(f["_shape"]))
    return None


def load_geojson(name):
    with open(f"geodata/{name}.geojson") as f:
        out = []
        for feat in json.load(f)["features"]:
            out.append({
                "id": feat["id"],
                "geometry": feat["geometry"],
                "properties": dict(feat["properties"]),
                "_shape": shape(feat["geometry"]),
            })
        return out


def to_z(local):
    """An RFC 3339 instant with offset as the same instant in UTC (Z)."""
    from datetime import datetime, timezone

    return datetime.fromisoformat(local).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def load_incidents(grids):
    tree = STRtree([g["_shape"] for g in grids])
    incidents = []
    with open("geodata/incidents.csv", newline="") as f:
        for r in csv.DictReader(f):
            lon, lat = float(r["lon"]), float(r["lat"])
            pt = Point(lon, lat)
            hits = sorted(int(i) for i in tree.query(pt) if grids[int(i)]["_shape"].covers(pt))
            grid = grids[hits[0]] if hits else None
            props = {
                "kind": r["kind"],
                "status": r["status"],
                "source": r["source"],
                "reported_at": r["reported_at"],
                "resolved_at": r["resolved_at"] or None,
                "occurred_from": r["occurred_from"] or None,
                "occurred_to": r["occurred_to"] or None,
                "grid_id": grid["id"] if grid else None,
                "community_id": grid["properties"]["community_id"] if grid else None,
            }
            incidents.append({
                "id": int(r["id"]),
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": props,
                "_shape": pt,
                "_lon": r["lon"],
                "_lat": r["lat"],
            })
    return incidents


def evaluate(text, features):
    """The ids `text` selects. The package cannot reduce a comparison with a NULL property
    (an incident outside every grid has no grid_id) and raises; that item is not selected,
    as SQL leaves a row whose condition is unknown (the filters avoid OR and NOT around such
    comparisons, where the two would differ)."""
    expr = cql2.Expr(text)
    ids = []
    for f in features:
        item = {"id": f["id"], "geometry": f["geometry"], "properties": f["properties"]}
        try:
            if expr.matches(item):
                ids.append(f["id"])
        except Exception as e:  # noqa: BLE001 - the package raises a bare Exception
            if "reduce" not in str(e):
                raise
    return sorted(ids)


def main():
    layers = {name: load_geojson(name) for name in
              ["grids", "communities", "districts", "buildings", "streets", "resources",
               "patrol_tracks", "patrol_routes"]}
    incidents = load_incidents(layers["grids"])
    by_id = {i["id"]: i for i in incidents}
    first = {
        k: {"lon": by_id[k]["_lon"], "lat": by_id[k]["_lat"],
            "reported_at_z": to_z(by_id[k]["properties"]["reported_at"])}
        for k in (1, 3)
    }
    work = [("incidents", c, t) for c, t in incident_filters(first)]
    work += STATIC_FILTERS
    out = []
    for collection, klass, text in work:
        features = incidents if collection == "incidents" else layers[collection]
        ids = evaluate(text, features)
        check = shapely_check(text, features)
        if check is not None and check != ids:
            raise SystemExit(f"cql2 and shapely disagree on {text!r}: {len(ids)} vs {len(check)}")
        entries = [("cql2-text", text)]
        if text in AS_JSON:
            entries.append(("cql2-json", cql2.Expr(text).to_json()))
        for lang, source in entries:
            out.append({
                "collection": collection,
                "class": klass,
                "lang": lang,
                "filter": source,
                "count": len(ids),
                "ids_sha256": hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest(),
                "first_ids": ids[:10],
                "shapely_checked": check is not None,
            })
        print(f"{len(ids):6} {collection:13} {text[:90]}")
    with open("tests/fixtures/cql2_reference.json", "w") as f:
        json.dump({
            "generator": "scripts/reference/cql2_filters.py",
            "evaluator": f"cql2 {cql2.__version__ if hasattr(cql2, '__version__') else '0.6.0'} (PyPI) Expr.matches; shapely {shapely.__version__}",
            "filters": out,
        }, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
