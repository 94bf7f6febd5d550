"""Typed values for the messages a PostgreSQL client sends (protocol v3).

The decoder in :mod:`server.codec` turns bytes into these frozen dataclasses; the connection state
machine in :mod:`server.connection` decides what each one means in the current state. Backend
(server → client) messages are built directly as bytes by the encoder functions in
:mod:`server.codec`, since the server only ever writes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PROTOCOL_3_0 = 196608  # 3 << 16
PROTOCOL_3_2 = 196610  # 3 << 16 | 2
SSL_REQUEST_CODE = 80877103
GSSENC_REQUEST_CODE = 80877104
CANCEL_REQUEST_CODE = 80877102

TEXT = 0
BINARY = 1


# --- startup-phase messages (no type byte) -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StartupMessage:
    protocol: int
    params: dict[str, str] = field(default_factory=dict)

    @property
    def minor_version(self) -> int:
        return self.protocol & 0xFFFF


@dataclass(frozen=True, slots=True)
class SSLRequest:
    pass


@dataclass(frozen=True, slots=True)
class GSSENCRequest:
    pass


@dataclass(frozen=True, slots=True)
class CancelRequest:
    process_id: int
    secret_key: bytes


# --- regular messages -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PasswordMessage:
    """Tag 'p': a password, or a SASL initial/continuation response, depending on the auth step."""

    data: bytes


@dataclass(frozen=True, slots=True)
class Query:
    sql: str


@dataclass(frozen=True, slots=True)
class Parse:
    statement: str
    sql: str
    param_oids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Bind:
    portal: str
    statement: str
    param_formats: tuple[int, ...] = ()
    params: tuple[bytes | None, ...] = ()
    result_formats: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Describe:
    kind: str  # 'S' statement or 'P' portal
    name: str


@dataclass(frozen=True, slots=True)
class Execute:
    portal: str
    max_rows: int = 0


@dataclass(frozen=True, slots=True)
class Close:
    kind: str  # 'S' or 'P'
    name: str


@dataclass(frozen=True, slots=True)
class Sync:
    pass


@dataclass(frozen=True, slots=True)
class Flush:
    pass


@dataclass(frozen=True, slots=True)
class Terminate:
    pass


@dataclass(frozen=True, slots=True)
class CopyData:
    data: bytes


@dataclass(frozen=True, slots=True)
class CopyDone:
    pass


@dataclass(frozen=True, slots=True)
class CopyFail:
    message: str


@dataclass(frozen=True, slots=True)
class FunctionCall:
    """Tag 'F', the legacy fast-path interface; answered with an error."""

    function_oid: int


StartupPhaseMessage = StartupMessage | SSLRequest | GSSENCRequest | CancelRequest
FrontendMessage = (
    StartupPhaseMessage
    | PasswordMessage
    | Query
    | Parse
    | Bind
    | Describe
    | Execute
    | Close
    | Sync
    | Flush
    | Terminate
    | CopyData
    | CopyDone
    | CopyFail
    | FunctionCall
)


@dataclass(frozen=True, slots=True)
class FieldDescription:
    """One column of a RowDescription."""

    name: str
    type_oid: int
    type_size: int
    type_modifier: int = -1
    format: int = TEXT
    table_oid: int = 0
    column_number: int = 0
