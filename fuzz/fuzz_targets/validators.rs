//! The checks made before anything is sent, on arbitrary strings: `validate::id`, `address`,
//! `role`, `action`, `auth_id`, member paths built with `ops::push_segment`, and the base URL a
//! configuration accepts.
//!
//! Properties: nothing panics; a rejection is `invalid_argument` naming the field; whatever `id`
//! accepts is 1-64 characters of `[A-Za-z0-9-]`, so holds no `/`, `?`, `#`, control character
//! and is no dot segment; a segment written by `push_segment` never holds `/`, `?`, `#`, `%`
//! other than as an escape, or anything outside RFC 3986 `pchar`, and percent-decodes back to the
//! input; a member path built for an accepted address is kept exactly by the URL parser; an
//! accepted base URL is http(s), with a host, no credentials, query, fragment or trailing `/`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use plivo_phlo::ops::push_segment;
use plivo_phlo::{validate, Config, Error, ErrorKind, NodeType, Operation};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };

    match validate::id("phlo_id", s) {
        Ok(v) => {
            assert_eq!(v, s);
            assert!((1..=validate::MAX_ID_LEN).contains(&v.len()));
            assert!(
                v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'),
                "{v:?}"
            );
            assert!(!v.contains(['/', '?', '#', '%', '.']) && !v.chars().any(char::is_control));
        }
        Err(e) => invalid(&e, "phlo_id"),
    }

    match validate::address("to", s) {
        Ok(v) => {
            assert!(!v.is_empty() && v.len() <= validate::MAX_FIELD_LEN);
            assert!(!v.contains(['/', '?', '#']) && !v.chars().any(char::is_whitespace));
            member_path(v);
        }
        Err(e) => invalid(&e, "to"),
    }

    match validate::role("role", s) {
        Ok(v) => assert!(validate::ROLES.contains(&v)),
        Err(e) => invalid(&e, "role"),
    }
    match validate::action("action", s) {
        Ok(v) => assert!(
            !v.is_empty()
                && v.len() <= validate::MAX_FIELD_LEN
                && v.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
        ),
        Err(e) => invalid(&e, "action"),
    }
    match validate::auth_id(s) {
        Ok(v) => assert!(v.len() == 20 && (v.starts_with("MA") || v.starts_with("SA"))),
        Err(e) => invalid(&e, "auth_id"),
    }

    // Any string at all as one path segment.
    let mut seg = String::new();
    push_segment(&mut seg, s);
    assert!(!seg.contains(['/', '?', '#', ' ']), "{seg:?}");
    assert!(
        seg.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@%".contains(&b)),
        "{seg:?}"
    );
    assert_eq!(percent_decode(&seg), s.as_bytes(), "{s:?} -> {seg:?}");

    // The base URL a configuration accepts.
    let built = Config::builder()
        .auth_id("MAXXXXXXXXXXXXXXXXXX")
        .auth_token("token123")
        .base_url(s)
        .build();
    match built {
        Ok(c) => {
            let b = c.base_url();
            let u = url::Url::parse(b).unwrap_or_else(|e| panic!("{b:?}: {e}"));
            assert!(matches!(u.scheme(), "http" | "https"), "{b:?}");
            assert!(u.host_str().is_some_and(|h| !h.is_empty()), "{b:?}");
            assert!(u.username().is_empty() && u.password().is_none(), "{b:?}");
            assert!(u.query().is_none() && u.fragment().is_none(), "{b:?}");
            assert!(!b.ends_with('/') && !b.ends_with("/v1"), "{b:?}");
        }
        Err(e) => invalid(&e, "base_url"),
    }
});

fn invalid(e: &Error, field: &str) {
    assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{e:?}");
    assert_eq!(e.field(), Some(field), "{e:?}");
    assert!(e.message().starts_with(field), "{e:?}");
}

/// The member path for an accepted address: kept exactly by the URL parser, and its last segment
/// decodes back to the address.
fn member_path(addr: &str) {
    let op = Operation::MemberAction {
        phlo_id: "3f8e6c4a-2b1d-4e7f-9a5c-8d0b1e2f3a4b".into(),
        node_type: NodeType::MultiPartyCall,
        node_id: "b1d2c3e4-5f60-4a7b-8c9d-0e1f2a3b4c5d".into(),
        member_id: addr.into(),
        action: "hold".into(),
    };
    let req = op
        .request("MAXXXXXXXXXXXXXXXXXX")
        .expect("an accepted address builds");
    let url = url::Url::parse(&format!("http://127.0.0.1{}", req.path)).unwrap();
    assert_eq!(url.path(), req.path, "the URL parser rewrote the path");
    assert!(url.query().is_none() && url.fragment().is_none());
    let last = req.path.rsplit('/').next().unwrap();
    assert_eq!(percent_decode(last), addr.as_bytes());
    assert!(last != "." && last != "..");
}

/// Percent-decoding as a server does it (`+` stays `+`); malformed escapes stay as they are.
fn percent_decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = |c: u8| (c as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    out
}
