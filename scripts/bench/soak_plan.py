#!/usr/bin/env python3
"""The soak's requests (scripts/soak): one file of request paths per route family, and the body
of the write, made from a fixed-seed sample of the city's own incidents so the load falls where
the data is dense, as a command centre's does.

Usage: soak_plan.py DATA_DIR OUT_DIR BASE_URL
"""

import csv
import json
import math
import random
import sys

rng = random.Random(17)
data, out, base = sys.argv[1], sys.argv[2], sys.argv[3]

with open(f"{data}/incidents.csv", newline="") as f:
    rows = list(csv.DictReader(f))
ids = [int(r["id"]) for r in rows]
points = [(float(r["lon"]), float(r["lat"])) for r in rng.sample(rows, 4000)]
kinds = sorted({r["kind"] for r in rows[:200000]})
with open(f"{data}/communities.geojson") as f:
    communities = [c["id"] for c in json.load(f)["features"]]
RESOURCE_KINDS = ["police_post", "clinic", "service_complex", "market", "school", "police_station"]
LINES = 3000


def tile(lon, lat, z):
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def period():
    year = rng.choice([2019, 2020, 2021])
    quarter = rng.randrange(4)
    return f"from={year}-{3 * quarter + 1:02d}-01&to={year}-{3 * quarter + 3:02d}-28"


def analytics_filter():
    r = rng.random()
    if r < 0.4:
        return ""
    if r < 0.6:
        return "&kind=" + ",".join(rng.sample(kinds, rng.randint(1, 3)))
    if r < 0.8:
        return "&" + period()
    return f"&community={rng.choice(communities)}"


def tiles():
    lon, lat = rng.choice(points)
    z = rng.randint(11, 16)
    x, y = tile(lon, lat, z)
    r = rng.random()
    if r < 0.45:
        layers = "incidents"
    elif r < 0.65 and z >= 13:
        layers = "buildings,incidents"
    elif r < 0.8:
        layers = "hexbins"
    elif r < 0.9:
        layers = "hotspots"
    else:
        layers = "districts,communities,grids"
    query = analytics_filter().lstrip("&") if layers != "districts,communities,grids" else ""
    return f"/tiles/{layers}/{z}/{x}/{y}.mvt" + (f"?{query}" if query else "")


def bbox(lon, lat, d):
    return f"{lon - d:.5f},{lat - d:.5f},{lon + d:.5f},{lat + d:.5f}"


def items():
    lon, lat = rng.choice(points)
    r = rng.random()
    if r < 0.5:
        extra = rng.choice(["", "&kind=dispute,police_call", "&datetime=2020-01-01/2020-12-31",
                            "&offset=100", "&status=open"])
        return f"/ogc/collections/incidents/items?bbox={bbox(lon, lat, rng.uniform(0.002, 0.01))}&limit=100{extra}"
    if r < 0.7:
        return f"/ogc/collections/incidents/items/{rng.choice(ids)}"
    if r < 0.9:
        return f"/ogc/collections/buildings/items?bbox={bbox(lon, lat, 0.004)}&limit=50"
    return f"/ogc/collections/patrol_routes/items?community_id={rng.choice(communities)}"


def analytics():
    r = rng.random()
    if r < 0.35:
        return f"/api/v1/hotspots?res={rng.randint(8, 10)}&k={rng.randint(1, 2)}{analytics_filter()}"
    if r < 0.6:
        return f"/api/v1/hexbins?res={rng.randint(6, 11)}{analytics_filter()}"
    if r < 0.75:
        kind = "" if rng.random() < 0.5 else "&kind=" + rng.choice(kinds)
        return f"/api/v1/hotspots/emerging?res=8&step={rng.choice(['month', 'week'])}{kind}"
    return f"/api/v1/stats/{rng.choice(['grids', 'communities'])}?{period()}"


def nearest():
    lon, lat = rng.choice(points)
    kind = ",".join(rng.sample(RESOURCE_KINDS, rng.randint(1, 2)))
    mode = "&mode=straight" if rng.random() < 0.2 else ""
    return f"/api/v1/nearest?lon={lon:.6f}&lat={lat:.6f}&kind={kind}&k={rng.randint(1, 5)}{mode}"


def routes():
    lon, lat = rng.choice(points)
    if rng.random() < 0.1:
        return f"/api/v1/isochrones?lon={lon:.6f}&lat={lat:.6f}&distances_m=300,500,1000"
    to = (lon + rng.uniform(-0.015, 0.015), lat + rng.uniform(-0.012, 0.012))
    return f"/api/v1/route?from={lon:.6f},{lat:.6f}&to={to[0]:.6f},{to[1]:.6f}"


for name, make in [("tiles", tiles), ("items", items), ("analytics", analytics),
                   ("nearest", nearest), ("routes", routes)]:
    with open(f"{out}/{name}.txt", "w") as f:
        for _ in range(LINES):
            f.write(base + make() + "\n")


def write(minute):
    """Five incidents at once, at places and of kinds drawn from the city."""
    features = []
    for _ in range(5):
        lon, lat = rng.choice(points)
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
            "properties": {"kind": rng.choice(kinds), "source": rng.choice(["hotline", "patrol"]),
                           "reported_at": f"2021-12-31T{8 + minute // 60:02d}:{minute % 60:02d}:00+08:00"},
        })
    return json.dumps({"type": "FeatureCollection", "features": features})


with open(f"{out}/writes.jsonl", "w") as f:
    for minute in range(600):
        f.write(write(minute) + "\n")
