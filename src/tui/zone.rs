//! The local time zone, for the times of day the app shows (gauges, the
//! message log). Read as the C library would: `$TZ` (a zone name under the
//! zoneinfo directory, an absolute TZif path, or a POSIX rule such as
//! `CET-1CEST,M3.5.0,M10.5.0/3`), else `/etc/localtime`. The file is read
//! by [`crate::files`]: a regular file of bounded size, never a FIFO or a
//! device. Anything unreadable is UTC, and the screen then says `UTC`.

use std::path::{Path, PathBuf};

use jiff::Timestamp;
use jiff::tz::TimeZone;

/// The largest TZif file read (the biggest in tzdata are a few KiB).
const MAX_TZIF: u64 = 256 * 1024;

/// Where zone names are looked up.
const ZONEINFO: &str = "/usr/share/zoneinfo";

/// The local zone, from `$TZ` or `/etc/localtime`; UTC when neither reads.
pub fn local() -> TimeZone {
    from(std::env::var("TZ").ok().as_deref(), Path::new(ZONEINFO)).unwrap_or(TimeZone::UTC)
}

/// The zone `tz` (the value of `$TZ`, if set) names, zone names looked up
/// under `zoneinfo`; `None` when it cannot be read.
pub fn from(tz: Option<&str>, zoneinfo: &Path) -> Option<TimeZone> {
    let Some(tz) = tz else {
        return tzif(Path::new("/etc/localtime"));
    };
    let tz = tz.strip_prefix(':').unwrap_or(tz);
    if tz.is_empty() {
        return Some(TimeZone::UTC);
    }
    if tz.starts_with('/') {
        return tzif(Path::new(tz));
    }
    if let Some(path) = zone_path(tz, zoneinfo)
        && let Some(zone) = tzif(&path)
    {
        return Some(zone);
    }
    TimeZone::posix(tz).ok()
}

/// The file of zone `name` (`Europe/Berlin`) under `zoneinfo`, when the
/// name cannot leave it.
fn zone_path(name: &str, zoneinfo: &Path) -> Option<PathBuf> {
    let plain = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-' | '+'));
    let inside = name.split('/').all(|part| !part.is_empty() && part != "..");
    (plain && inside).then(|| zoneinfo.join(name))
}

fn tzif(path: &Path) -> Option<TimeZone> {
    let data = crate::files::read_limited(path, MAX_TZIF).ok()?;
    TimeZone::tzif("local", &data).ok()
}

/// The offset from UTC of `zone` at `at` (Unix seconds), in seconds.
pub fn offset(zone: &TimeZone, at: i64) -> i64 {
    Timestamp::from_second(at).map_or(0, |t| i64::from(zone.to_offset(t).seconds()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2023-07-01 and 2023-01-01, 12:00 UTC.
    const SUMMER: i64 = 1_688_212_800;
    const WINTER: i64 = 1_672_574_400;

    #[test]
    fn a_posix_rule_gives_summer_and_winter_offsets() {
        let none = tempfile::tempdir().unwrap();
        let zone = from(Some("CET-1CEST,M3.5.0,M10.5.0/3"), none.path()).unwrap();
        assert_eq!(offset(&zone, SUMMER), 7_200);
        assert_eq!(offset(&zone, WINTER), 3_600);
        let utc = from(Some(":"), none.path()).unwrap();
        assert_eq!(offset(&utc, SUMMER), 0);
    }

    #[test]
    fn a_zone_name_is_read_from_the_zoneinfo_directory_and_cannot_leave_it() {
        let dir = tempfile::tempdir().unwrap();
        let zoneinfo = dir.path().join("zoneinfo");
        std::fs::create_dir_all(zoneinfo.join("Test")).unwrap();
        // A real TZif: the POSIX footer alone carries the rule (v2+ data
        // with no transitions, as a "slim" zic writes).
        std::fs::write(zoneinfo.join("Test/Plus3"), tzif_fixed("<+03>-3")).unwrap();
        let zone = from(Some("Test/Plus3"), &zoneinfo).unwrap();
        assert_eq!(offset(&zone, SUMMER), 3 * 3_600);
        // `..` is refused, and "../x" is no POSIX rule either.
        std::fs::write(dir.path().join("Plus3"), tzif_fixed("<+03>-3")).unwrap();
        assert!(from(Some("../Plus3"), &zoneinfo).is_none());
        // An absolute path is read as TZif; garbage there is no zone.
        let bad = dir.path().join("bad");
        std::fs::write(&bad, b"TZif2 not really").unwrap();
        assert!(from(Some(bad.to_str().unwrap()), &zoneinfo).is_none());
    }

    #[test]
    fn a_fifo_or_directory_as_the_zone_file_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        rustix::fs::mkfifoat(rustix::fs::CWD, &fifo, rustix::fs::Mode::RUSR).unwrap();
        // Returns at once (a blocking open would hang the test).
        assert!(from(Some(fifo.to_str().unwrap()), dir.path()).is_none());
        assert!(from(Some(dir.path().to_str().unwrap()), dir.path()).is_none());
    }

    /// A TZif v2 file with one time type and `footer` as its POSIX rule.
    fn tzif_fixed(footer: &str) -> Vec<u8> {
        fn header(out: &mut Vec<u8>) {
            out.extend(b"TZif2");
            out.extend([0; 15]);
            // isut, isstd, leap, time, type counts; 4 designation bytes.
            for count in [0u32, 0, 0, 0, 1, 4] {
                out.extend(count.to_be_bytes());
            }
        }
        fn body(out: &mut Vec<u8>) {
            out.extend(10_800i32.to_be_bytes());
            out.extend([0, 0]);
            out.extend(b"+03\0");
        }
        let mut out = Vec::new();
        header(&mut out);
        body(&mut out);
        header(&mut out);
        body(&mut out);
        out.push(b'\n');
        out.extend(footer.as_bytes());
        out.push(b'\n');
        out
    }
}
