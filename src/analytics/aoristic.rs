//! Aoristic analysis: when in the week incidents happen whose exact time is unknown.
//!
//! A burglary found on a Monday morning happened some time since Friday evening. Ratcliffe's
//! aoristic method spreads each incident's weight of 1 over the hours its window covers, in
//! proportion to how much of each hour it covers, so the hour-of-week table sums to the number
//! of incidents and a long window adds little to any one hour. An exact time puts the whole
//! weight into its hour.
//!
//! Ratcliffe, J. H. (2002) "Aoristic signatures and the spatio-temporal analysis of high volume
//! crime patterns", J. Quant. Criminol. 18(1).

/// UTC+08:00 in seconds: the table is in the city's local time.
const LOCAL_OFFSET_S: i64 = 8 * 3600;
const HOUR: i64 = 3600;
const WEEK: i64 = 7 * 24 * HOUR;

/// Hour of the week (0 = Monday 00:00–01:00 local) of the local hour starting at `local_s`.
fn hour_of_week(local_s: i64) -> usize {
    // 1970-01-01 was a Thursday: 3 days after a Monday.
    ((local_s.div_euclid(HOUR) + 3 * 24).rem_euclid(7 * 24)) as usize
}

/// Adds one incident that happened somewhere in `[from, to]` (Unix seconds) to `table`
/// (`[weekday][hour]`, 0 = Monday). `from == to` is an exact time.
pub fn spread(table: &mut [[f64; 24]; 7], from: i64, to: i64) {
    let (from, to) = (from.min(to) + LOCAL_OFFSET_S, from.max(to) + LOCAL_OFFSET_S);
    let mut add = |h: usize, w: f64| table[h / 24][h % 24] += w;
    let length = to - from;
    if length == 0 {
        add(hour_of_week(from), 1.0);
        return;
    }
    let total = length as f64;
    // Whole weeks cover every hour equally.
    let weeks = length / WEEK;
    if weeks > 0 {
        let each = (weeks * HOUR) as f64 / total;
        for h in 0..7 * 24 {
            add(h, each);
        }
    }
    let mut at = from + weeks * WEEK;
    while at < to {
        let next = ((at.div_euclid(HOUR) + 1) * HOUR).min(to);
        add(hour_of_week(at), (next - at) as f64 / total);
        at = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2021-03-01 (a Monday) 00:00 in UTC+08:00.
    const MONDAY: i64 = 1_614_528_000;

    fn table_of(windows: &[(i64, i64)]) -> [[f64; 24]; 7] {
        let mut t = [[0.0; 24]; 7];
        for &(a, b) in windows {
            spread(&mut t, a, b);
        }
        t
    }

    #[test]
    fn an_exact_time_fills_one_hour() {
        let t = table_of(&[(MONDAY + 9 * HOUR + 1200, MONDAY + 9 * HOUR + 1200)]);
        assert!((t[0][9] - 1.0).abs() < 1e-15);
        assert!((t.iter().flatten().sum::<f64>() - 1.0).abs() < 1e-15);
    }

    #[test]
    fn a_window_spreads_by_the_share_of_each_hour() {
        // Friday 22:30 to Saturday 01:00 (150 minutes): 30 min in 22h, 60 in 23h, 60 in 0h Sat.
        let from = MONDAY + 4 * 86_400 + 22 * HOUR + 1800;
        let t = table_of(&[(from, from + 150 * 60)]);
        assert!((t[4][22] - 30.0 / 150.0).abs() < 1e-15);
        assert!((t[4][23] - 60.0 / 150.0).abs() < 1e-15);
        assert!((t[5][0] - 60.0 / 150.0).abs() < 1e-15);
        assert!((t.iter().flatten().sum::<f64>() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn sunday_night_wraps_to_monday() {
        let from = MONDAY + 6 * 86_400 + 23 * HOUR;
        let t = table_of(&[(from, from + 2 * HOUR)]);
        assert!((t[6][23] - 0.5).abs() < 1e-15);
        assert!((t[0][0] - 0.5).abs() < 1e-15);
    }

    #[test]
    fn a_window_longer_than_a_week_covers_every_hour() {
        // Eight days from Monday 00:00: 7/8 spread evenly, 1/8 on the second Monday's hours.
        let t = table_of(&[(MONDAY, MONDAY + 8 * 86_400)]);
        let even = 1.0 / (8.0 * 24.0);
        assert!((t[3][5] - even).abs() < 1e-15);
        assert!((t[0][5] - 2.0 * even).abs() < 1e-15);
        assert!((t.iter().flatten().sum::<f64>() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn reversed_windows_are_read_forwards() {
        let a = table_of(&[(MONDAY + 5000, MONDAY + 9000)]);
        let b = table_of(&[(MONDAY + 9000, MONDAY + 5000)]);
        assert_eq!(a, b);
    }
}
