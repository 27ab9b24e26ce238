//! Display formats: prices, Beijing time, stars.

use yc_domain::{Money, Timestamp};

/// "¥129" for whole yuan, "¥12.50" otherwise.
pub fn price(m: Money) -> String {
    let text = m.to_string();
    text.strip_suffix(".00").map_or(text.clone(), str::to_owned)
}

const BEIJING_OFFSET_MS: i64 = 8 * 3600 * 1000;

/// "2026-05-25 14:03" in China Standard Time (UTC+8, no DST).
pub fn datetime(ts: Timestamp) -> String {
    let ms = ts.millis().saturating_add(BEIJING_OFFSET_MS);
    let days = ms.div_euclid(86_400_000);
    let secs_of_day = ms.rem_euclid(86_400_000) / 1000;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}",
        secs_of_day / 3600,
        secs_of_day % 3600 / 60
    )
}

/// "2026-05-25"
pub fn date(ts: Timestamp) -> String {
    datetime(ts).chars().take(10).collect()
}

/// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// "14:59" for the time left to pay; "00:00" once passed.
pub fn countdown(ms: i64) -> String {
    let secs = ms.max(0) / 1000;
    format!("{:02}:{:02}", secs / 60, secs % 60)
}

/// "¥12.00": amounts of money that moved (refunds, claims) show the cents,
/// as a bank statement would.
pub fn money(m: Money) -> String {
    m.to_string()
}

/// "05-27 15:00" (Beijing time), for ETA windows where the year is noise.
pub fn short_datetime(ts: Timestamp) -> String {
    datetime(ts).chars().skip(5).collect()
}

/// "1天 23:59:59" / "1d 23:59:59" for after-sales deadlines; "00:00:00"
/// once passed. app.js keeps it ticking in the same format.
pub fn time_left(ms: i64, day_unit: &str) -> String {
    let secs = ms.max(0) / 1000;
    let days = secs / 86_400;
    let clock = format!(
        "{:02}:{:02}:{:02}",
        secs % 86_400 / 3600,
        secs % 3600 / 60,
        secs % 60
    );
    if days > 0 {
        format!("{days}{day_unit} {clock}")
    } else {
        clock
    }
}

/// "★★★★☆"
pub fn stars(rating: u8) -> String {
    let full = usize::from(rating.min(5));
    format!("{}{}", "★".repeat(full), "☆".repeat(5 - full))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(price(Money::cny(12900)), "¥129");
        assert_eq!(price(Money::cny(1250)), "¥12.50");
        assert_eq!(datetime(Timestamp(0)), "1970-01-01 08:00");
        assert_eq!(datetime(Timestamp(1_779_700_000_000)), "2026-05-25 17:06");
        assert_eq!(countdown(899_500), "14:59");
        assert_eq!(countdown(-5), "00:00");
        assert_eq!(stars(4), "★★★★☆");
        assert_eq!(money(Money::cny(1200)), "¥12.00");
        assert_eq!(short_datetime(Timestamp(0)), "01-01 08:00");
        assert_eq!(time_left(86_400_000 + 61_000, "天"), "1天 00:01:01");
        assert_eq!(time_left(59_000, "d"), "00:00:59");
        assert_eq!(time_left(-1, "d"), "00:00:00");
    }
}
