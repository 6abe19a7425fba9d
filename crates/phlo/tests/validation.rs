//! The `validation` setting: strict (the default) refuses what section 6 of the API reference
//! rules out before anything is sent; `service` sends whatever the URL can carry and lets the
//! service answer, as the official SDKs do.

mod common;
use common::*;

use plivo_phlo::{Client, Config, ErrorKind, Validation};

fn client(sim: &phlo_sim::Simulator, validation: Validation) -> Client {
    Client::new(
        Config::builder()
            .auth_id(phlo_sim::DEFAULT_AUTH_ID)
            .auth_token(phlo_sim::DEFAULT_AUTH_TOKEN)
            .base_url(sim.base_url())
            .retry(fast_retry())
            .validation(validation)
            .build()
            .unwrap(),
    )
    .unwrap()
}

/// A member id of the shape the official SDK's own tests send.
const ODD_MEMBER: &str = "656432-xxxxx-xxxxx-xxxxx";

#[test]
fn strict_is_the_default_and_refuses_before_sending() {
    let sim = phlo_sim::Simulator::start().unwrap();
    let c = client(&sim, Validation::Strict);
    assert_eq!(c.config().validation(), Validation::Strict);
    assert_eq!(client_for(&sim).config().validation(), Validation::Strict);
    let e = c.mpc_member_hold(P, N, ODD_MEMBER).unwrap_err();
    assert_eq!(
        (e.kind(), e.field()),
        (ErrorKind::InvalidArgument, Some("member_id"))
    );
    let e = c.mpc_call(P, N, AGENT, NEW_AGENT, "Agent").unwrap_err();
    assert_eq!(e.field(), Some("role"));
    assert_eq!(total(&sim), 0);
}

#[test]
fn service_sends_what_the_service_may_accept_and_reports_its_answer() {
    let sim = phlo_sim::Simulator::start().unwrap();
    let c = client(&sim, Validation::Service);
    // Not a member: the service's 404, as the official SDK gets.
    let e = c.mpc_member_hold(P, N, ODD_MEMBER).unwrap_err();
    assert_eq!((e.kind(), e.status()), (ErrorKind::NotFound, Some(404)));
    assert_eq!(
        last_request(&sim)["path"],
        format!("/v1/phlo/{P}/multi_party_call/{N}/members/{ODD_MEMBER}")
    );
    // An id the strict checks refuse goes out percent-encoded, and the service says 404.
    let e = c.get_phlo("not a uuid?").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert_eq!(last_request(&sim)["path"], "/v1/phlo/not%20a%20uuid%3F");
    // A role the service does not take: its 400.
    let e = c.mpc_call(P, N, AGENT, NEW_AGENT, "Agent").unwrap_err();
    assert_eq!((e.kind(), e.status()), (ErrorKind::BadRequest, Some(400)));
    assert_eq!(e.message(), "Invalid value provided for role.");
    assert_eq!(total(&sim), 3);
    // Valid input works as under strict.
    c.mpc_member_hold(P, N, CUSTOMER).unwrap();
    assert_eq!(member_state(&sim, N, CUSTOMER).as_deref(), Some("on_hold"));
    assert_eq!(
        c.get_phlo(P).unwrap().phlo_id,
        P,
        "the same path as under strict"
    );
    assert_eq!(last_request(&sim)["path"], format!("/v1/phlo/{P}"));
}

#[test]
fn service_still_refuses_what_is_unsafe_or_certainly_invalid() {
    let sim = phlo_sim::Simulator::start().unwrap();
    let c = client(&sim, Validation::Service);
    for (e, field) in [
        (c.get_phlo("../x").unwrap_err(), "phlo_id"),
        (c.get_phlo("..").unwrap_err(), "phlo_id"),
        (c.get_phlo("").unwrap_err(), "phlo_id"),
        (c.get_multi_party_call(P, "a/b").unwrap_err(), "node_id"),
        (c.mpc_member_hold(P, N, "a\nb").unwrap_err(), "member_id"),
        (
            c.mpc_cold_transfer(P, N, AGENT, "", None).unwrap_err(),
            "to",
        ),
        (
            c.node_action(P, N, "call", AGENT, NEW_AGENT, None)
                .unwrap_err(),
            "role",
        ),
    ] {
        assert_eq!(
            (e.kind(), e.field()),
            (ErrorKind::InvalidArgument, Some(field)),
            "{e}"
        );
    }
    assert_eq!(total(&sim), 0, "nothing was sent");
}
