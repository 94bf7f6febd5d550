"""The ``%thanosql`` / ``%%thanosql`` IPython magics (``%pixelsql`` is the same magic).

``%load_ext pixelsql`` registers them. The magic line is ``[options] [SQL | DSN]``; in the cell
form the cell body is more SQL. Options (only at the start of the line)::

    --connect DSN    connect (``%thanosql postgresql://…`` alone on the line does the same)
    --confusion      PREDICT / EVALUATE: also plot the confusion matrix
    --label-col C    the true-label column for --confusion (default: label_col, else label)
    --no-progress    print training notices instead of drawing a progress bar
    -q, --quiet      print no notices and no command tags
    -o, --out NAME   also store the result in the variable NAME

Placeholders ``{name}`` / ``$name`` are filled from the notebook's variables (IPython's own
``$var`` expansion is switched off for these magics, so values are bound, not pasted).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pandas as pd
from IPython.core.magic import (
    Magics,
    line_cell_magic,
    magics_class,
    needs_local_scope,
    no_var_expand,
)

from pixelsql.connection import DSN_ENV, connect, current_connection, describe
from pixelsql.errors import PixelSQLError
from pixelsql.runner import Runner
from pixelsql.sqltext import namespace_lookup

_URL = re.compile(r"postgres(?:ql)?://\S*")
_VARIABLE = re.compile(r"\$(\w+)|\{\s*(\w+)\s*\}")


@dataclass
class MagicOptions:
    """What the leading ``--options`` of a magic line asked for."""

    connect: str | None = None
    confusion: bool = False
    label_col: str | None = None
    progress: bool = True
    quiet: bool = False
    out: str | None = None


_FLAGS = {"--confusion": "confusion", "--no-progress": "progress", "-q": "quiet",
          "--quiet": "quiet"}
_VALUED = {"--label-col": "label_col", "-o": "out", "--out": "out"}


def parse_line(line: str) -> tuple[MagicOptions, str]:
    """Split a magic line into its leading options and the rest (SQL or a DSN)."""
    options = MagicOptions()
    rest = line.strip()
    while rest.startswith("-"):
        word, _, after = rest.partition(" ")
        key, eq, inline = word.partition("=")
        if key == "--connect":
            options.connect = (inline if eq else after).strip()
            return options, ""
        if key in _FLAGS and not eq:
            setattr(options, _FLAGS[key], key != "--no-progress")
            rest = after.strip()
        elif key in _VALUED:
            value, _, after = (inline, "", after) if eq else after.strip().partition(" ")
            if not value:
                raise PixelSQLError(f"{key} needs a value")
            setattr(options, _VALUED[key], value)
            rest = after.strip()
        else:
            break  # a SQL comment ("-- …") or an unknown word: the SQL starts here
    if _URL.fullmatch(rest):
        options.connect, rest = rest, ""
    return options, rest


@magics_class
class ThanoSQLMagics(Magics):
    """``%thanosql`` / ``%%thanosql`` and their alias ``%pixelsql`` / ``%%pixelsql``."""

    @no_var_expand
    @needs_local_scope
    @line_cell_magic
    def thanosql(self, line: str, cell: str | None = None,
                 local_ns: dict[str, Any] | None = None) -> pd.DataFrame | None:
        """Run SQL on PixelSQL; the last statement's rows come back as a DataFrame.

        ``%thanosql postgresql://user@host:5433/pixelsql`` connects; without it the first
        statement connects to ``$PIXELSQL_DSN``. Options: ``--confusion``, ``--label-col C``,
        ``--no-progress``, ``-q``, ``-o NAME``, ``--connect DSN``.
        """
        return self.run(line, cell, local_ns)

    @no_var_expand
    @needs_local_scope
    @line_cell_magic
    def pixelsql(self, line: str, cell: str | None = None,
                 local_ns: dict[str, Any] | None = None) -> pd.DataFrame | None:
        """The same magic as ``%thanosql``."""
        return self.run(line, cell, local_ns)

    def run(self, line: str, cell: str | None,
            local_ns: dict[str, Any] | None) -> pd.DataFrame | None:
        namespace: dict[str, Any] = {**self.shell.user_ns, **(local_ns or {})} \
            if self.shell is not None else dict(local_ns or {})
        options, sql = parse_line(line)
        if options.connect is not None:
            dsn = self._expand(options.connect, namespace)
            conn = connect(dsn or None)
            print(f"Connected to {describe(conn)}")
        if cell is not None:
            sql = f"{sql}\n{cell}" if sql else cell
        if not sql.strip():
            if options.connect is None and cell is None:  # a bare %thanosql: where are we?
                current = current_connection()
                print(f"Connected to {describe(current)}" if current else
                      f"Not connected: %thanosql postgresql://user@host:port/db, or set "
                      f"{DSN_ENV} and run a statement")
            return None
        runner = Runner(progress=options.progress, quiet=options.quiet)
        frame = runner.run(sql, namespace_lookup(namespace), confusion=options.confusion,
                           label_col=options.label_col)
        if options.out and self.shell is not None:
            self.shell.user_ns[options.out] = frame
        return frame

    @staticmethod
    def _expand(dsn: str, namespace: dict[str, Any]) -> str:
        """``$name`` / ``{name}`` in a DSN argument: the variable's value (a DSN is not SQL,
        so here the value is pasted as text)."""

        def value(m: re.Match[str]) -> str:
            name = m.group(1) or m.group(2)
            if name not in namespace:
                raise PixelSQLError(f"name {name!r} is not defined")
            return str(namespace[name])

        return _VARIABLE.sub(value, dsn)
