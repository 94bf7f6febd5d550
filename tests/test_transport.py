"""server.transport.StreamTransport over real loopback sockets: the session thread's own writes.

``send_now`` lets a session thread put a finished reply on the socket without waiting for the
event loop. It must keep the byte order of the loop's writes, never block, and never write
once the connection is closed (a reused descriptor number would belong to someone else).
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Awaitable, Callable

from server.transport import StreamTransport


def on_connection(check: Callable[[StreamTransport, socket.socket], Awaitable[None]]) -> None:
    """Run ``check`` with the server side of a fresh loopback connection and its client."""

    async def main() -> None:
        accepted: asyncio.Future[StreamTransport] = asyncio.get_running_loop().create_future()

        async def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            accepted.set_result(StreamTransport(reader, writer, None))

        server = await asyncio.start_server(accept, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        client = socket.create_connection(("127.0.0.1", port))
        client.settimeout(5)
        transport = await accepted
        try:
            await check(transport, client)
        finally:
            transport.close()
            client.close()
            server.close()
            await server.wait_closed()

    asyncio.run(main())


def from_thread(fn: Callable[[], int]) -> int:
    """Call ``fn`` on another thread, as the session thread does, and return its result."""
    result: list[int] = []
    worker = threading.Thread(target=lambda: result.append(fn()))
    worker.start()
    worker.join()
    return result[0]


def receive(client: socket.socket, size: int) -> bytes:
    data = bytearray()
    while len(data) < size:
        chunk = client.recv(min(size - len(data), 1 << 20))
        assert chunk, "connection closed early"
        data += chunk
    return bytes(data)


def test_a_thread_writes_in_order_with_the_loop() -> None:
    async def check(transport: StreamTransport, client: socket.socket) -> None:
        transport.write(b"first ")
        await transport.drain()
        assert from_thread(lambda: transport.send_now(b"second ")) == 7
        transport.write(b"third")
        await transport.drain()
        assert receive(client, 18) == b"first second third"

    on_connection(check)


def test_nothing_is_written_past_bytes_the_loop_still_holds() -> None:
    async def check(transport: StreamTransport, client: socket.socket) -> None:
        big = b"x" * (32 << 20)  # more than the socket buffers hold: asyncio keeps the rest
        transport.write(big)
        assert from_thread(lambda: transport.send_now(b"late")) == 0
        reading = asyncio.get_running_loop().run_in_executor(None, receive, client, len(big))
        await transport.drain()
        assert await reading == big

    on_connection(check)


def test_no_write_after_close_or_to_a_departed_client() -> None:
    async def check(transport: StreamTransport, client: socket.socket) -> None:
        client.close()
        for _ in range(3):  # the peer's reset may take a write or two to show
            assert from_thread(lambda: transport.send_now(b"x" * 65536)) >= 0
        transport.close()
        assert from_thread(lambda: transport.send_now(b"after close")) == 0

    on_connection(check)
