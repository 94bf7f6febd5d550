"""PostgreSQL DDL spellings DuckDB reads otherwise, as ``pg_dump`` writes them.

A plain-format dump restores tables in three steps — ``CREATE TABLE``, ``CREATE SEQUENCE`` and
``ALTER TABLE ONLY … SET DEFAULT nextval(…)``, then ``ALTER TABLE ONLY … ADD CONSTRAINT`` and
``CREATE INDEX … USING btree`` — in words DuckDB's parser refuses. These rewrites, made on the
statement's tokens, give DuckDB the same statement in its spelling:

- ``ALTER TABLE [IF EXISTS] ONLY t``: ``ONLY`` (no inheritance here) is dropped;
- ``CREATE SEQUENCE s AS integer … CACHE 1``: the ``AS type`` and ``CACHE n`` clauses are
  dropped (DuckDB's sequences are BIGINT and have no cache);
- ``ALTER SEQUENCE s OWNED BY t.col``: DuckDB's sequence is owned by the table ``t`` (it is
  dropped with it, as in PostgreSQL);
- ``CREATE INDEX … USING btree|hash (…)``: DuckDB's own index (ART) answers the same lookups.

Anything else DuckDB cannot do (``ADD CONSTRAINT … FOREIGN KEY`` / ``CHECK`` on an existing
table, ``USING gin``) reaches it unchanged and is refused with its error.
"""

from __future__ import annotations

from collections.abc import Sequence

from engine.lexer import Tok, Token, tokenize
from engine.statements import name_end

_EQUIVALENT_INDEX_METHODS = frozenset({"BTREE", "HASH"})


def duckdb_ddl(sql: str) -> str | None:
    """``sql`` in DuckDB's DDL spelling, or None when it needs no rewrite."""
    head = sql.lstrip()[:6].upper()
    if head not in ("ALTER ", "CREATE"):
        return None
    tokens = tokenize(sql)
    if len(tokens) < 3:
        return None
    drops = _drops(tokens)
    if not drops:
        return None
    out, at = [], 0
    for start, end in drops:
        out.append(sql[at:start])
        at = end
    return "".join(out) + sql[at:]


def _drops(tokens: Sequence[Token]) -> list[tuple[int, int]]:
    """Source ranges to remove, in order."""
    words = [t.upper for t in tokens[:4]]
    if words[:2] == ["ALTER", "TABLE"]:
        i = 4 if words[2:4] == ["IF", "EXISTS"] else 2
        if i < len(tokens) and tokens[i].upper == "ONLY":
            return [(tokens[i].start, tokens[i + 1].start if i + 1 < len(tokens)
                     else tokens[i].end)]
        return []
    if words[:2] == ["CREATE", "SEQUENCE"] or words[:3] == ["CREATE", "TEMP", "SEQUENCE"] \
            or words[:3] == ["CREATE", "TEMPORARY", "SEQUENCE"]:
        return _sequence_options(tokens)
    if words[:2] == ["ALTER", "SEQUENCE"]:
        return _owned_by_column(tokens)
    if words[0] == "CREATE" and "INDEX" in words[1:3]:
        return _index_method(tokens)
    return []


def _sequence_options(tokens: Sequence[Token]) -> list[tuple[int, int]]:
    drops = []
    for i in range(2, len(tokens) - 1):
        word = tokens[i].upper
        if word in ("AS", "CACHE") and tokens[i + 1].kind in (Tok.WORD, Tok.NUMBER):
            end = tokens[i + 2].start if i + 2 < len(tokens) else tokens[i + 1].end
            drops.append((tokens[i].start, end))
    return drops


def _owned_by_column(tokens: Sequence[Token]) -> list[tuple[int, int]]:
    for i in range(2, len(tokens) - 2):
        if tokens[i].upper == "OWNED" and tokens[i + 1].upper == "BY":
            end = name_end(tokens, i + 2)
            parts = [t for t in tokens[i + 2:end] if t.kind is not Tok.OP]
            if len(parts) >= 2:  # table.column (schema.table.column): the column goes
                return [(tokens[end - 2].start, tokens[end - 1].end)]
    return []


def _index_method(tokens: Sequence[Token]) -> list[tuple[int, int]]:
    for i in range(3, len(tokens) - 2):
        if tokens[i].upper == "USING" and tokens[i + 1].upper in _EQUIVALENT_INDEX_METHODS \
                and tokens[i + 2].text == "(":
            return [(tokens[i].start, tokens[i + 2].start)]
    return []
