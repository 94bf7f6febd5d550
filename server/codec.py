"""Sans-IO codec for the PostgreSQL v3 wire protocol.

No I/O happens here. :class:`FrontendDecoder` takes bytes as they arrive (``feed``) and hands
back whole, typed client messages (``next_message``), or ``None`` when more bytes are needed. The
``encode_*`` functions build backend messages as bytes. Framing follows asyncpg's design: a read
buffer that yields only complete messages, and writers that back-patch the length word.

Hostile input is bounded: a message longer than ``max_message_size`` and any message whose
contents do not parse raise :class:`ProtocolViolation` (SQLSTATE 08P01) before more memory is
spent on it.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Sequence

from engine.errors import SqlError, SqlState
from server import messages as m

DEFAULT_MAX_MESSAGE_SIZE = 64 * 1024 * 1024  # per message; COPY data arrives in many messages
MAX_STARTUP_SIZE = 10_000  # PostgreSQL's own limit for the startup packet

_I16 = struct.Struct("!h")
_I32 = struct.Struct("!i")
_U32 = struct.Struct("!I")
_HEADER = struct.Struct("!ci")


class ProtocolViolation(SqlError):
    """The peer broke the protocol; the connection is answered with 08P01 and closed."""

    def __init__(self, message: str) -> None:
        super().__init__(SqlState.PROTOCOL_VIOLATION, message, severity="FATAL")


class _Reader:
    """Cursor over one message body with bounds-checked field readers."""

    __slots__ = ("buf", "pos")

    def __init__(self, buf: bytes) -> None:
        self.buf = buf
        self.pos = 0

    def int16(self) -> int:
        if self.pos + 2 > len(self.buf):
            raise ProtocolViolation("message too short")
        (v,) = _I16.unpack_from(self.buf, self.pos)
        self.pos += 2
        return int(v)

    def int32(self) -> int:
        if self.pos + 4 > len(self.buf):
            raise ProtocolViolation("message too short")
        (v,) = _I32.unpack_from(self.buf, self.pos)
        self.pos += 4
        return int(v)

    def bytes_(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.buf):
            raise ProtocolViolation("message field runs past its end")
        v = self.buf[self.pos : self.pos + n]
        self.pos += n
        return v

    def cstring(self) -> str:
        end = self.buf.find(b"\0", self.pos)
        if end < 0:
            raise ProtocolViolation("unterminated string in message")
        raw = self.buf[self.pos : end]
        self.pos = end + 1
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ProtocolViolation("invalid UTF-8 in message") from exc

    def count(self, limit: int) -> int:
        n = self.int16()
        if n < 0 or n > limit:
            raise ProtocolViolation(f"invalid count {n} in message")
        return n

    def done(self) -> None:
        if self.pos != len(self.buf):
            raise ProtocolViolation("message has trailing bytes")


def _int16s(r: _Reader, limit: int) -> tuple[int, ...]:
    return tuple(r.int16() for _ in range(r.count(limit)))


def _parse_startup(body: bytes) -> m.StartupPhaseMessage:
    r = _Reader(body)
    code = r.int32()
    if code == m.SSL_REQUEST_CODE:
        r.done()
        return m.SSLRequest()
    if code == m.GSSENC_REQUEST_CODE:
        r.done()
        return m.GSSENCRequest()
    if code == m.CANCEL_REQUEST_CODE:
        pid = r.int32()
        key = r.buf[r.pos :]
        if not 4 <= len(key) <= 256:
            raise ProtocolViolation("invalid cancel request")
        return m.CancelRequest(pid, key)
    if code >> 16 != 3:
        raise ProtocolViolation(
            f"unsupported frontend protocol {code >> 16}.{code & 0xFFFF}: "
            "server supports 3.0 to 3.0"
        )
    params: dict[str, str] = {}
    while True:
        key_name = r.cstring()
        if key_name == "":
            break
        params[key_name] = r.cstring()
    r.done()
    return m.StartupMessage(code, params)


def _parse_bind(r: _Reader) -> m.Bind:
    portal = r.cstring()
    statement = r.cstring()
    formats = _int16s(r, 65535)
    params: list[bytes | None] = []
    for _ in range(r.count(65535)):
        n = r.int32()
        params.append(None if n == -1 else r.bytes_(n))
    result_formats = _int16s(r, 65535)
    return m.Bind(portal, statement, formats, tuple(params), result_formats)


def _parse_regular(tag: bytes, body: bytes) -> m.FrontendMessage:
    r = _Reader(body)
    msg: m.FrontendMessage
    if tag == b"Q":
        msg = m.Query(r.cstring())
    elif tag == b"P":
        name, sql = r.cstring(), r.cstring()
        oids = tuple(r.int32() & 0xFFFFFFFF for _ in range(r.count(65535)))
        msg = m.Parse(name, sql, oids)
    elif tag == b"B":
        msg = _parse_bind(r)
    elif tag in (b"D", b"C"):
        kind = r.bytes_(1).decode("latin-1")
        if kind not in ("S", "P"):
            name = "DESCRIBE" if tag == b"D" else "CLOSE"
            raise ProtocolViolation(f"invalid {name} message subtype {kind!r}")
        name = r.cstring()
        msg = m.Describe(kind, name) if tag == b"D" else m.Close(kind, name)
    elif tag == b"E":
        msg = m.Execute(r.cstring(), r.int32())
    elif tag == b"S":
        msg = m.Sync()
    elif tag == b"H":
        msg = m.Flush()
    elif tag == b"X":
        msg = m.Terminate()
    elif tag == b"d":
        return m.CopyData(body)
    elif tag == b"c":
        msg = m.CopyDone()
    elif tag == b"f":
        msg = m.CopyFail(r.cstring())
    elif tag == b"p":
        return m.PasswordMessage(body)
    elif tag == b"F":
        msg = m.FunctionCall(r.int32())
        return msg
    else:
        raise ProtocolViolation(f"invalid frontend message type {tag[0]}")
    r.done()
    return msg


class FrontendDecoder:
    """Turns a stream of client bytes into typed messages, one whole message at a time.

    Until :meth:`end_startup` is called the decoder expects startup-phase packets (no type byte);
    afterwards every message is ``type byte + int32 length + body``.
    """

    def __init__(self, max_message_size: int = DEFAULT_MAX_MESSAGE_SIZE) -> None:
        self._buf = bytearray()
        self._pos = 0
        self.max_message_size = max_message_size
        self.in_startup = True

    def feed(self, data: bytes) -> None:
        if self._pos and self._pos >= len(self._buf) // 2:
            del self._buf[: self._pos]
            self._pos = 0
        self._buf += data

    def end_startup(self) -> None:
        self.in_startup = False

    @property
    def buffered(self) -> int:
        return len(self._buf) - self._pos

    def next_type(self) -> bytes | None:
        """The type byte of the next message if it has arrived (after startup), else None."""
        if self.in_startup or self._pos >= len(self._buf):
            return None
        return bytes(self._buf[self._pos:self._pos + 1])

    def next_message(self) -> m.FrontendMessage | None:
        avail = len(self._buf) - self._pos
        if self.in_startup:
            if avail < 4:
                return None
            (length,) = _I32.unpack_from(self._buf, self._pos)
            if length < 8 or length > MAX_STARTUP_SIZE:
                raise ProtocolViolation("invalid length of startup packet")
            if avail < length:
                return None
            body = bytes(self._buf[self._pos + 4 : self._pos + length])
            self._pos += length
            return _parse_startup(body)
        if avail < 5:
            return None
        tag, length = _HEADER.unpack_from(self._buf, self._pos)
        if length < 4:
            raise ProtocolViolation("invalid message length")
        if length > self.max_message_size:
            raise ProtocolViolation(
                f"message of {length} bytes exceeds the limit of {self.max_message_size}"
            )
        if avail < length + 1:
            return None
        body = bytes(self._buf[self._pos + 5 : self._pos + 1 + length])
        self._pos += 1 + length
        return _parse_regular(tag, body)


# --- backend message encoders ---------------------------------------------------------------------


def _message(tag: bytes, body: bytes = b"") -> bytes:
    return tag + _I32.pack(len(body) + 4) + body


def _cstr(s: str) -> bytes:
    return s.encode("utf-8") + b"\0"


def encode_authentication(code: int, payload: bytes = b"") -> bytes:
    """AuthenticationOk (0), CleartextPassword (3), MD5Password (5), SASL (10/11/12)."""
    return _message(b"R", _I32.pack(code) + payload)


def encode_auth_ok() -> bytes:
    return encode_authentication(0)


def encode_parameter_status(name: str, value: str) -> bytes:
    return _message(b"S", _cstr(name) + _cstr(value))


def encode_backend_key_data(process_id: int, secret_key: bytes) -> bytes:
    return _message(b"K", _I32.pack(process_id) + secret_key)


def encode_negotiate_protocol_version(newest_minor: int, unsupported: Sequence[str]) -> bytes:
    body = _I32.pack(newest_minor) + _I32.pack(len(unsupported))
    body += b"".join(_cstr(o) for o in unsupported)
    return _message(b"v", body)


def encode_ready_for_query(status: str) -> bytes:
    return _message(b"Z", status.encode("ascii"))


def encode_row_description(fields: Sequence[m.FieldDescription]) -> bytes:
    parts = [_I16.pack(len(fields))]
    for f in fields:
        parts.append(_cstr(f.name))
        parts.append(
            struct.pack(
                "!IhIhih",
                f.table_oid,
                f.column_number,
                f.type_oid,
                f.type_size,
                f.type_modifier,
                f.format,
            )
        )
    return _message(b"T", b"".join(parts))


def encode_data_row(values: Sequence[bytes | None]) -> bytes:
    parts = [_I16.pack(len(values))]
    for v in values:
        if v is None:
            parts.append(b"\xff\xff\xff\xff")
        else:
            parts.append(_I32.pack(len(v)))
            parts.append(v)
    return _message(b"D", b"".join(parts))


def encode_command_complete(tag: str) -> bytes:
    return _message(b"C", _cstr(tag))


def encode_empty_query_response() -> bytes:
    return _message(b"I")


def encode_parse_complete() -> bytes:
    return b"1\x00\x00\x00\x04"


def encode_bind_complete() -> bytes:
    return b"2\x00\x00\x00\x04"


def encode_close_complete() -> bytes:
    return b"3\x00\x00\x00\x04"


def encode_no_data() -> bytes:
    return b"n\x00\x00\x00\x04"


def encode_portal_suspended() -> bytes:
    return b"s\x00\x00\x00\x04"


def encode_parameter_description(oids: Sequence[int]) -> bytes:
    return _message(b"t", _I16.pack(len(oids)) + b"".join(_U32.pack(o) for o in oids))


def encode_copy_in_response(fmt: int, column_formats: Sequence[int]) -> bytes:
    return _copy_response(b"G", fmt, column_formats)


def encode_copy_out_response(fmt: int, column_formats: Sequence[int]) -> bytes:
    return _copy_response(b"H", fmt, column_formats)


def _copy_response(tag: bytes, fmt: int, column_formats: Sequence[int]) -> bytes:
    body = bytes([fmt]) + _I16.pack(len(column_formats))
    body += b"".join(_I16.pack(f) for f in column_formats)
    return _message(tag, body)


def encode_copy_data(data: bytes) -> bytes:
    return _message(b"d", data)


def encode_copy_done() -> bytes:
    return b"c\x00\x00\x00\x04"


# ErrorResponse / NoticeResponse field codes.
_ERROR_FIELDS: tuple[tuple[bytes, str], ...] = (
    (b"C", "sqlstate"),
    (b"M", "message"),
    (b"D", "detail"),
    (b"H", "hint"),
    (b"P", "position"),
    (b"R", "routine"),
)


def _error_fields(err: SqlError) -> bytes:
    parts = [b"S" + _cstr(err.severity), b"V" + _cstr(err.severity)]
    for code, attr in _ERROR_FIELDS:
        value = getattr(err, attr)
        if value is not None:
            parts.append(code + _cstr(str(value)))
    return b"".join(parts) + b"\0"


def encode_error_response(err: SqlError) -> bytes:
    return _message(b"E", _error_fields(err))


def encode_notice_response(notice: SqlError) -> bytes:
    return _message(b"N", _error_fields(notice))


def concat(chunks: Iterable[bytes]) -> bytes:
    return b"".join(chunks)
