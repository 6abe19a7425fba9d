"""The package as a user meets it: what `dir()` and `help()` show, and what the installed
distribution carries (version, licence files)."""

from __future__ import annotations

import importlib.metadata
import inspect

import plivo_phlo


def test_every_public_name_is_listed_by_dir() -> None:
    names = dir(plivo_phlo)
    for name in plivo_phlo.__all__:
        assert name in names, name
    # Listed before their first use (they are imported lazily).
    assert "RestClient" in names and "phlo" in names
    assert plivo_phlo.RestClient is plivo_phlo.phlo.RestClient


def test_help_shows_the_constructor_signature() -> None:
    sig = inspect.signature(plivo_phlo.Client)
    params = sig.parameters
    assert list(params)[:5] == ["auth_id", "auth_token", "base_url", "timeout", "max_retries"]
    for name in ("connect_timeout", "proxy", "ca_cert_pem"):
        assert params[name].kind is inspect.Parameter.KEYWORD_ONLY, name
    assert all(p.default is None for p in params.values())


def test_the_distribution_carries_its_version_and_licences() -> None:
    dist = importlib.metadata.distribution("plivo-phlo")
    assert dist.version == plivo_phlo.__version__
    files = {str(f) for f in dist.files or []}
    for lic in ("LICENSE-MIT", "LICENSE-APACHE"):
        assert any(f.endswith(lic) for f in files), (lic, sorted(files))
    meta = dist.metadata
    # The long description is the package's own README, whole: no link into the repository's
    # tree that PyPI could not follow.
    desc = meta.get_payload() or ""  # type: ignore[attr-defined]
    assert "pip install plivo-phlo" in desc
    assert "](docs/" not in desc and "](../" not in desc
