"""TOTP 2FA: enrol, confirm, ±1 step drift, no reuse, recovery codes once, disable with password + code."""

from __future__ import annotations

import time

import pyotp
import pytest
from sqlalchemy import text
from sqlmodel import select

from services import auth, signin, two_factor
from services.db import get_engine, session_scope
from services.models import RecoveryCode, TotpCredential
from services.permissions import PermissionDenied
from services.security import totp

PW = "a strong password"


def _secret(enrolment: totp.Enrolment) -> str:
    return enrolment.secret.replace(" ", "")


def _enrolled_user() -> tuple[int, str, list[str]]:
    user_id = auth.register_user("ann@example.com", "Ann", PW)
    enrolment = two_factor.start(user_id)
    assert enrolment.qr_data_uri.startswith("data:image/svg+xml")
    assert "otpauth://totp/SocialHub:ann%40example.com" in enrolment.otpauth_uri
    secret = _secret(enrolment)
    codes = two_factor.confirm(user_id, pyotp.TOTP(secret).now(), organization_id=1)
    return user_id, secret, codes


def test_enrol_confirm_and_sign_in_requires_a_code(db: str) -> None:
    user_id, secret, codes = _enrolled_user()
    assert len(codes) == 10 and len(set(codes)) == 10
    with pytest.raises(auth.SecondFactorRequired):
        auth.login("ann@example.com", PW)
    step = signin.start("ann@example.com", PW)
    assert step.challenge and not step.grant
    with pytest.raises(auth.AuthError, match="not right"):
        signin.second_factor(step.challenge, "000000" if pyotp.TOTP(secret).now() != "000000" else "111111")
    # the code used at confirmation is refused (same window); the next step's code is accepted
    next_code = pyotp.TOTP(secret).at(time.time() + 30)
    done = signin.second_factor(step.challenge, next_code)
    assert auth.resolve_session(signin.exchange(done.grant)).user_id == user_id


def test_codes_are_never_accepted_twice_and_drift_is_one_step(db: str) -> None:
    user_id, secret, _ = _enrolled_user()
    now = time.time() + 120  # well after the confirmation step
    code = pyotp.TOTP(secret).at(now)
    with session_scope() as s:
        assert totp.verify_second_factor(s, user_id, code, now=now) == "totp"
    with session_scope() as s, pytest.raises(totp.TotpError, match="already used"):
        totp.verify_second_factor(s, user_id, code, now=now)
    later = now + 300
    with session_scope() as s:  # one step behind is fine (clock drift)
        assert totp.verify_second_factor(s, user_id, pyotp.TOTP(secret).at(later - 30), now=later) == "totp"
    with session_scope() as s, pytest.raises(totp.TotpError):  # two steps behind is not
        totp.verify_second_factor(s, user_id, pyotp.TOTP(secret).at(later + 300 - 60), now=later + 300)
    with session_scope() as s:  # one step ahead is fine
        assert totp.verify_second_factor(s, user_id, pyotp.TOTP(secret).at(later + 630), now=later + 600) == "totp"


def test_recovery_codes_work_once_and_are_stored_hashed(db: str) -> None:
    user_id, secret, codes = _enrolled_user()
    step = signin.start("ann@example.com", PW)
    assert signin.second_factor(step.challenge, codes[0].upper()).grant  # case and dash don't matter
    step = signin.start("ann@example.com", PW)
    with pytest.raises(auth.AuthError, match="already used"):
        signin.second_factor(step.challenge, codes[0])
    assert two_factor.remaining_recovery_codes(user_id) == 9
    with session_scope() as s:
        hashes = [r.code_hash for r in s.exec(select(RecoveryCode)).all()]
        blob = s.exec(select(TotpCredential)).one().secret_blob
    assert not any(c.replace("-", "") in h for c in codes for h in hashes)
    with get_engine().connect() as conn:
        dump = " ".join(str(row) for row in conn.execute(text("SELECT * FROM totp_credentials")))
    assert secret not in dump and secret not in blob


def test_challenge_allows_five_wrong_codes_then_needs_the_password(db: str) -> None:
    _enrolled_user()
    step = signin.start("ann@example.com", PW)
    for _ in range(5):
        with pytest.raises(auth.AuthError, match="not right"):
            signin.second_factor(step.challenge, "12345x")
    with pytest.raises(auth.AuthError, match="password again"):
        signin.second_factor(step.challenge, "123456")


def test_disable_needs_password_and_code(db: str) -> None:
    user_id, secret, codes = _enrolled_user()
    with pytest.raises(auth.AuthError, match="password is not right"):
        two_factor.disable(user_id, "wrong password", codes[1], organization_id=1)
    with pytest.raises(auth.AuthError, match="not right"):
        two_factor.disable(user_id, PW, "zzzzz-zzzzz", organization_id=1)
    two_factor.disable(user_id, PW, codes[1], organization_id=1)
    assert auth.login("ann@example.com", PW)
    with session_scope() as s:
        assert s.exec(select(RecoveryCode)).all() == []


def test_workspace_can_require_2fa_only_by_an_enrolled_owner(db: str) -> None:
    owner_id = auth.register_user("owner@example.com", "Owner", PW)
    owner = auth.resolve_session(auth.login("owner@example.com", PW))
    with pytest.raises(auth.AuthError, match="your own account first"):
        two_factor.set_workspace_requirement(owner, True)
    secret = _secret(two_factor.start(owner_id))
    two_factor.confirm(owner_id, pyotp.TOTP(secret).now(), owner.organization_id)
    two_factor.set_workspace_requirement(owner, True)
    # a member of that workspace without 2FA must enrol
    from services.models import Membership

    member_id = auth.register_user("member@example.com", "Member", PW)
    with session_scope() as s:
        s.add(Membership(organization_id=owner.organization_id, user_id=member_id, role="editor"))
        first = s.exec(select(Membership).where(Membership.user_id == member_id).order_by(Membership.id)).first()
        s.delete(first)
    member = auth.resolve_session(auth.login("member@example.com", PW))
    assert member.workspace_requires_2fa and member.must_enrol_2fa
    with pytest.raises(PermissionDenied, match="Editors can't change the workspace's two-factor requirement"):
        two_factor.set_workspace_requirement(member, False)
    with pytest.raises(auth.AuthError, match="requires two-factor"):
        two_factor.disable(owner_id, PW, pyotp.TOTP(secret).at(time.time() + 30), owner.organization_id)
