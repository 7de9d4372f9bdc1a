//! The working calendar against the `chinese-calendar` package (its own table of the State
//! Council's notices, `scripts/reference/calendar_days.py`), and its two endpoints on hand-made
//! cases.

#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

mod common;

use axum::http::StatusCode;
use chrono::{Datelike, NaiveDate, Weekday};
use common::{fixture, get};
use gridwatch::model::calendar::WorkingCalendar;

#[test]
fn every_day_of_the_noticed_years_is_what_chinese_calendar_says() {
    let reference = fixture("calendar_reference.json");
    let calendar = WorkingCalendar::bundled();
    let mut checked = 0;
    for (year, days) in reference["years"].as_object().unwrap() {
        let year: i32 = year.parse().unwrap();
        assert!(calendar.covers(year), "{year}");
        let listed = |key: &str| -> Vec<NaiveDate> {
            days[key]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d.as_str().unwrap().parse().unwrap())
                .collect()
        };
        let (off, worked) = (listed("weekdays_off"), listed("weekend_days_worked"));
        let first = NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
        for day in first.iter_days().take_while(|d| d.year() == year) {
            let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
            let expected = if weekend {
                worked.contains(&day)
            } else {
                !off.contains(&day)
            };
            assert_eq!(calendar.is_working_day(day), expected, "{day}");
            checked += 1;
        }
    }
    assert_eq!(checked, 365 * 4 + 366);
}

#[tokio::test]
async fn the_calendar_is_published_with_its_notices_and_limits() {
    let reply = get("/api/v1/calendar").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let years: Vec<i64> = reply.json["years"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| y["year"].as_i64().unwrap())
        .collect();
    assert_eq!(years, [2019, 2020, 2021, 2022, 2026]);
    assert!(
        reply.json["years"][1]["notice"]
            .as_str()
            .unwrap()
            .contains("国办发明电〔2020〕1号")
    );
    assert_eq!(reply.json["working_hours_per_day"], 7.0);
    assert_eq!(reply.json["time_limits"].as_array().unwrap().len(), 11);
}

#[tokio::test]
async fn working_hours_and_due_instants_over_a_holiday() {
    // 30 minutes on 30 September 2021, National Day, 30 minutes on 8 October.
    let reply = get("/api/v1/calendar/working-hours?from=2021-09-30T17:00:00%2B08:00&to=2021-10-08T09:00:00%2B08:00&kind=street_vending").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.json["working_hours"], 1.0);
    assert_eq!(reply.json["working_days"], 2);
    assert_eq!(reply.json["years_covered"], true);
    // Street vending's 2 working hours: 30 minutes on the 30th, 90 on the 8th.
    assert_eq!(reply.json["due_at"], "2021-10-08T10:00:00+08:00");
    // Local time without an offset, and a year without a notice.
    let plain =
        get("/api/v1/calendar/working-hours?from=2024-03-01T08:30:00&to=2024-03-04T12:00:00").await;
    assert_eq!(plain.json["working_hours"], 10.5);
    assert_eq!(plain.json["years_covered"], false);
    for bad in [
        "/api/v1/calendar/working-hours?to=2021-01-01",
        "/api/v1/calendar/working-hours?from=2021-01-01&to=yesterday",
        "/api/v1/calendar/working-hours?from=2021-01-01&to=2021-02-01&kind=theft",
        "/api/v1/calendar/working-hours?from=2001-01-01&to=2021-02-01",
        "/api/v1/calendar?year=2021",
    ] {
        let reply = get(bad).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(reply.content_type, "application/problem+json", "{bad}");
    }
}
