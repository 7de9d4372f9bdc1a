#!/usr/bin/env python3
"""Reference working days for the calendar time limits are counted in, from the
`chinese-calendar` package (PyPI `chinesecalendar`), as its users ask:
`chinese_calendar.is_workday(date)` for every date of the years `geodata/calendar.json`
cites a notice for. The package keeps its own table of the State Council's notices, typed
independently of ours.

Writes tests/fixtures/calendar_reference.json: per year, the dates that differ from the plain
rule (weekdays off, weekend days worked). Run from the project root:

    pip install chinesecalendar==1.11.0
    python3 scripts/reference/calendar_days.py
"""

import datetime
import json

import chinese_calendar

YEARS = [2019, 2020, 2021, 2022, 2026]


def main():
    out = {"generator": "scripts/reference/calendar_days.py",
           "package": f"chinesecalendar {chinese_calendar.__version__}", "years": {}}
    for year in YEARS:
        day = datetime.date(year, 1, 1)
        off, worked = [], []
        while day.year == year:
            working = chinese_calendar.is_workday(day)
            if day.weekday() < 5 and not working:
                off.append(day.isoformat())
            if day.weekday() >= 5 and working:
                worked.append(day.isoformat())
            day += datetime.timedelta(days=1)
        out["years"][str(year)] = {"weekdays_off": off, "weekend_days_worked": worked}
    with open("tests/fixtures/calendar_reference.json", "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
