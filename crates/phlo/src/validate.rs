//! Checks on every input before anything is sent (section 6 of the API reference).
//!
//! Each check returns an `invalid_argument` [`Error`] that names the field and the reason.

use crate::error::{Error, Result};

/// Longest id accepted (real ids are 36-character UUIDs).
pub const MAX_ID_LEN: usize = 64;
/// Longest address, role or action accepted: the service rejects longer strings.
pub const MAX_FIELD_LEN: usize = 128;
/// Roles the service accepts for the party an action dials.
pub const ROLES: [&str; 3] = ["agent", "customer", "supervisor"];

/// An id (`phlo_id`, `node_id`, `run_id`): 1 to 64 characters of `[A-Za-z0-9-]`.
///
/// The UUID shape is not demanded, but nothing that could change the URL path gets through.
pub fn id<'a>(field: &str, value: &'a str) -> Result<&'a str> {
    if value.is_empty() {
        return Err(Error::invalid(field, "must not be empty"));
    }
    if value.len() > MAX_ID_LEN {
        return Err(Error::invalid(
            field,
            format_args!("longer than {MAX_ID_LEN} characters"),
        ));
    }
    // By byte (every allowed character is ASCII, and the first byte of any other character is
    // not): every call checks its ids, and this way it decodes no UTF-8 to do so.
    if let Some(i) = value
        .bytes()
        .position(|b| !(b.is_ascii_alphanumeric() || b == b'-'))
    {
        let c = value[i..].chars().next().unwrap_or_default();
        return Err(Error::invalid(
            field,
            format_args!("contains {c:?}; only letters, digits and '-' are allowed"),
        ));
    }
    Ok(value)
}

/// A phone number (`^\+?[0-9]{5,15}$`) or a SIP URI (`^sips?:[^@\s/?#]+@[^\s/?#]+$`), as used
/// by `to`, `trigger_source` and member addresses.
pub fn address<'a>(field: &str, value: &'a str) -> Result<&'a str> {
    if is_phone(value) || is_sip_uri(value) {
        if value.len() > MAX_FIELD_LEN {
            return Err(Error::invalid(
                field,
                format_args!("longer than {MAX_FIELD_LEN} characters"),
            ));
        }
        return Ok(value);
    }
    let reason = if value.is_empty() {
        "must not be empty"
    } else {
        "must be a phone number (5 to 15 digits, optional leading '+') or a SIP URI (sip:user@host)"
    };
    Err(Error::invalid(field, reason))
}

fn is_phone(s: &str) -> bool {
    let digits = s.strip_prefix('+').unwrap_or(s);
    (5..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
}

fn is_sip_uri(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("sip:").or_else(|| s.strip_prefix("sips:")) else {
        return false;
    };
    let Some((user, host)) = rest.split_once('@') else {
        return false;
    };
    let bad = |c: char| c.is_whitespace() || matches!(c, '/' | '?' | '#');
    !user.is_empty()
        && !host.is_empty()
        && !user.chars().any(bad)
        && !host.chars().any(|c| bad(c) || c == '@')
}

/// A role: one of [`ROLES`].
pub fn role<'a>(field: &str, value: &'a str) -> Result<&'a str> {
    if ROLES.contains(&value) {
        Ok(value)
    } else {
        Err(Error::invalid(
            field,
            "must be one of agent, customer, supervisor",
        ))
    }
}

/// An action name for the generic forms: non-empty `[a-z_]+`, at most 128 characters.
pub fn action<'a>(field: &str, value: &'a str) -> Result<&'a str> {
    if value.is_empty() {
        return Err(Error::invalid(field, "must not be empty"));
    }
    if value.len() > MAX_FIELD_LEN || !value.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
        return Err(Error::invalid(
            field,
            "must be lower-case letters and '_' (e.g. cold_transfer)",
        ));
    }
    Ok(value)
}

/// A Plivo auth id: 20 characters, `MA` or `SA` followed by 18 upper-case letters or digits.
pub fn auth_id(value: &str) -> Result<&str> {
    let ok = value.len() == 20
        && (value.starts_with("MA") || value.starts_with("SA"))
        && value
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    if ok {
        Ok(value)
    } else {
        Err(Error::invalid(
            "auth_id",
            "must be 20 characters: MA or SA followed by 18 upper-case letters or digits",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn an_id_error_names_the_first_character_not_allowed() {
        for (value, c) in [
            ("ab/cd", '/'),
            ("ab\u{e9}cd", '\u{e9}'),
            ("\u{2603}", '\u{2603}'),
            ("a b", ' '),
        ] {
            let e = id("node_id", value).unwrap_err();
            assert!(
                e.message().contains(&format!("contains {c:?}")),
                "{}",
                e.message()
            );
        }
        assert_eq!(id("node_id", "aB3-x").unwrap(), "aB3-x");
    }

    #[test]
    fn ids() {
        assert!(id("phlo_id", "3f8e6c4a-2b1d-4e7f-9a5c-8d0b1e2f3a4b").is_ok());
        for bad in [
            "",
            "a/b",
            "..",
            "a?b",
            "a#b",
            "a\nb",
            "a b",
            "é",
            &"a".repeat(65),
        ] {
            let e = id("phlo_id", bad).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidArgument);
            assert_eq!(e.field(), Some("phlo_id"), "{bad:?}");
        }
    }

    #[test]
    fn addresses() {
        for good in [
            "+14152223333",
            "14152223333",
            "12345",
            "sip:alice@example.com",
            "sips:bob@10.0.0.1:5061",
        ] {
            assert!(address("to", good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "+1234",
            "+1234567890123456",
            "alice",
            "sip:@x",
            "sip:a@",
            "sip:a@b/c",
            "sip:a b@c",
            "tel:+14152223333",
            "+1415a223333",
        ] {
            assert_eq!(address("to", bad).unwrap_err().field(), Some("to"), "{bad}");
        }
    }

    #[test]
    fn roles_actions_auth_ids() {
        assert!(role("role", "agent").is_ok());
        assert!(role("role", "Agent").is_err());
        assert!(action("action", "cold_transfer").is_ok());
        assert!(action("action", "Cold").is_err());
        assert!(action("action", "").is_err());
        assert!(auth_id("MAXXXXXXXXXXXXXXXXXX").is_ok());
        assert!(auth_id("SA0123456789ABCDEF01").is_ok());
        assert!(auth_id("XA0123456789ABCDEF01").is_err());
        assert!(auth_id("MA123").is_err());
    }
}
