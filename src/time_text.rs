//! Times in words: a duration ("4 m 12 s"), a time relative to now ("in
//! 4 m 12 s", "expired 2 y ago") and a Unix time as UTC. A leaf module:
//! lifetimes ([`crate::expiry`]), decoded claims ([`crate::jwt`]) and both
//! faces use it.

/// A duration in seconds, coarse and short: "4 m 12 s", "3 h 5 m", "29 d 23 h", "2 y".
pub fn humanize(secs: u64) -> String {
    const MIN: u64 = 60;
    const HOUR: u64 = 60 * MIN;
    const DAY: u64 = 24 * HOUR;
    const YEAR: u64 = 365 * DAY;
    match secs {
        s if s < MIN => format!("{s} s"),
        s if s < HOUR => format!("{} m {} s", s / MIN, s % MIN),
        s if s < DAY => format!("{} h {} m", s / HOUR, s % HOUR / MIN),
        s if s < YEAR => format!("{} d {} h", s / DAY, s % DAY / HOUR),
        s => format!("{} y", s / YEAR),
    }
}

/// A time relative to `now`: "in 4 m 12 s", "expired 2 y ago" (for an
/// expiry) or "2 y ago" (otherwise).
pub fn relative(at: i64, now: i64, is_expiry: bool) -> String {
    let delta = at.saturating_sub(now);
    if delta > 0 {
        format!("in {}", humanize(delta.unsigned_abs()))
    } else if is_expiry {
        format!("expired {} ago", humanize(delta.unsigned_abs()))
    } else {
        format!("{} ago", humanize(delta.unsigned_abs()))
    }
}

/// A Unix time as UTC, `2018-05-02 14:42:21 UTC` (proleptic Gregorian).
pub fn utc(at: i64) -> String {
    let days = at.div_euclid(86_400);
    let secs = at.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// A Unix time at `offset` seconds from UTC, as its time of day
/// (`14:03:12`), with ` UTC` when the offset is 0 (no local zone known).
pub fn clock(at: i64, offset: i64) -> String {
    format!("{}{}", time_of_day(at, offset), zone(offset))
}

/// A Unix time at `offset` seconds from UTC, as its time of day without
/// a zone: `14:03:12`.
pub fn time_of_day(at: i64, offset: i64) -> String {
    let secs = at.saturating_add(offset).rem_euclid(86_400);
    format!(
        "{:02}:{:02}:{:02}",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// A Unix time at `offset` seconds from UTC, to the minute
/// (`2027-01-01 14:03`), with ` UTC` when the offset is 0.
pub fn date_minute(at: i64, offset: i64) -> String {
    let at = at.saturating_add(offset);
    let (y, m, d) = civil_from_days(at.div_euclid(86_400));
    let secs = at.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}{}",
        secs / 3600,
        secs % 3600 / 60,
        zone(offset)
    )
}

/// A Unix time at `offset` seconds from UTC, as its date
/// (`2023-11-14`), with ` UTC` when the offset is 0.
pub fn date(at: i64, offset: i64) -> String {
    let (y, m, d) = civil_from_days(at.saturating_add(offset).div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}{}", zone(offset))
}

fn zone(offset: i64) -> &'static str {
    if offset == 0 { " UTC" } else { "" }
}

/// A Unix time at `offset` seconds from UTC, as month and day (`11-14`):
/// the shortest form of a date weeks away.
pub fn month_day(at: i64, offset: i64) -> String {
    let (_, m, d) = civil_from_days(at.saturating_add(offset).div_euclid(86_400));
    format!("{m:02}-{d:02}")
}

/// Howard Hinnant's days-to-civil algorithm.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_as_utc_and_relative() {
        assert_eq!(utc(1_525_272_141), "2018-05-02 14:42:21 UTC");
        assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(relative(1_252, 1_000, true), "in 4 m 12 s");
        assert_eq!(
            relative(1_000 - 2 * 366 * 86_400, 1_000, true),
            "expired 2 y ago"
        );
        assert_eq!(humanize(29 * 86_400 + 23 * 3_600), "29 d 23 h");
    }

    #[test]
    fn local_times_carry_their_offset_or_say_utc() {
        // 2023-11-14 22:13:20 UTC.
        assert_eq!(clock(1_700_000_000, 0), "22:13:20 UTC");
        assert_eq!(clock(1_700_000_000, 7_200), "00:13:20");
        assert_eq!(date_minute(1_700_000_000, 0), "2023-11-14 22:13 UTC");
        assert_eq!(date_minute(1_700_000_000, 7_200), "2023-11-15 00:13");
        assert_eq!(date(1_700_000_000, 0), "2023-11-14 UTC");
        assert_eq!(date(1_700_000_000, 7_200), "2023-11-15");
        assert_eq!(month_day(1_700_000_000, 7_200), "11-15");
        assert_eq!(time_of_day(1_700_000_000, -23 * 3600), "23:13:20");
        let _ = (clock(i64::MAX, i64::MAX), date_minute(i64::MIN, -1));
    }
}
