"""Errors the notebook client raises, shown by IPython as one clean message (no traceback).

IPython renders an exception through its ``_render_traceback_`` method when it has one, so a
failed statement prints what psql would print instead of a page of psycopg internals.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg


class PixelSQLError(Exception):
    """A client-side error with a message meant for the notebook user."""

    def _render_traceback_(self) -> list[str]:
        lines = str(self).splitlines() or [""]
        return [f"{type(self).__name__}: {lines[0]}", *lines[1:]]


class ServerError(PixelSQLError):
    """The server answered a statement with an ErrorResponse (or the connection failed)."""

    def __init__(self, message: str, sqlstate: str | None, statement: str,
                 index: int = 1, count: int = 1) -> None:
        lines = message.splitlines() or [""]
        state = f" (SQLSTATE {sqlstate})" if sqlstate else ""
        lines[0] = f"ERROR:  {lines[0]}{state}"
        if count > 1:
            lines.append(f"in statement {index} of {count}; the ones before it have run")
        super().__init__("\n".join(lines))
        self.sqlstate = sqlstate
        self.statement = statement

    def _render_traceback_(self) -> list[str]:
        return str(self).splitlines()


class StatementCancelled(PixelSQLError):
    """The user interrupted the kernel; the statement (and its ML job) was cancelled."""


class ParameterError(PixelSQLError):
    """A ``{name}`` / ``$name`` placeholder could not be filled from Python."""


@contextmanager
def server_errors(statement: str = "") -> Iterator[None]:
    """Raise psycopg's errors inside the block as :class:`ServerError`."""
    try:
        yield
    except psycopg.Error as exc:
        raise ServerError(str(exc), exc.sqlstate, statement) from None
