"""Throttling of guesses with growing delays, never a hard lock of someone's account.

Failed logins are counted per (email, client IP) pair and per client IP, in the database so
several workers share the counts. After the free attempts each further failure doubles the wait
(2 s, 4 s, 8 s … capped at the window), so a stranger hammering your email from elsewhere slows
only themselves: your own pair and your IP stay free. Sign-ups and reset requests have their own
per-IP budget, so nobody's failed logins can ever block a sign-up. A refused request records
nothing, so waiting is always enough.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func
from sqlmodel import Session, select

from services.config import get_settings
from services.errors import UserError
from services.models import LoginFailure

BASE_DELAY_SECONDS = 2  # the first wait after the free attempts; each further failure doubles it


class ThrottledError(UserError):
    """Too many attempts; `wait_seconds` says how long until the next one is accepted."""

    def __init__(self, wait_seconds: int, what: str = "failed attempts") -> None:
        self.wait_seconds = max(1, int(wait_seconds))
        super().__init__(f"Too many {what}. Please wait {describe_wait(self.wait_seconds)} and try again.")


def describe_wait(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minutes"


@dataclass(frozen=True)
class Rule:
    key: str
    free: int  # failures allowed before any delay
    window_seconds: int
    growing: bool = True  # False: a flat budget per window (sign-ups)


def login_rules(email: str, ip: str) -> list[Rule]:
    settings = get_settings()
    window = settings.login_window_seconds
    rules = [Rule(f"pair:{email}|{ip}", settings.login_max_failures, window)]
    if ip:
        rules.append(Rule(f"ip:{ip}", settings.login_ip_max_failures, window))
    return rules


def signup_rule(ip: str, action: str = "register") -> Rule:
    settings = get_settings()
    return Rule(f"{action}:{ip}", settings.register_max_per_ip, settings.register_window_seconds, growing=False)


def _wait_for(s: Session, rule: Rule, now: datetime) -> float:
    start = now - timedelta(seconds=rule.window_seconds)
    count, latest, oldest = s.exec(
        select(func.count(), func.max(LoginFailure.created_at), func.min(LoginFailure.created_at)).where(
            LoginFailure.scope_key == rule.key, LoginFailure.created_at >= start
        )
    ).one()
    if count < rule.free or latest is None:
        return 0.0
    if not rule.growing:
        return (oldest + timedelta(seconds=rule.window_seconds) - now).total_seconds()
    delay = min(rule.window_seconds, BASE_DELAY_SECONDS * 2 ** (count - rule.free))
    return (latest + timedelta(seconds=delay) - now).total_seconds()


def check(s: Session, rules: list[Rule], now: datetime, what: str = "failed attempts") -> None:
    """Raise ThrottledError with the longest wait among the rules; changes nothing."""
    wait = max((_wait_for(s, rule, now) for rule in rules), default=0.0)
    if wait > 0:
        raise ThrottledError(math.ceil(wait), what)


def record(s: Session, rules: list[Rule], now: datetime) -> None:
    for rule in rules:
        s.add(LoginFailure(scope_key=rule.key, created_at=now))


def clear(s: Session, rule: Rule) -> None:
    s.exec(delete(LoginFailure).where(LoginFailure.scope_key == rule.key))


def prune(s: Session, now: datetime) -> None:
    """Rows older than every window are useless; keep the table small."""
    settings = get_settings()
    horizon = max(settings.login_window_seconds, settings.register_window_seconds)
    s.exec(delete(LoginFailure).where(LoginFailure.created_at < now - timedelta(seconds=horizon)))
