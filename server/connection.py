"""The connection state machine: which client message is legal when, and what it means.

This is the one place that knows the protocol's phases. It does no I/O (bytes in through
:meth:`Connection.receive_data`, typed events out through :meth:`Connection.next_event`, bytes
for the client collected by :meth:`Connection.send` and taken with
:meth:`Connection.data_to_send`). The session handler (:mod:`server.handler`) acts on the events.

Phases and their legal messages are a table (:data:`_LEGAL`); an illegal message is a protocol
violation (08P01). Two behaviours live here because they are pure protocol:

* after an error in the extended-query protocol every message up to the next Sync is discarded;
* during COPY FROM STDIN, Flush and Sync are ignored, and only CopyData/CopyDone/CopyFail count.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from engine.errors import SqlError
from server import codec
from server import messages as m


class Phase(enum.Enum):
    STARTUP = "startup"  # before StartupMessage (SSL/GSS negotiation happens here)
    AUTHENTICATING = "authenticating"
    READY = "ready"  # normal operation
    SKIPPING = "skipping"  # extended-query error: discard until Sync
    COPY_IN = "copy_in"
    CLOSED = "closed"


_STARTUP_TYPES = (m.StartupMessage, m.SSLRequest, m.GSSENCRequest, m.CancelRequest)
_QUERY_TYPES = (m.Query, m.Parse, m.Bind, m.Describe, m.Execute, m.Close, m.Sync, m.Flush,
                m.Terminate, m.FunctionCall)
_LEGAL: dict[Phase, tuple[type, ...]] = {
    Phase.STARTUP: _STARTUP_TYPES,
    Phase.AUTHENTICATING: (m.PasswordMessage, m.Terminate),
    Phase.READY: (*_QUERY_TYPES, m.CopyData, m.CopyDone, m.CopyFail),  # stray copy msgs: ignored
    Phase.SKIPPING: (*_QUERY_TYPES, m.CopyData, m.CopyDone, m.CopyFail),
    Phase.COPY_IN: (m.CopyData, m.CopyDone, m.CopyFail, m.Flush, m.Sync, m.Terminate),
    Phase.CLOSED: (),
}


@dataclass(frozen=True, slots=True)
class NegotiatedStartup:
    """A StartupMessage accepted at protocol 3.0 (a newer minor version was negotiated down)."""

    params: dict[str, str]


class Connection:
    """Protocol state for one client connection."""

    def __init__(self, max_message_size: int = codec.DEFAULT_MAX_MESSAGE_SIZE) -> None:
        self.decoder = codec.FrontendDecoder(max_message_size)
        self.phase = Phase.STARTUP
        self._out: list[bytes] = []
        self._out_size = 0
        self.startup_params: dict[str, str] = {}

    # -- input ---------------------------------------------------------------------------------

    def receive_data(self, data: bytes) -> None:
        self.decoder.feed(data)

    def next_event(self) -> m.FrontendMessage | NegotiatedStartup | None:
        """The next message the handler must act on, or None when more bytes are needed.

        Raises :class:`codec.ProtocolViolation` for malformed or out-of-phase messages.
        """
        while True:
            msg = self.decoder.next_message()
            if msg is None:
                return None
            legal = _LEGAL[self.phase]
            if not isinstance(msg, legal):
                raise codec.ProtocolViolation(
                    f"unexpected message type {type(msg).__name__} during {self.phase.value}"
                )
            if self.phase is Phase.SKIPPING:
                if isinstance(msg, m.Sync):
                    self.phase = Phase.READY
                    return msg
                if isinstance(msg, m.Terminate):
                    return msg
                continue  # discarded until Sync
            if self.phase is Phase.COPY_IN and isinstance(msg, (m.Flush, m.Sync)):
                continue  # PostgreSQL ignores these during COPY IN
            if self.phase is Phase.READY and isinstance(msg, (m.CopyData, m.CopyDone,
                                                              m.CopyFail)):
                continue  # late copy messages after the server ended a COPY: ignored
            if isinstance(msg, m.StartupMessage):
                return self._startup(msg)
            return msg

    def sync_is_next(self) -> bool:
        """Has the client already sent Sync as its next message (the end of its pipeline)?"""
        return self.decoder.next_type() == b"S"

    def _startup(self, msg: m.StartupMessage) -> NegotiatedStartup:
        self.decoder.end_startup()
        self.phase = Phase.AUTHENTICATING
        self.startup_params = dict(msg.params)
        unsupported = [k for k in msg.params if k.startswith("_pq_.")]
        if msg.minor_version > 0 or unsupported:
            self.send(codec.encode_negotiate_protocol_version(0, unsupported))
        return NegotiatedStartup(
            {k: v for k, v in msg.params.items() if not k.startswith("_pq_.")}
        )

    # -- transitions driven by the handler -------------------------------------------------------

    def authenticated(self) -> None:
        self.phase = Phase.READY

    def extended_error(self) -> None:
        """An error in the extended protocol: skip to the next Sync."""
        if self.phase is not Phase.CLOSED:
            self.phase = Phase.SKIPPING

    def copy_in_started(self) -> None:
        self.phase = Phase.COPY_IN

    def copy_in_ended(self) -> None:
        if self.phase is Phase.COPY_IN:
            self.phase = Phase.READY

    def closed(self) -> None:
        self.phase = Phase.CLOSED

    # -- output ----------------------------------------------------------------------------------

    def send(self, data: bytes) -> None:
        if data:
            self._out.append(data)
            self._out_size += len(data)

    def send_error(self, err: SqlError) -> None:
        self.send(codec.encode_error_response(err))

    def send_notice(self, notice: SqlError) -> None:
        self.send(codec.encode_notice_response(notice))

    def ready_for_query(self, status: str) -> None:
        self.send(codec.encode_ready_for_query(status))

    @property
    def pending_output(self) -> int:
        return self._out_size

    def pending_data(self) -> bytes:
        """What :meth:`data_to_send` would return, left queued."""
        if len(self._out) > 1:
            self._out[:] = [b"".join(self._out)]
        return self._out[0] if self._out else b""

    def data_to_send(self) -> bytes:
        if not self._out:
            return b""
        data = self._out[0] if len(self._out) == 1 else b"".join(self._out)
        self._out.clear()
        self._out_size = 0
        return data
