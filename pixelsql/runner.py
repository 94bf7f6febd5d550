"""Running a cell's SQL: statements one by one, progress live, Ctrl-C cancels on the server.

Theory of operation. A cell is split client-side (:mod:`pixelsql.sqltext`) and each statement
is sent on its own, so each can carry bound parameters and get its own progress bar. A
statement runs on a short-lived worker thread while the main thread waits on a queue:

* the connection's notice handler (called on the worker thread, inside psycopg) only copies the
  notice's severity and text into the queue; the main thread turns them into progress-bar
  updates and printed lines, so widgets and prints belong to the cell that is running;
* "interrupt kernel" is a SIGINT, which Python delivers to the main thread only: it raises
  KeyboardInterrupt in the queue wait, never inside psycopg. The main thread then sends a
  CancelRequest with ``conn.cancel_safe()`` — the server stops the statement, or the ML job
  behind it — waits for the worker to see the cancellation, and raises
  :class:`StatementCancelled`. If the server does not stop in time (or Ctrl-C comes again) the
  connection is closed and the next statement reconnects.

The last statement's rows become a pandas DataFrame (PRINT IMAGE: an :class:`ImageFrame` that
shows the images); a cell whose last statement returns no rows gives None.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
import psycopg
import psycopg.sql

from pixelsql.connection import Connection, forget_connection, get_connection
from pixelsql.display import ImageFrame, confusion_matrix, show_confusion_matrix
from pixelsql.errors import PixelSQLError, ServerError, StatementCancelled
from pixelsql.progress import EpochDone, TrainingBar, parse_progress
from pixelsql.sqltext import (
    Bound,
    Lookup,
    SqlTextError,
    Statement,
    bind,
    literal,
    namespace_lookup,
    option_value,
    parse_model_query,
    split,
)

CANCEL_WAIT_S = 15.0  # how long the server may take to stop a cancelled statement
POLL_S = 0.2
CONFUSION_RESULT_COL = "pixelsql_predicted"
PREDICT_OPTIONS = ("image_col", "batch_size", "device")  # EVALUATE's that PREDICT takes too


@dataclass(frozen=True)
class Outcome:
    """What one statement returned."""

    status: str | None
    columns: list[str] | None  # None: the statement returns no rows
    rows: list[tuple[Any, ...]]


@dataclass
class Runner:
    """Runs SQL text the way the ``%thanosql`` magic does.

    ``progress``: draw a bar for training progress (else print every notice);
    ``quiet``: print neither notices nor command tags (warnings still show).
    """

    conn: Connection | None = None
    progress: bool = True
    quiet: bool = False
    echo: Callable[[str], None] = print

    def run(self, sql: str, lookup: Lookup | None = None, *, confusion: bool = False,
            label_col: str | None = None) -> pd.DataFrame | None:
        """Run every statement of ``sql``; the last one's rows as a DataFrame (or None)."""
        try:
            statements = split(sql)
        except SqlTextError as exc:
            raise PixelSQLError(str(exc)) from None
        if not statements:
            return None
        conn = get_connection(self.conn)
        lookup = lookup or namespace_lookup({})
        frame: pd.DataFrame | None = None
        bound = Bound("", ())

        def compose(value: object) -> str:
            assert isinstance(value, psycopg.sql.Composable)
            return value.as_string(conn)

        for index, stmt in enumerate(statements, 1):
            bound = bind(stmt, lookup, compose)
            outcome = self._execute(conn, bound, index, len(statements))
            frame = self._frame(stmt, outcome)
            if frame is None and outcome.status and not self.quiet:
                self.echo(outcome.status)
        if confusion:
            if frame is None:
                raise PixelSQLError("--confusion needs a PREDICT or EVALUATE statement")
            self._confusion(conn, bound, frame, label_col)
        return frame

    # -- one statement ---------------------------------------------------------------------------

    def _execute(self, conn: Connection, bound: Bound, index: int, count: int) -> Outcome:
        events: queue.Queue[tuple[str, Any]] = queue.Queue()

        def on_notice(diag: psycopg.errors.Diagnostic) -> None:
            events.put(("notice", (diag.severity or "NOTICE", diag.message_primary or "")))

        def work() -> None:
            try:
                with psycopg.RawCursor(conn) as cur:
                    # Binary results (the extended protocol): numbers, timestamps and bytes
                    # arrive ready to use instead of as text to parse, ~25% faster for big
                    # frames (docs/BENCHMARKS.md, psycopg text vs binary fetch).
                    cur.execute(bound.text, bound.params or None, binary=True)
                    columns = [d.name for d in cur.description] if cur.description else None
                    rows = cur.fetchall() if columns is not None else []
                    events.put(("done", Outcome(cur.statusmessage, columns, rows)))
            except BaseException as exc:  # handed to the main thread, which raises it
                events.put(("error", exc))

        bar = TrainingBar()
        conn.add_notice_handler(on_notice)
        worker = threading.Thread(target=work, name="pixelsql-statement", daemon=True)
        ok = False
        try:
            worker.start()
            while True:
                try:
                    kind, payload = events.get(timeout=POLL_S)
                except queue.Empty:
                    continue
                if kind == "notice":
                    self._notice(bar, *payload)
                elif kind == "done":
                    ok = True
                    outcome: Outcome = payload
                    return outcome
                else:
                    raise self._error(payload, bound, index, count) from None
        except KeyboardInterrupt:
            raise self._cancel(conn, events, bound) from None
        finally:
            bar.close(ok)
            conn.remove_notice_handler(on_notice)

    def _notice(self, bar: TrainingBar, severity: str, message: str) -> None:
        event = parse_progress(message) if self.progress else None
        if event is not None:
            bar.update(event)
            if isinstance(event, EpochDone) and not self.quiet:
                bar.write(message)
        elif not self.quiet or severity not in ("NOTICE", "INFO", "LOG", "DEBUG"):
            bar.write(f"{severity}: {message}")

    @staticmethod
    def _error(exc: BaseException, bound: Bound, index: int, count: int) -> Exception:
        if isinstance(exc, psycopg.Error):
            return ServerError(str(exc), exc.sqlstate, bound.text, index, count)
        if isinstance(exc, Exception):
            return exc
        return PixelSQLError(f"{type(exc).__name__}: {exc}")

    @staticmethod
    def _cancel(conn: Connection, events: queue.Queue[tuple[str, Any]],
                bound: Bound) -> StatementCancelled:
        """Cancel the running statement on the server; the exception to raise."""
        words = " ".join(bound.text.split())
        what = words if len(words) <= 50 else words[:50].rsplit(" ", 1)[0] + " …"
        try:
            conn.cancel_safe(timeout=5.0)
        except psycopg.Error as exc:
            forget_connection(conn)
            return StatementCancelled(f"interrupted, but the cancel request failed ({exc}); "
                                      "the connection was closed")
        deadline = time.monotonic() + CANCEL_WAIT_S
        finished: str | None = None
        try:
            while finished is None and time.monotonic() < deadline:
                try:
                    kind, _ = events.get(timeout=POLL_S)
                except queue.Empty:
                    continue
                if kind == "done":
                    finished = "done"
                elif kind == "error":
                    finished = "cancelled"
        except KeyboardInterrupt:
            pass  # interrupted again: stop waiting
        if finished is None:
            forget_connection(conn)
            return StatementCancelled(f"interrupted; the server did not stop [{what}] within "
                                      f"{CANCEL_WAIT_S:.0f} s, so the connection was closed "
                                      "(the next statement reconnects)")
        if finished == "done":
            return StatementCancelled(f"interrupted; [{what}] had already finished")
        return StatementCancelled(f"interrupted; the server cancelled [{what}]")

    # -- results ---------------------------------------------------------------------------------

    @staticmethod
    def _frame(stmt: Statement, outcome: Outcome) -> pd.DataFrame | None:
        if outcome.columns is None:
            return None
        cls = ImageFrame if stmt.head == ("PRINT", "IMAGE") else pd.DataFrame
        frame = cls(outcome.rows, columns=outcome.columns) if outcome.rows else \
            cls(columns=outcome.columns)
        return frame

    def _confusion(self, conn: Connection, bound: Bound, frame: pd.DataFrame,
                   label_col: str | None) -> None:
        """Attach ``frame.attrs["confusion_matrix"]`` and show it as a plot.

        PREDICT: from its own rows. EVALUATE: the server's metrics do not include the matrix,
        so the same model and query run once more as a PREDICT whose rows give it.
        """
        parsed = parse_model_query(split(bound.text)[0])
        if parsed is None:
            raise PixelSQLError("--confusion works with PREDICT and EVALUATE statements")
        label = label_col or option_value(parsed.options.get("label_col", "'label'"))
        if parsed.verb == "PREDICT":
            predictions = frame
            predicted = option_value(parsed.options.get("result_col", "'predicted'"))
        else:
            options = [f"{k}={v}" for k, v in parsed.options.items() if k in PREDICT_OPTIONS]
            options.append(f"result_col={literal(CONFUSION_RESULT_COL)}")
            predict = Bound(f"PREDICT USING {parsed.model} OPTIONS ({', '.join(options)}) "
                            f"AS {parsed.query}", bound.params)
            outcome = Runner(conn, progress=False, quiet=True)._execute(conn, predict, 1, 1)
            predictions = pd.DataFrame(outcome.rows, columns=outcome.columns)
            predicted = CONFUSION_RESULT_COL
        try:
            matrix = confusion_matrix(predictions, str(label), str(predicted))
        except KeyError as exc:
            raise PixelSQLError(f"cannot compute the confusion matrix: {exc.args[0]}; name "
                                "the label column with --label-col") from None
        frame.attrs["confusion_matrix"] = matrix
        show_confusion_matrix(matrix, f"Confusion matrix ({parsed.model})")


def run(sql: str, params: Mapping[str, object] | None = None, *, conn: Connection | None = None,
        progress: bool = True, quiet: bool = False) -> pd.DataFrame | None:
    """Run ``sql`` (one or more statements) like a ``%%thanosql`` cell; ``{name}`` and ``$name``
    placeholders take their values from ``params``. Returns the last statement's rows."""
    runner = Runner(conn, progress=progress, quiet=quiet)
    return runner.run(sql, namespace_lookup(params or {}))
