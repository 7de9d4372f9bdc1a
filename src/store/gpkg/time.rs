//! GeoPackage DATETIME text (`YYYY-MM-DDTHH:MM:SSZ`, UTC) to and from Unix seconds. Parsed by
//! hand: loading a million incidents parses two million of these, and chrono's format parser
//! was the slowest step of the load.

use chrono::DateTime;

/// Unix seconds as GeoPackage DATETIME text.
#[must_use]
pub fn to_text(t: i64) -> String {
    DateTime::from_timestamp(t, 0)
        .map_or_else(String::new, |d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

/// GeoPackage DATETIME text (with or without fractional seconds) as Unix seconds.
#[must_use]
pub fn from_text(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
        || *b.last()? != b'Z'
    {
        return DateTime::parse_from_rfc3339(s).ok().map(|d| d.timestamp());
    }
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        b[range].iter().try_fold(0i64, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + i64::from(c - b'0'))
        })
    };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_agrees_with_chrono() {
        for t in [
            0,
            951_782_400,
            1_546_272_000,
            1_582_934_399,
            1_640_966_399,
            4_102_444_800,
            -86_400,
        ] {
            let text = to_text(t);
            assert_eq!(from_text(&text), Some(t), "{text}");
            assert_eq!(DateTime::parse_from_rfc3339(&text).unwrap().timestamp(), t);
        }
        assert_eq!(from_text("2020-02-29T12:00:00.250Z"), Some(1_582_977_600));
        assert_eq!(from_text("2020-02-29T20:00:00+08:00"), Some(1_582_977_600));
        assert_eq!(from_text("2020-13-01T00:00:00Z"), None);
        assert_eq!(from_text("yesterday"), None);
    }
}
