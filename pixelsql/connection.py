"""The notebook's current connection: opened from a DSN, reopened when it was lost.

``connect()`` opens an autocommit psycopg connection (each statement commits, as in psql
without ``BEGIN``) and makes it the current one, which the magics and the helpers use when they
are given no ``conn``. The DSN is, in order: the argument, ``$PIXELSQL_DSN``, or the address
``make run`` serves on.
"""

from __future__ import annotations

import contextlib
import os
from typing import Any

import psycopg
from psycopg import conninfo

Connection = psycopg.Connection[Any]

DSN_ENV = "PIXELSQL_DSN"
DEFAULT_DSN = "postgresql://127.0.0.1:5433/pixelsql"
APPLICATION_NAME = "pixelsql-notebook"


class _Current:
    """The connection the magics use (one per Python process, like a notebook kernel)."""

    conn: Connection | None = None
    dsn: str | None = None


def resolve_dsn(dsn: str | None = None) -> str:
    """``dsn``, else ``$PIXELSQL_DSN``, else :data:`DEFAULT_DSN`."""
    return dsn or os.environ.get(DSN_ENV) or DEFAULT_DSN


def open_connection(dsn: str | None = None) -> Connection:
    """A new autocommit connection (not made current)."""
    target = resolve_dsn(dsn)
    extra: dict[str, Any] = {}
    if "application_name" not in conninfo.conninfo_to_dict(target):
        extra["application_name"] = APPLICATION_NAME
    return psycopg.connect(target, autocommit=True, **extra)


def connect(dsn: str | None = None) -> Connection:
    """Open a connection and make it the current one for the magics and helpers."""
    conn = open_connection(dsn)
    _Current.conn, _Current.dsn = conn, resolve_dsn(dsn)
    return conn


def get_connection(conn: Connection | None = None) -> Connection:
    """``conn``, else the current connection, (re)opened when there is none or it was lost."""
    if conn is not None:
        return conn
    current = _Current.conn
    if current is None or current.closed or current.broken:
        return connect(_Current.dsn)
    return current


def current_connection() -> Connection | None:
    """The current connection if there is a usable one (nothing is opened)."""
    conn = _Current.conn
    return None if conn is None or conn.closed or conn.broken else conn


def forget_connection(conn: Connection) -> None:
    """Close ``conn`` after an interrupted statement left it unusable; the next use reconnects."""
    with contextlib.suppress(psycopg.Error):
        conn.close()


def describe(conn: Connection) -> str:
    """``user@host:port/dbname`` (no password) for messages."""
    info = conn.info
    return f"{info.user}@{info.host}:{info.port}/{info.dbname}"
