"""Shared fixtures: one in-process simulator for the session, reset before every test; and the
figures the reliability tests report (printed at the end of the run, for the README)."""

from __future__ import annotations

import socket
from typing import Dict, Iterator

import pytest

import plivo_phlo

P = plivo_phlo.Simulator.DEMO_PHLO_ID
N = plivo_phlo.Simulator.DEMO_MPC_NODE_ID
C = plivo_phlo.Simulator.DEMO_BRIDGE_NODE_ID
AGENT = "+14152223333"
CUSTOMER = "+14153336666"


@pytest.fixture(scope="session")
def _session_sim() -> Iterator[plivo_phlo.Simulator]:
    with plivo_phlo.Simulator() as sim:
        yield sim


@pytest.fixture
def sim(_session_sim: plivo_phlo.Simulator) -> plivo_phlo.Simulator:
    _session_sim.reset()
    return _session_sim


@pytest.fixture
def client(sim: plivo_phlo.Simulator) -> Iterator[plivo_phlo.Client]:
    with sim.client() as c:
        yield c


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never see the developer's real credentials or base URL."""
    for var in ("PLIVO_AUTH_ID", "PLIVO_AUTH_TOKEN", "PLIVO_PHLO_BASE_URL"):
        monkeypatch.delenv(var, raising=False)


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port: int = s.getsockname()[1]
    s.close()
    return port


def members(sim: plivo_phlo.Simulator, node_id: str) -> dict[str, str]:
    """address -> state of a node's members."""
    node = sim.node(node_id)
    assert node is not None
    return {a: m["state"] for a, m in node["members"].items()}


#: Figures the reliability tests record (name -> text), printed after the run's summary. A test
#: writes here; its report carries them (as user properties) to the process that prints them,
#: which is another one when pytest-xdist runs the tests in workers.
FIGURES: Dict[str, str] = {}
_REPORTED: Dict[str, str] = {}
_KEY = "reliability figure: "


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    for name, text in FIGURES.items():
        report.user_properties.append((_KEY + name, text))
    FIGURES.clear()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    for key, value in report.user_properties:
        if isinstance(key, str) and key.startswith(_KEY):
            _REPORTED[key[len(_KEY) :]] = str(value)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _REPORTED:
        terminalreporter.section("reliability figures")
        for name in sorted(_REPORTED):
            terminalreporter.write_line(f"{name}: {_REPORTED[name]}")
