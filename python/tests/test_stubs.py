"""The type stubs: checked against the built module by mypy's stubtest, shipped with py.typed,
and used by mypy on user code (a wrong call is caught)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import plivo_phlo

PACKAGE_DIR = Path(plivo_phlo.__file__).parent


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, MYPY_FORCE_COLOR="0")
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def test_stub_files_are_installed() -> None:
    for name in ("py.typed", "_native.pyi", "__init__.py", "exceptions.py", "phlo.py"):
        assert (PACKAGE_DIR / name).is_file(), name


def test_stubtest(tmp_path: Path) -> None:
    allowlist = Path(__file__).with_name("stubtest-allowlist.txt")
    r = run(
        ["-m", "mypy.stubtest", "plivo_phlo", "--allowlist", str(allowlist), "--ignore-unused-allowlist"],
        tmp_path,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Success: no issues found in 4 modules" in r.stdout


def test_mypy_uses_the_stubs(tmp_path: Path) -> None:
    good = tmp_path / "good.py"
    good.write_text(textwrap.dedent("""
        import asyncio
        from typing import Optional

        import plivo_phlo
        from plivo_phlo import phlo

        def transfer(client: plivo_phlo.Client) -> str:
            r = client.mpc_cold_transfer("p", "n", trigger_source="+14152223333", to="+14152225555")
            status: int = r.status
            return r.api_id + str(status)

        def legacy(rest: phlo.RestClient) -> Optional[str]:
            # As the official SDK, a read or action answered 2xx with no body returns None.
            p = rest.phlo.get("p")
            mpc = p.multi_party_call("n") if p is not None else None
            r = mpc.member("+14153336666").hold() if mpc is not None else None
            return None if r is None else str(r.api_id)

        try:
            plivo_phlo.Client()
        except plivo_phlo.PhloError as e:
            kind: str = e.kind

        async def hold(sim: plivo_phlo.Simulator) -> str:
            async with sim.async_client(max_in_flight=10) as client:
                r = await client.mpc_member_hold("p", "n", "+14153336666")
                runs = await asyncio.gather(client.run_phlo("p", {"seq": 1}), client.get_phlo("p"))
                return r.error + runs[0].run_id + runs[1].name
    """))
    r = run(["-m", "mypy", "--strict", "--no-incremental", str(good)], tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    bad = tmp_path / "bad.py"
    bad.write_text(textwrap.dedent("""
        import plivo_phlo
        client = plivo_phlo.Client()
        client.get_phlo(123)
        client.mpc_call("p", "n", "+1", "+2")
        name: int = client.get_phlo("p").name

        async def forgot_await(c: plivo_phlo.AsyncClient) -> str:
            return c.get_phlo("p").name
    """))
    r = run(["-m", "mypy", "--strict", "--no-incremental", str(bad)], tmp_path)
    assert r.returncode == 1
    assert 'Argument 1 to "get_phlo" of "Client" has incompatible type "int"' in r.stdout
    assert 'Missing positional argument "role"' in r.stdout
    assert "Incompatible types in assignment" in r.stdout
    assert '"Coroutine[Any, Any, Phlo]" has no attribute "name"' in r.stdout


def test_package_and_example_pass_mypy_strict(tmp_path: Path) -> None:
    examples = Path(__file__).resolve().parents[2] / "examples" / "python"
    for target in (["-p", "plivo_phlo"], [str(examples / "cold_transfer.py")], [str(examples / "async_transfer.py")]):
        r = run(["-m", "mypy", "--strict", "--no-incremental", *target], tmp_path)
        assert r.returncode == 0, r.stdout + r.stderr
