"""A tiny TCP load balancer for tests: one public port, traffic to whichever backend is current.

`switch_to(port)` sends new connections to another backend and cuts the open ones, like a
replica going away behind a real load balancer: the browser's websocket reconnects through the
same URL and lands on the other process.
"""

from __future__ import annotations

import asyncio
import threading
from collections import Counter

from tests.fakes.server import free_port


class HopProxy:
    def __init__(self, backend_port: int) -> None:
        self.port = free_port()
        self.backend_port = backend_port
        self.connections: Counter[int] = Counter()  # backend port → connections opened
        self._open: set[asyncio.StreamWriter] = set()
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._server: asyncio.base_events.Server | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> HopProxy:
        self._thread.start()
        self._ready.wait(10)
        return self

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", self.port))
        self._ready.set()
        self._loop.run_forever()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        port = self.backend_port
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            writer.close()
            return
        self.connections[port] += 1
        self._open.update((writer, up_writer))

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            try:
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                dst.close()
                self._open.discard(dst)

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    def switch_to(self, backend_port: int) -> None:
        """New connections go to `backend_port`; every open connection is cut (the socket reconnects)."""

        def cut() -> None:
            self.backend_port = backend_port
            for writer in list(self._open):
                writer.close()
            self._open.clear()

        self._loop.call_soon_threadsafe(cut)

    def stop(self) -> None:
        def shutdown() -> None:
            for writer in list(self._open):
                writer.close()
            if self._server is not None:
                self._server.close()
            self._loop.stop()

        self._loop.call_soon_threadsafe(shutdown)
        self._thread.join(10)
