"""The only module that touches sockets: an asyncio TCP server feeding session handlers.

It accepts connections, wraps each in a :class:`StreamTransport` (read/write/drain, TLS upgrade
after an SSLRequest) and runs a :class:`~server.handler.SessionHandler` on it. It also owns the
server's life: SIGINT/SIGTERM trigger a fast shutdown (running statements are cancelled, open
transactions rolled back, clients told 57P01) and the database is checkpointed and closed, so
nothing that was committed is lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import os
import signal
import socket
import ssl
import threading
from dataclasses import dataclass

from engine.errors import SqlError, SqlState
from server.handler import READ_SIZE, ServerState, SessionHandler

log = logging.getLogger("pixelsql.server")


class StreamTransport:
    """asyncio streams behind the small interface the handler uses.

    Besides the loop's own writes, :meth:`send_now` lets the session thread put a finished
    answer on the socket itself, so that a small statement's reply does not wait for the event
    loop to wake up and write it. All writes go through one lock, and ``send_now`` writes only
    while asyncio has nothing queued, so bytes leave in the order they were written. It writes
    to a duplicate of the socket's descriptor, owned here: the number stays this connection's
    until :meth:`close`, even after asyncio has closed its own.
    """

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                 tls: ssl.SSLContext | None) -> None:
        self._reader = reader
        self._writer = writer
        self._tls = tls
        self._secure = False
        self._lock = threading.Lock()
        self._fd: int | None = None  # for send_now; None once TLS is on or the socket closed
        peer = writer.get_extra_info("peername")
        host = peer[0] if isinstance(peer, tuple) and peer else ""
        try:
            self._loopback = ipaddress.ip_address(host.split("%")[0]).is_loopback
        except ValueError:
            self._loopback = host == "" or not isinstance(peer, tuple)  # unix socket
        sock = writer.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if sock is not None:
            with contextlib.suppress(OSError):
                self._fd = os.dup(sock.fileno())

    async def read(self) -> bytes:
        return await self._reader.read(READ_SIZE)

    def write(self, data: bytes) -> None:
        with self._lock:
            self._writer.write(data)

    def send_now(self, data: bytes) -> int:
        """From any thread: write what the socket takes at once of ``data``, when nothing is
        queued ahead of it; the number of bytes written (the caller hands the rest, or all of
        it when this returns 0, to :meth:`write`). Never blocks."""
        with self._lock:
            if self._fd is None or self._writer.is_closing() or \
                    self._writer.transport.get_write_buffer_size():
                return 0
            try:
                return os.write(self._fd, data)
            except OSError:  # full (EAGAIN) or broken: the loop's write reports it
                return 0

    def _release_fd(self) -> None:
        with self._lock:
            if self._fd is not None:
                with contextlib.suppress(OSError):
                    os.close(self._fd)
                self._fd = None

    async def drain(self) -> None:
        await self._writer.drain()

    async def start_tls(self) -> None:
        assert self._tls is not None
        self._release_fd()  # bytes must go through TLS from now on
        await self._writer.start_tls(self._tls)
        self._secure = True

    @property
    def tls_available(self) -> bool:
        return self._tls is not None

    @property
    def is_secure(self) -> bool:
        """TLS, or a loopback connection (nobody else can listen on it)."""
        return self._secure or self._loopback

    @property
    def is_encrypted(self) -> bool:
        """TLS was negotiated."""
        return self._secure

    def close(self) -> None:
        self._release_fd()
        with contextlib.suppress(Exception):
            self._writer.close()


def pending_limit(state: ServerState) -> int:
    """Connections that may be logging in at once (startup, TLS, authentication)."""
    return 2 * state.max_connections + 64


@dataclass
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = 5433
    tls: ssl.SSLContext | None = None


class PixelServer:
    """Accepts clients until stopped; ``serve_forever`` returns after a clean shutdown."""

    def __init__(self, state: ServerState, config: ServerConfig) -> None:
        self.state = state
        self.config = config
        self._server: asyncio.Server | None = None
        self._tasks: dict[asyncio.Task[None], SessionHandler] = {}
        self._stopped = asyncio.Event()

    async def start(self) -> None:
        self._server = await asyncio.start_server(
            self._accept, self.config.host, self.config.port, limit=READ_SIZE,
            reuse_address=True)
        sockets: list[socket.socket] = list(self._server.sockets or [])
        for sock in sockets:
            log.info("listening on %s", sock.getsockname())

    @property
    def port(self) -> int:
        assert self._server is not None and self._server.sockets
        return int(self._server.sockets[0].getsockname()[1])

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        handler = SessionHandler(self.state, StreamTransport(reader, writer, self.config.tls))
        if len(self._tasks) - len(self.state.sessions) >= pending_limit(self.state):
            # Too many connections still logging in: refuse at once, so that silent peers
            # cannot use up file descriptors until their startup timeout.
            await handler.refuse(SqlError(SqlState.TOO_MANY_CONNECTIONS,
                                          "sorry, too many clients are logging in",
                                          severity="FATAL"))
            return
        self._tasks[task] = handler
        try:
            await handler.run()
        finally:
            self._tasks.pop(task, None)

    def request_stop(self) -> None:
        self._stopped.set()

    async def serve_forever(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, self.request_stop)
        await self._stopped.wait()
        await self.shutdown()

    async def shutdown(self) -> None:
        """Fast shutdown: refuse new clients, end sessions, checkpoint the database."""
        log.info("shutting down")
        self.state.shutting_down = True
        if self._server is not None:
            self._server.close()
        sessions = list(self.state.sessions.values())
        for handler in sessions:
            await handler.shutdown()
        for handler in list(self._tasks.values()):  # still in startup: nothing to tell them
            if handler not in sessions:
                handler.transport.close()
        if self._tasks:
            _, pending = await asyncio.wait(list(self._tasks), timeout=10)
            for task in pending:
                task.cancel()
        self.state.db.close()
        log.info("database closed cleanly")
