#!/usr/bin/env python3
"""The soak's verdict and figures (scripts/soak): per route family the requests, rate, p50, p99
and status codes from oha's JSON; resident memory over time; and a failure (exit 1) for any 5xx
that is not deliberate shedding (a 503 from the analytics or tile-drawing slots, which the
server counts in gridwatch_shed_requests_total) and for any transport error.

Usage: soak_report.py OUT_DIR SHED_DELTA
"""

import json
import sys

out, shed = sys.argv[1], int(sys.argv[2])
FAMILIES = ["tiles", "items", "analytics", "nearest", "routes", "writes"]
SHEDDABLE = {"analytics", "routes", "nearest", "tiles"}  # the endpoints that take a slot

failures = []
rows = []
served_503 = 0
for name in FAMILIES:
    with open(f"{out}/{name}.json") as f:
        r = json.load(f)
    s, p = r["summary"], r["latencyPercentiles"]
    codes = {int(k): v for k, v in r["statusCodeDistribution"].items()}
    errors = r.get("errorDistribution", {})
    total = sum(codes.values())
    for code, count in sorted(codes.items()):
        if code == 503 and name in SHEDDABLE:
            served_503 += count
        elif code >= 500:
            failures.append(f"{name}: {count} × {code}")
    if errors:
        failures.append(f"{name}: transport errors {errors}")
    rows.append((name, total, s["requestsPerSec"], p["p50"], p["p99"], s["slowest"],
                 ", ".join(f"{c}: {n}" for c, n in sorted(codes.items()))))
if served_503 != shed:
    failures.append(f"503s seen by the clients ({served_503}) ≠ requests the server shed ({shed})")

print("| route family | requests | req/s | p50 | p99 | slowest | status codes |")
print("| --- | --- | --- | --- | --- | --- | --- |")
ms = lambda t: f"{t * 1000:.1f} ms" if t is not None else "–"
for name, total, rps, p50, p99, slowest, codes in rows:
    print(f"| {name} | {total:,} | {rps:.1f} | {ms(p50)} | {ms(p99)} | {ms(slowest)} | {codes} |")
print(f"\nshed (503 + Retry-After): {shed}")

with open(f"{out}/rss.csv") as f:
    samples = [tuple(map(int, line.split(","))) for line in f if line.strip()]
# The first sample of each minute: resident memory and what the caches hold of it.
by_minute = {}
for t, kb, cached in samples:
    by_minute.setdefault(t // 60, (kb, cached))
print("\n| minute | " + " | ".join(str(m) for m in by_minute) + " |")
print("| --- |" + " --- |" * len(by_minute))
print("| resident MB | " + " | ".join(f"{kb / 1024:.0f}" for kb, _ in by_minute.values()) + " |")
print("| caches MB | " + " | ".join(f"{c / 2**20:.0f}" for _, c in by_minute.values()) + " |")
print(f"\nresident memory max: {max(kb for _, kb, _ in samples) / 1024:.0f} MB")

if failures:
    print("\nFAILED:\n" + "\n".join(failures))
    sys.exit(1)
