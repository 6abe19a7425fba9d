"""What the service answers, taken as it is: a 2xx with no body is a success on every path of
the typed client (fields empty, status kept, sent once), and ``validation="service"`` sends what
the strict checks would refuse but the service may accept."""

from __future__ import annotations

import pytest

import plivo_phlo
from plivo_phlo import exceptions as E
from conftest import AGENT, CUSTOMER, N, P, members

ODD_MEMBER = "656432-xxxxx-xxxxx-xxxxx"


@pytest.mark.parametrize("status", [200, 201, 202])
def test_an_action_answered_with_no_body(sim: plivo_phlo.Simulator, status: int) -> None:
    with sim.client() as client:  # retries allowed: the empty answer must not be retried
        sim.fault("raw_body", status=status, body="")
        r = client.mpc_member_hold(P, N, CUSTOMER)
        assert (r.status, r.api_id, r.error, r.text, r.json(), r.extra) == (status, "", "", "", {}, {})
        assert members(sim, N)[CUSTOMER] == "on_hold", "carried out"
        sim.fault("raw_body", status=status, body=" \r\n")
        r2 = client.call("mpc_member_unhold", phlo_id=P, node_id=N, member_id=CUSTOMER)
        assert (r2.status, r2.text, r2.json(), r2.extra) == (status, "", {}, {})
    assert len(sim.requests()) == 2, "each sent once"


def test_reads_and_runs_answered_with_no_body(sim: plivo_phlo.Simulator, client: plivo_phlo.Client) -> None:
    sim.fault("raw_body", status=200, body="")
    p = client.get_phlo(P)
    assert (p.status, p.phlo_id, p.name, p.text) == (200, "", "", "")
    sim.fault("raw_body", status=201, body="")
    run = client.run_phlo(P, {"from": CUSTOMER, "to": AGENT})
    assert (run.status, run.run_id, run.phlo_run_id, run.message) == (201, "", None, "")
    sim.fault("raw_body", status=200, body="")
    node = client.get_multi_party_call(P, N)
    assert (node.node_id, node.node_type) == ("", "")
    # A body that is not a JSON object is still not an answer.
    sim.fault("raw_body", status=200, body="null")
    with pytest.raises(E.DecodeError):
        client.get_phlo(P)


def test_validation_strict_is_the_default(sim: plivo_phlo.Simulator, client: plivo_phlo.Client) -> None:
    with pytest.raises(E.InvalidArgumentError) as info:
        client.mpc_member_hold(P, N, ODD_MEMBER)
    assert info.value.field == "member_id"
    assert sim.requests() == []


def test_validation_service_lets_the_service_answer(sim: plivo_phlo.Simulator) -> None:
    with plivo_phlo.Client(sim.auth_id, sim.auth_token, sim.base_url, validation="service") as c:
        with pytest.raises(E.NotFoundError) as info:
            c.mpc_member_hold(P, N, ODD_MEMBER)
        assert info.value.status == 404
        with pytest.raises(E.BadRequestError) as bad:
            c.mpc_call(P, N, AGENT, "+14152225555", "Agent")
        assert bad.value.message == "Invalid value provided for role."
        with pytest.raises(E.InvalidArgumentError) as refused:
            c.get_phlo("../x")
        assert refused.value.field == "phlo_id"
        assert c.mpc_member_mute(P, N, CUSTOMER).status == 201
    assert [r["path"] for r in sim.requests()] == [
        f"/v1/phlo/{P}/multi_party_call/{N}/members/{ODD_MEMBER}",
        f"/v1/phlo/{P}/multi_party_call/{N}",
        f"/v1/phlo/{P}/multi_party_call/{N}/members/{CUSTOMER}",
    ]
    with pytest.raises(E.InvalidArgumentError) as info:
        plivo_phlo.Client(sim.auth_id, sim.auth_token, sim.base_url, validation="lenient")
    assert info.value.field == "validation"
