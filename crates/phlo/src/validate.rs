//! Checks on every input before anything is sent (section 6 of the API reference).
//!
//! Each check returns an `invalid_argument` [`Error`] that names the field and the reason. How
//! much is checked is the client's [`Validation`] setting: the strict checks below by default, or
//! under [`Validation::Service`] only what would be unsafe in the URL or is certainly invalid
//! (the [`Checks`] of an operation pick between the two).

use crate::error::{Error, Result};

/// Longest id accepted (real ids are 36-character UUIDs).
pub const MAX_ID_LEN: usize = 64;
/// Longest address, role or action accepted: the service rejects longer strings.
pub const MAX_FIELD_LEN: usize = 128;
/// Roles the service accepts for the party an action dials.
pub const ROLES: [&str; 3] = ["agent", "customer", "supervisor"];
/// Longest path segment (id or member address) sent under [`Validation::Service`], in bytes: a
/// segment is percent-encoded to at most three times its length, and three of them must keep the
/// URL well under the 8 KiB that servers and proxies commonly accept.
pub const MAX_SEGMENT_LEN: usize = 512;

/// How much of an operation's arguments the client checks before sending it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Validation {
    /// Section 6 of the API reference (the default): ids are 1 to 64 characters of
    /// `[A-Za-z0-9-]`, addresses phone numbers or SIP URIs, roles one of [`ROLES`], actions
    /// `[a-z_]+`. A mistake is a typed `invalid_argument` error and nothing is sent.
    #[default]
    Strict,
    /// Only what is unsafe in a URL or certainly invalid is refused, and the service answers the
    /// rest, as it does for the official SDKs (which check almost nothing): an id or member
    /// address that is empty, `.` or `..`, holds a `/` or a control character, or is longer than
    /// [`MAX_SEGMENT_LEN`] bytes; a body field that is empty or holds a control character; a
    /// node type other than the two; a `call` without a role. Anything else goes into the path
    /// percent-encoded where RFC 3986 requires it (so `656432-xxxxx-xxxxx` and `a b` are sent
    /// and answered by the service, typically 404 or 400).
    Service,
}

impl Validation {
    /// Every setting's name, as the option table lists them.
    pub const NAMES: [&'static str; 2] = ["strict", "service"];

    /// The setting's name: `strict` or `service`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Validation::Strict => "strict",
            Validation::Service => "service",
        }
    }

    /// Parses `strict` or `service` (the bindings' option values); anything else is
    /// `invalid_argument` naming `validation`.
    pub fn parse(s: &str) -> Result<Validation> {
        match s {
            "strict" => Ok(Validation::Strict),
            "service" => Ok(Validation::Service),
            _ => Err(Error::invalid(
                "validation",
                "must be \"strict\" or \"service\"",
            )),
        }
    }
}

/// The checks one operation's arguments go through, as its client's [`Validation`] says; the
/// same function for each kind of argument whichever the setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Checks(pub Validation);

impl Checks {
    /// An id that goes into the path ([`id`], or [`segment`] under [`Validation::Service`]).
    pub fn id<'a>(self, field: &str, value: &'a str) -> Result<&'a str> {
        match self.0 {
            Validation::Strict => id(field, value),
            Validation::Service => segment(field, value),
        }
    }

    /// A member address that goes into the path ([`address`], or [`segment`]).
    pub fn member<'a>(self, field: &str, value: &'a str) -> Result<&'a str> {
        match self.0 {
            Validation::Strict => address(field, value),
            Validation::Service => segment(field, value),
        }
    }

    /// An address sent in the body, `to` or `trigger_source` ([`address`], or [`text`]).
    pub fn address<'a>(self, field: &str, value: &'a str) -> Result<&'a str> {
        match self.0 {
            Validation::Strict => address(field, value),
            Validation::Service => text(field, value),
        }
    }

    /// A role ([`role`], or [`text`]).
    pub fn role<'a>(self, field: &str, value: &'a str) -> Result<&'a str> {
        match self.0 {
            Validation::Strict => role(field, value),
            Validation::Service => text(field, value),
        }
    }

    /// An action of the generic forms ([`action`], or [`text`]).
    pub fn action<'a>(self, field: &str, value: &'a str) -> Result<&'a str> {
        match self.0 {
            Validation::Strict => action(field, value),
            Validation::Service => text(field, value),
        }
    }

    /// Appends a checked path segment: as it is under [`Validation::Strict`] (whose ids and
    /// addresses hold only characters that need no escaping), percent-encoded by
    /// [`crate::ops::push_segment`] under [`Validation::Service`].
    pub fn push_segment(self, path: &mut String, segment: &str) {
        match self.0 {
            Validation::Strict => path.push_str(segment),
            Validation::Service => crate::ops::push_segment(path, segment),
        }
    }
}

/// A path segment under [`Validation::Service`]: anything the URL can carry once percent-encoded,
/// except what would change the path or cannot be meant: empty, `.` or `..` (URL parsers fold
/// them away), a `/` (servers and proxies may decode `%2F` back into a separator), a control
/// character, or more than [`MAX_SEGMENT_LEN`] bytes.
pub fn segment<'a>(field: &str, value: &'a str) -> Result<&'a str> {
    let value = text(field, value)?;
    if value == "." || value == ".." {
        return Err(Error::invalid(
            field,
            "must not be '.' or '..' (it would change the URL path)",
        ));
    }
    if value.contains('/') {
        return Err(Error::invalid(
            field,
            "must not contain '/' (it would change the URL path)",
        ));
    }
    if value.len() > MAX_SEGMENT_LEN {
        return Err(Error::invalid(
            field,
            format_args!("longer than {MAX_SEGMENT_LEN} bytes"),
        ));
    }
    Ok(value)
}

/// A string field under [`Validation::Service`]: anything but empty (the service requires every
/// field given) or a control character (in no id, address, role or action).
pub fn text<'a>(field: &str, value: &'a str) -> Result<&'a str> {
    if value.is_empty() {
        return Err(Error::invalid(field, "must not be empty"));
    }
    if value.chars().any(char::is_control) {
        return Err(Error::invalid(field, "contains a control character"));
    }
    Ok(value)
}

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
    fn service_validation_refuses_only_what_is_unsafe_or_empty() {
        let service = Checks(Validation::Service);
        for good in [
            "656432-xxxxx-xxxxx-xxxxx",
            "a b",
            "sip:alice@example.com;transport=tcp",
            "%2e%2e",
            "...",
            "a?b#c",
            "\u{e9}",
        ] {
            assert_eq!(service.id("phlo_id", good).unwrap(), good);
            assert_eq!(service.member("member_id", good).unwrap(), good);
            let strict = Checks::default();
            assert!(
                strict.id("phlo_id", good).is_err() || strict.member("member_id", good).is_err(),
                "strict refuses {good:?}"
            );
        }
        for bad in [
            "",
            ".",
            "..",
            "a/b",
            "/",
            "a\nb",
            "\u{7f}",
            &"a".repeat(513),
        ] {
            let e = service.id("node_id", bad).unwrap_err();
            assert_eq!(e.field(), Some("node_id"), "{bad:?}");
        }
        assert!(service.id("node_id", &"a".repeat(512)).is_ok());
        for field in ["to", "role", "action"] {
            assert!(service.address(field, "Agent Smith").is_ok());
            assert!(service.role(field, "Agent").is_ok());
            assert!(service.action(field, "Hold").is_ok());
            assert_eq!(service.action(field, "").unwrap_err().field(), Some(field));
            assert_eq!(
                service.role(field, "a\u{0}").unwrap_err().field(),
                Some(field)
            );
        }
        let strict = Checks::default();
        assert!(strict.role("role", "Agent").is_err());
        assert!(strict
            .member("member_id", "656432-xxxxx-xxxxx-xxxxx")
            .is_err());
        let mut path = String::new();
        service.push_segment(&mut path, "a b/");
        strict.push_segment(&mut path, "+1415");
        assert_eq!(path, "a%20b%2F+1415");
        assert_eq!(Validation::parse("service").unwrap(), Validation::Service);
        assert_eq!(Validation::parse("strict").unwrap().as_str(), "strict");
        assert_eq!(
            Validation::parse("lenient").unwrap_err().field(),
            Some("validation")
        );
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
