"""Helpers the API routes share: the zone and time of a request, and idempotent creates."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from fastapi.responses import JSONResponse

from services import timezones
from services.api import idempotency
from services.api.keys import ApiActor
from services.api.problems import ApiProblem
from services.errors import Conflict
from services.timezones import TimezoneError

REPLAYED_HEADER = "Idempotent-Replayed"


def zone_of(actor: ApiActor, name: str | None, field: str = "timezone") -> str:
    """The request's zone (or the key creator's); an unknown name is a field error."""
    try:
        return timezones.validate_timezone(name or actor.timezone or "UTC")
    except TimezoneError as exc:
        exc.field_errors = ({"field": field, "message": str(exc)},)
        raise


def instant(value: datetime, tz: str) -> tuple[datetime, str]:
    """UTC for an ISO time: with an offset as given, without one as a wall time in `tz` (DST note)."""
    return timezones.to_utc(value, tz)


def overrides(per_account_text: dict[str, str]) -> dict[int, str]:
    return {int(k): v for k, v in per_account_text.items() if v}


def idempotent(
    actor: ApiActor, header: str | None, request_print: str, create: Callable[[], Any], status: int = 201
) -> JSONResponse:
    """Run `create` once per Idempotency-Key (per API key); retries get the first answer back."""
    if header is None:
        return JSONResponse(_json(create()), status_code=status)
    try:
        key = idempotency.check_key(header)
        started = idempotency.begin(actor.key_id, key, request_print)
    except idempotency.IdempotencyKeyInvalid as exc:
        raise ApiProblem(400, "idempotency-key-invalid", str(exc)) from None
    except idempotency.IdempotencyKeyReused as exc:
        raise ApiProblem(422, "idempotency-key-reused", str(exc)) from None
    except Conflict as exc:
        raise ApiProblem(409, "idempotency-in-progress", str(exc), headers={"Retry-After": "1"}) from None
    if isinstance(started, idempotency.Replay):
        return JSONResponse(started.body, status_code=started.status_code, headers={REPLAYED_HEADER: "true"})
    try:
        body = _json(create())
    except BaseException:  # refused or broken: keep nothing, so a corrected retry may reuse the key
        idempotency.abandon(started)
        raise
    idempotency.finish(started, status, body)
    return JSONResponse(body, status_code=status)


def _json(model: Any) -> Any:
    return json.loads(model.model_dump_json()) if hasattr(model, "model_dump_json") else model
