"""TOTP second factor (RFC 6238 via pyotp) and single-use recovery codes.

- The secret is Fernet-encrypted at rest; it is only shown during enrolment (QR + manual key).
- A code is accepted for the current 30 s step and one step either side (clock drift), and never
  twice: the last accepted step is stored and a compare-and-set refuses any step not after it.
- Ten recovery codes are made at confirmation, shown once, stored as SHA-256; each works once.
"""

from __future__ import annotations

import hmac
import secrets
import time
from dataclasses import dataclass

import pyotp
import segno
from sqlalchemy import delete, or_, update
from sqlmodel import Session, select

from services.crypto import decrypt_text, encrypt_text
from services.errors import UserError
from services.models import RecoveryCode, TotpCredential, User, utcnow
from services.security.tokens import sha256

ISSUER = "SocialHub"
DRIFT_STEPS = 1
RECOVERY_CODE_COUNT = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i


class TotpError(UserError):
    """A wrong, reused or malformed code (user-facing)."""


@dataclass(frozen=True)
class Enrolment:
    secret: str  # the manual key, in groups of four
    otpauth_uri: str
    qr_data_uri: str  # an inline SVG, so no image is fetched from anywhere


def _normalize_code(code: str) -> str:
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())


def _recovery_hash(user_id: int, code: str) -> str:
    return sha256(f"{user_id}:{_normalize_code(code)}")


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def _credential(s: Session, user_id: int) -> TotpCredential | None:
    return s.exec(select(TotpCredential).where(TotpCredential.user_id == user_id)).first()


def start_enrolment(s: Session, user_id: int) -> Enrolment:
    """A fresh secret waiting for confirmation (replaces an unconfirmed one; refuses when enabled)."""
    cred = _credential(s, user_id)
    if cred is not None and cred.confirmed_at is not None:
        raise TotpError("Two-factor authentication is already on. Turn it off first to set up a new app.")
    user = s.get(User, user_id)
    secret = pyotp.random_base32()  # 160 bits
    if cred is None:
        cred = TotpCredential(user_id=user_id, secret_blob=encrypt_text(secret))
        s.add(cred)
    else:
        cred.secret_blob, cred.last_step, cred.created_at = encrypt_text(secret), None, utcnow()
    s.flush()
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email if user else str(user_id), issuer_name=ISSUER)
    grouped = " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
    return Enrolment(secret=grouped, otpauth_uri=uri, qr_data_uri=segno.make(uri, error="m").svg_data_uri(scale=4))


def _matching_step(secret: str, code: str, now: float) -> int | None:
    code = _normalize_code(code)
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _accept_step(s: Session, cred: TotpCredential, code: str, now: float | None) -> bool:
    step = _matching_step(decrypt_text(cred.secret_blob), code, time.time() if now is None else now)
    if step is None:
        return False
    done = s.exec(
        update(TotpCredential)
        .where(TotpCredential.id == cred.id, or_(TotpCredential.last_step.is_(None), TotpCredential.last_step < step))
        .values(last_step=step)
    )
    return done.rowcount == 1


def confirm_enrolment(s: Session, user_id: int, code: str, now: float | None = None) -> list[str]:
    """Turn 2FA on with a first valid code; returns the recovery codes (shown once)."""
    cred = _credential(s, user_id)
    if cred is None:
        raise TotpError("Start the set-up again: no authenticator is waiting for confirmation.")
    if cred.confirmed_at is not None:
        raise TotpError("Two-factor authentication is already on.")
    if not _accept_step(s, cred, code, now):
        raise TotpError("That code is not right. Check the time on your phone and enter the current code.")
    cred.confirmed_at = utcnow()
    return replace_recovery_codes(s, user_id)


def replace_recovery_codes(s: Session, user_id: int) -> list[str]:
    s.exec(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    for code in codes:
        s.add(RecoveryCode(user_id=user_id, code_hash=_recovery_hash(user_id, code)))
    return codes


def is_enabled(s: Session, user_id: int) -> bool:
    cred = _credential(s, user_id)
    return cred is not None and cred.confirmed_at is not None


def remaining_recovery_codes(s: Session, user_id: int) -> int:
    return len(s.exec(select(RecoveryCode.id).where(RecoveryCode.user_id == user_id,
                                                    RecoveryCode.used_at.is_(None))).all())


def verify_second_factor(s: Session, user_id: int, code: str, now: float | None = None) -> str:
    """'totp' or 'recovery' when the code is good (and now used); raises TotpError otherwise."""
    cred = _credential(s, user_id)
    if cred is None or cred.confirmed_at is None:
        raise TotpError("Two-factor authentication is not on for this account.")
    normalized = _normalize_code(code)
    if normalized.isdigit():
        if _accept_step(s, cred, normalized, now):
            return "totp"
        raise TotpError("That code is not right or was already used. Wait for the next code and try again.")
    if len(normalized) == 10:
        row = s.exec(select(RecoveryCode).where(RecoveryCode.user_id == user_id,
                                                RecoveryCode.code_hash == _recovery_hash(user_id, normalized),
                                                RecoveryCode.used_at.is_(None))).first()
        if row is not None:
            done = s.exec(update(RecoveryCode).where(RecoveryCode.id == row.id, RecoveryCode.used_at.is_(None))
                          .values(used_at=utcnow()))
            if done.rowcount == 1:
                return "recovery"
    raise TotpError("That recovery code is not right or was already used.")


def disable(s: Session, user_id: int) -> None:
    """Remove the authenticator and the recovery codes (the caller checked password + code)."""
    s.exec(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    s.exec(delete(TotpCredential).where(TotpCredential.user_id == user_id))
