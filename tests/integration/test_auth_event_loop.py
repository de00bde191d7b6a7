"""Defect 6: argon2 runs in a worker thread, so the event loop (shared with the scheduler) keeps ticking."""

from __future__ import annotations

import asyncio
import time

import reflex as rx

from services import auth
from state.auth import AuthState


async def _max_loop_gap_while(coro) -> float:  # noqa: ANN001
    gaps: list[float] = []
    done = asyncio.Event()

    async def ticker() -> None:
        last = time.perf_counter()
        while not done.is_set():
            await asyncio.sleep(0.01)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    task = asyncio.create_task(ticker())
    started = time.perf_counter()
    await coro
    elapsed = time.perf_counter() - started
    done.set()
    await task
    return max(gaps), elapsed


def test_login_and_register_handlers_hash_off_the_event_loop(db: str, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("SOCIALHUB_REGISTRATION", "open")
    from services.config import reset_settings

    reset_settings()
    root = rx.State(_reflex_internal_init=True)
    state = root.get_substate(AuthState.get_full_name().split(".")[1:])

    async def scenario() -> tuple[float, float, float, float]:
        register_gap, register_time = await _max_loop_gap_while(AuthState.register.fn(
            state, {"email": "ann@example.com", "name": "Ann", "password": "a strong password", "timezone": "UTC"}))
        login_gap, login_time = await _max_loop_gap_while(
            AuthState.login.fn(state, {"email": "ann@example.com", "password": "a strong password"}))
        return register_gap, register_time, login_gap, login_time

    register_gap, register_time, login_gap, login_time = asyncio.run(scenario())
    assert state.auth_error == ""
    assert auth.login("ann@example.com", "a strong password")  # the account exists and works
    # each handler hashed for a long while, yet the loop never stalled for more than a fraction of it
    assert register_gap < max(0.25, register_time / 2), (register_gap, register_time)
    assert login_gap < max(0.25, login_time / 2), (login_gap, login_time)
