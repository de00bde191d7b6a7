"""SOCIALHUB_OIDC_PROVIDERS / SOCIALHUB_AUTH parsing: files, inline JSON, secrets from env, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from services import oidc_config
from services.config import ConfigError, reset_settings


@pytest.fixture(autouse=True)
def _fresh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SOCIALHUB_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SOCIALHUB_SECRET_KEY", "x" * 40)
    monkeypatch.delenv("SOCIALHUB_AUTH", raising=False)
    reset_settings()
    yield
    reset_settings()


def _use(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("SOCIALHUB_OIDC_PROVIDERS", value)
    reset_settings()


def test_toml_file_with_the_secret_in_its_own_variable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "oidc.toml"
    path.write_text('[[providers]]\nid = "corp"\nname = "Corp SSO"\nissuer = "https://sso.corp.example/"\n'
                    'client_id = "socialhub"\nallowed_domains = ["@Corp.example"]\n'
                    'role_claim = "groups"\nrole_workspace = 2\nrole_map = { "sh-admins" = "admin" }\n')
    monkeypatch.setenv("SOCIALHUB_OIDC_CORP_CLIENT_SECRET", "from-env")
    _use(monkeypatch, str(path))
    (p,) = oidc_config.providers()
    assert (p.id, p.name, p.issuer, p.client_secret) == ("corp", "Corp SSO", "https://sso.corp.example", "from-env")
    assert p.email_allowed("a@corp.example") and not p.email_allowed("a@corp.example.evil")
    assert p.role_map == (("sh-admins", "admin"),) and p.role_workspace == 2
    assert oidc_config.buttons() == [{"id": "corp", "name": "Corp SSO", "href": "/auth/oidc/corp/start"}]
    assert not oidc_config.oidc_only()
    monkeypatch.setenv("SOCIALHUB_AUTH", "oidc_only")
    reset_settings()
    assert oidc_config.oidc_only()


def test_oidc_only_stays_on_with_a_broken_provider_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """A typo in the file must not quietly turn passwords back on; the page just shows no buttons."""
    monkeypatch.setenv("SOCIALHUB_AUTH", "oidc_only")
    _use(monkeypatch, "/nonexistent/oidc.json")
    assert oidc_config.oidc_only() and oidc_config.buttons() == []


@pytest.mark.parametrize(("value", "message"), [
    ('[{"id": "Bad Id", "name": "x", "issuer": "https://x", "client_id": "c", "client_secret": "s"}]', "slug"),
    ('[{"id": "a", "name": "x", "issuer": "https://x", "client_id": "c"}]', "client_secret"),
    ('[{"id": "a", "name": "x", "issuer": "ftp://x", "client_id": "c", "client_secret": "s"}]', "http"),
    ('[{"id": "a", "name": "x", "issuer": "https://x", "client_id": "c", "client_secret": "s",'
     ' "role_map": {"g": "owner"}}]', "role_map"),
    ('{"providers": [{"id": "a", "name": "x", "issuer": "https://x", "client_id": "c", "client_secret": "s"},'
     ' {"id": "a", "name": "y", "issuer": "https://y", "client_id": "c", "client_secret": "s"}]}', "unique"),
    ("/nonexistent/oidc.json", "could not be read"),
])
def test_broken_settings_name_the_variable(monkeypatch: pytest.MonkeyPatch, value: str, message: str) -> None:
    _use(monkeypatch, value)
    with pytest.raises(ConfigError, match=message):
        oidc_config.providers()


def test_unknown_auth_mode_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOCIALHUB_AUTH", "saml")
    reset_settings()
    from services.config import get_settings

    with pytest.raises(ConfigError, match="SOCIALHUB_AUTH"):
        get_settings()


def test_the_guard_trusts_only_the_issuers_own_host_and_port(monkeypatch: pytest.MonkeyPatch) -> None:
    from services.oidc import _policy
    from services.security.net_guard import DestinationRefused

    monkeypatch.delenv("SOCIALHUB_ALLOW_PRIVATE_HOSTS", raising=False)
    _use(monkeypatch, '[{"id": "corp", "name": "Corp", "issuer": "http://127.0.0.1:8443", "client_id": "c",'
                      ' "client_secret": "s"}]')
    policy = _policy(oidc_config.provider("corp"))
    assert policy.check("127.0.0.1", 8443) == ["127.0.0.1"]
    with pytest.raises(DestinationRefused):
        policy.check("127.0.0.1", 5432)  # the database next door stays out of reach
    with pytest.raises(DestinationRefused):
        policy.check("169.254.169.254", 80)
