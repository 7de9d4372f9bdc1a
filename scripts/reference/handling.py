#!/usr/bin/env python3
"""Reference figures for the command centre's board (`/api/v1/handling/kpis`), computed with
pandas from the exported records alone: `geodata/incidents.csv`, `geodata/handling.csv` (the
moves), the grids and communities (shapely places each incident in its grid), the working
hours and per-kind limits of `geodata/calendar.json`, and the working days from the
`chinese-calendar` package (`chinese_calendar.is_workday(date)`, its own table of the State
Council's notices), not from our calendar file.

The clock of an incident runs from its filing over every span that starts with a move into
filed, dispatched, handled, returned or redo and ends at the next move (or at AT), and stops
over spans into parked or closed. Figures per group, as the endpoint documents them:
count, closed, closed on time (clock at closing <= limit), dispatched (ever), returned (at
least once), redone (at least once), median working hours at closing, overdue at AT.

Writes tests/fixtures/handling_reference.json. Run from the project root:

    pip install chinesecalendar==1.11.0 pandas shapely
    python3 scripts/reference/handling.py
"""

import datetime
import json

import chinese_calendar
import pandas as pd
import shapely
from shapely.geometry import shape

AT = "2022-01-01T00:00:00+08:00"
PERIODS = {"all": None, "2021": "2021-01-01T00:00:00+08:00"}
RUNNING = {"filed", "dispatched", "handled", "returned", "redo"}
TZ = datetime.timezone(datetime.timedelta(hours=8))


def epoch(text):
    return int(datetime.datetime.fromisoformat(text).timestamp())


class Clock:
    """Working seconds between instants: working days from chinese_calendar, the day's working
    periods from calendar.json."""

    def __init__(self, periods, first, last):
        self.periods = periods
        self.first = first
        self.days = (last - first).days + 1
        self.per_day = sum(b - a for a, b in periods)
        self.cumulative = [0]
        for i in range(self.days):
            day = first + datetime.timedelta(days=i)
            worked = chinese_calendar.is_workday(day)
            self.cumulative.append(self.cumulative[-1] + (self.per_day if worked else 0))

    def reading(self, t):
        local = datetime.datetime.fromtimestamp(t, TZ)
        i = (local.date() - self.first).days
        seconds = local.hour * 3600 + local.minute * 60 + local.second
        worked = self.cumulative[i + 1] > self.cumulative[i]
        within = sum(max(0, min(seconds, b) - a) for a, b in self.periods) if worked else 0
        return self.cumulative[i] + within

    def between(self, a, b):
        return self.reading(b) - self.reading(a)


def main():
    calendar = json.load(open("geodata/calendar.json"))

    def hhmm(s):
        h, m = s.split(":")
        return int(h) * 3600 + int(m) * 60

    periods = [(hhmm(a), hhmm(b)) for a, b in calendar["working_hours"]]
    limits = {k: h * 3600 for k, h in calendar["time_limits_h"].items()}
    clock = Clock(periods, datetime.date(2018, 12, 1), datetime.date(2022, 12, 31))
    at = epoch(AT)

    incidents = pd.read_csv("geodata/incidents.csv")
    moves = pd.read_csv("geodata/handling.csv", keep_default_na=False)
    moves["t"] = moves["at"].map(epoch)

    grids = json.load(open("geodata/grids.geojson"))["features"]
    communities = json.load(open("geodata/communities.geojson"))["features"]
    grid_shapes = [shape(f["geometry"]) for f in grids]
    tree = shapely.STRtree(grid_shapes)
    points = shapely.points(incidents["lon"], incidents["lat"])
    hit_point, hit_grid = tree.query(points, predicate="intersects")
    grid_of = {}
    for p, g in zip(hit_point, hit_grid):
        grid_of.setdefault(int(p), int(g))
    incidents["grid"] = [grids[grid_of[i]]["id"] if i in grid_of else None for i in range(len(incidents))]
    community_of_grid = {f["id"]: f["properties"]["community_id"] for f in grids}
    incidents["community"] = incidents["grid"].map(community_of_grid)

    # Each incident's figures from its moves.
    rows = []
    for incident_id, group in moves.groupby("incident_id", sort=False):
        group = group.reset_index(drop=True)
        elapsed, closed_clock = 0, None
        for i, m in group.iterrows():
            end = group.loc[i + 1, "t"] if i + 1 < len(group) else max(at, m["t"])
            if m["to"] in RUNNING:
                elapsed += clock.between(m["t"], end)
        last = group.iloc[-1]
        closed = last["to"] == "closed"
        if closed:
            # The clock at closing: everything before the last move.
            closed_clock = 0
            for i, m in group.iloc[:-1].iterrows():
                if m["to"] in RUNNING:
                    closed_clock += clock.between(m["t"], group.loc[i + 1, "t"])
        dispatches = group[group["to"] == "dispatched"]
        rows.append({
            "id": incident_id,
            "closed": closed,
            "closed_clock": closed_clock,
            "elapsed": elapsed,
            "filed": (group["to"] == "filed").any(),
            "department": dispatches.iloc[-1]["department"] if len(dispatches) else None,
            "returned": (group["to"] == "returned").any(),
            "redone": (group["to"] == "redo").any(),
        })
    handled = pd.DataFrame(rows).merge(incidents, on="id")
    handled["limit"] = handled["kind"].map(limits)
    handled["on_time"] = handled["closed"] & (handled["closed_clock"] <= handled["limit"])
    handled["overdue"] = ~handled["closed"] & handled["filed"] & (handled["elapsed"] > handled["limit"])
    handled["dispatched"] = handled["department"].notna()
    handled["reported"] = handled["reported_at"].map(epoch)

    out = {"generator": "scripts/reference/handling.py",
           "packages": f"chinesecalendar {chinese_calendar.__version__}, pandas {pd.__version__}, shapely {shapely.__version__}",
           "at": AT, "boards": {}}
    for period, start in PERIODS.items():
        chosen = handled if start is None else handled[handled["reported"] >= epoch(start)]
        for by in ["department", "community", "grid"]:
            board = {}
            for key, g in chosen.dropna(subset=[by]).groupby(by):
                closed = g[g["closed"]]
                median = closed["closed_clock"].median() / 3600 if len(closed) else None
                board[str(int(key)) if by != "department" else key] = {
                    "count": int(len(g)),
                    "closed": int(len(closed)),
                    "closed_on_time": int(g["on_time"].sum()),
                    "dispatched": int(g["dispatched"].sum()),
                    "returned": int(g["returned"].sum()),
                    "redone": int(g["redone"].sum()),
                    "median_working_hours_to_close": median,
                    "overdue_now": int(g["overdue"].sum()),
                }
            out["boards"][f"{by}/{period}"] = board
    with open("tests/fixtures/handling_reference.json", "w") as f:
        json.dump(out, f, indent=0, ensure_ascii=False, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
