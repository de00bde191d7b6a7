"""A reply is never published as a top-level post: adapters that cannot reply refuse `reply_to_id`.

Runs every registered adapter's `publish` with a client whose every request fails the test: an
adapter that cannot reply must refuse before any I/O (Demo included: it writes no row).
"""

from __future__ import annotations

import httpx
import pytest

from services.platforms.base import AccountRef, Credentials, PublishRequest
from services.platforms.errors import ErrorKind, PlatformError
from services.platforms.registry import all_adapters

#: the adapters that honour reply_to_id, each proven against its server in its own test module
REPLYING = {"x", "mastodon", "bluesky"}


def _no_io(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"a reply request reached the network: {request.method} {request.url}")


@pytest.mark.parametrize("name", sorted(all_adapters()))
async def test_adapters_refuse_replies_they_cannot_make(name: str, db: str) -> None:
    cls = all_adapters()[name]
    assert cls.supports_replies == (name in REPLYING), f"{name}: update REPLYING with its reply test"
    if cls.supports_replies:
        return
    adapter = cls(client=httpx.AsyncClient(transport=httpx.MockTransport(_no_io)))
    request = PublishRequest(text="an answer", reply_to_id="12345")
    with pytest.raises(PlatformError) as err:
        await adapter.publish(Credentials(access_token="t"), AccountRef(external_id="me"), request)
    assert err.value.kind == ErrorKind.PERMANENT and "can't publish replies" in err.value.message
    await adapter.aclose()
