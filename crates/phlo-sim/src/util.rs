//! Small helpers: random UUIDs, percent-decoding, timestamps and address checks.

use std::cell::Cell;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::{SystemTime, UNIX_EPOCH};

thread_local! {
    static RNG: Cell<u64> = Cell::new(seed());
}

/// A per-thread seed: the standard library's random hasher keys mixed with the clock.
fn seed() -> u64 {
    let mut h = RandomState::new().build_hasher();
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    h.write_u64(nanos);
    h.finish()
}

/// SplitMix64: fast, well distributed, plenty for request ids (not for secrets).
fn next_u64(state: &Cell<u64>) -> u64 {
    let mut z = state.get().wrapping_add(0x9E37_79B9_7F4A_7C15);
    state.set(z);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A fresh random UUID version 4, lower-case canonical form (`8-4-4-4-12`).
pub(crate) fn uuid_v4() -> String {
    let (a, b) = RNG.with(|s| (next_u64(s), next_u64(s)));
    // Version 4 in the high nibble of byte 6, variant `10` in the top bits of byte 8.
    let a = (a & !0xF000) | 0x4000;
    let b = (b & !(0xC0 << 56)) | (0x80 << 56);
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xFFFF,
        a & 0xFFFF,
        b >> 48,
        b & 0xFFFF_FFFF_FFFF
    )
}

/// Percent-decodes one path segment. `+` stays `+`; malformed escapes are kept as written;
/// bytes that do not form UTF-8 are replaced with U+FFFD.
pub(crate) fn percent_decode(segment: &str) -> String {
    if !segment.contains('%') {
        return segment.to_owned();
    }
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// The current time as the service writes `created_on`: `YYYY-MM-DD HH:MM:SS.ffffff+00:00`.
pub(crate) fn now_timestamp() -> String {
    let d = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let secs = d.as_secs() as i64;
    let micros = d.subsec_micros();
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, day) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{day:02} {:02}:{:02}:{:02}.{micros:06}+00:00",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian (year, month, day); Howard Hinnant's algorithm.
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

/// True when `s` is a phone number (`^\+?[0-9]{5,15}$`) or a SIP URI
/// (`^sips?:[^@\s/?#]+@[^\s/?#]+$`).
pub(crate) fn is_address(s: &str) -> bool {
    is_phone(s) || is_sip(s)
}

fn is_phone(s: &str) -> bool {
    let digits = s.strip_prefix('+').unwrap_or(s);
    (5..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
}

fn is_sip(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("sips:").or_else(|| s.strip_prefix("sip:")) else {
        return false;
    };
    let Some((user, host)) = rest.split_once('@') else {
        return false;
    };
    let ok = |c: char| !(c.is_whitespace() || c == '/' || c == '?' || c == '#');
    !user.is_empty() && !host.is_empty() && user.chars().all(ok) && host.chars().all(ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_shape() {
        for _ in 0..100 {
            let u = uuid_v4();
            assert_eq!(u.len(), 36);
            let b = u.as_bytes();
            assert_eq!(b[14], b'4');
            assert!(matches!(b[19], b'8' | b'9' | b'a' | b'b'));
            assert!(u
                .chars()
                .all(|c| c == '-' || c.is_ascii_digit() || ('a'..='f').contains(&c)));
        }
        assert_ne!(uuid_v4(), uuid_v4());
    }

    #[test]
    fn decode() {
        assert_eq!(
            percent_decode("sip%3Aalice%40example.com"),
            "sip:alice@example.com"
        );
        assert_eq!(percent_decode("+1415"), "+1415");
        assert_eq!(percent_decode("%2B1415"), "+1415");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%4"), "%4");
        assert_eq!(percent_decode("%zz"), "%zz");
    }

    #[test]
    fn addresses() {
        assert!(is_address("+14152223333"));
        assert!(is_address("12345"));
        assert!(!is_address("1234"));
        assert!(!is_address("+1234567890123456"));
        assert!(is_address("sip:alice@example.com"));
        assert!(is_address("sips:alice@example.com"));
        assert!(!is_address("sip:@example.com"));
        assert!(!is_address("sip:alice@"));
        assert!(!is_address("sip:alice@exa mple.com"));
        assert!(!is_address("alice@example.com"));
    }

    #[test]
    fn civil() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_857), (2024, 5, 14));
        let ts = now_timestamp();
        assert_eq!(ts.len(), "2024-05-14 09:31:07.114209+00:00".len());
    }
}
