"""Each scheduler writes its last tick; a dead scheduler must show up on /health, never be silent."""

from __future__ import annotations

import os
import socket
import uuid
from datetime import datetime

from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError

from services.db import session_scope
from services.models import SchedulerHeartbeat

H = SchedulerHeartbeat.__table__


def new_worker_id() -> str:
    return f"{socket.gethostname()[:60]}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


def beat(worker_id: str, now: datetime, started_at: datetime, last_error: str = "") -> None:
    values = {"last_tick_at": now, "last_error": last_error[:1000]}
    with session_scope() as session:
        if session.execute(update(H).where(H.c.worker_id == worker_id).values(**values)).rowcount:
            return
    try:
        with session_scope() as session:
            session.execute(
                insert(H).values(
                    worker_id=worker_id,
                    hostname=socket.gethostname()[:255],
                    pid=os.getpid(),
                    started_at=started_at,
                    **values,
                )
            )
    except IntegrityError:  # another thread of this worker inserted it first
        pass
