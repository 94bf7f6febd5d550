"""Parameter type inference and small statement rewrites, from parsed SQL.

PostgreSQL tells a client the type of each ``$n`` in a prepared statement (ParameterDescription),
and drivers such as asyncpg encode their arguments by it. DuckDB's Python API does not expose
the types it infers, so PixelSQL infers them itself from the sqlglot syntax tree, the way
PostgreSQL's parser does for the common cases:

* ``$1::int`` / ``CAST($1 AS int)``: the cast type;
* ``col = $1``, ``col IN ($1, $2)``, ``col BETWEEN $1 AND $2``, ``col + $1``: the column's type
  (looked up in the live catalog through a callback);
* ``INSERT INTO t (a, b) VALUES ($1, $2)`` and ``UPDATE t SET a = $1``: the target column's type;
* ``LIMIT $1`` / ``OFFSET $1``: BIGINT;
* a literal on the other side: the literal's type.

Anything else is reported as text (VARCHAR), which is what PostgreSQL does with an otherwise
unknown parameter.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import duckdb
import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from engine.arithmetic import NUMERIC, integer_literal_type
from engine.lexer import Tok, Token, tokenize
from engine.lexer import replace_params as replace_params
from engine.statements import StatementInfo

ColumnTypes = Callable[[str], dict[str, str]]

_TEXT = "VARCHAR"

_COMPARISONS = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.Like, exp.ILike,
                exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod, exp.NullSafeEQ, exp.NullSafeNEQ,
                exp.Is)


_PLACEHOLDER = "pixelsql_param_"


def _parse(sql: str) -> exp.Expr | None:
    """sqlglot's tree of a statement, with ``$n`` spelled as named placeholders it reads."""
    from engine.translate import PostgresDialect  # reads $1::oid[] (asyncpg) as a type

    try:
        return sqlglot.parse_one(replace_params(sql, lambda n: f":{_PLACEHOLDER}{n}"),
                                 read=PostgresDialect)
    except (ParseError, TokenError, ValueError):
        return None


def _param_number(node: exp.Expr) -> int | None:
    if isinstance(node, exp.Placeholder):
        name = str(node.this or "")
        if name.startswith(_PLACEHOLDER) and name[len(_PLACEHOLDER):].isdigit():
            return int(name[len(_PLACEHOLDER):])
    return None


# PostgreSQL types DuckDB spells differently that parameters are cast to (asyncpg's
# ``$1::oid[]``): DuckDB's ``oid`` is a BIGINT alias, PostgreSQL's oid is unsigned 32-bit, which
# the wire layer (server/types.py) describes as oid.
_PG_ONLY_PARAM_TYPES = {"oid": "UINTEGER"}


def _pg_only(dt: exp.DataType) -> str | None:
    element, suffix = dt, ""
    if dt.is_type(exp.DType.ARRAY) and dt.expressions:
        element, suffix = dt.expressions[0], "[]"
    if not isinstance(element, exp.DataType) or element.this != exp.DType.USERDEFINED:
        return None
    kind = element.args.get("kind")
    if isinstance(kind, exp.Dot):
        kind = kind.expression
    name = kind.name.lower() if isinstance(kind, exp.Identifier) else ""
    marker = _PG_ONLY_PARAM_TYPES.get(name)
    return marker + suffix if marker else None


def _duck_type(dt: exp.DataType) -> str:
    """DuckDB's canonical spelling of a cast target (``int`` → ``INTEGER``)."""
    pg_only = _pg_only(dt)
    if pg_only is not None:
        return pg_only
    if dt.this == exp.DType.DECIMAL and not dt.expressions:
        return NUMERIC  # numeric without a precision: engine.arithmetic
    text = dt.sql(dialect="duckdb")
    try:
        return str(duckdb.sqltype(text))
    except (duckdb.Error, ValueError, TypeError):
        return text.upper() or _TEXT


def infer_param_types(stmt: StatementInfo, given: Sequence[str | None],
                      column_types: ColumnTypes, client_text: str | None = None,
                      ) -> tuple[str, ...]:
    """DuckDB type names for ``$1..$n``; ``given`` (from Parse) wins where not None.

    ``stmt`` is what DuckDB runs; where translation changed it, ``client_text`` is what the
    client sent, read for the parameters the DuckDB text does not tell (its rewrites may be
    beyond the PostgreSQL parser: ``lambda e: …``)."""
    n = stmt.param_count
    result: list[str | None] = [None] * n
    for i, g in enumerate(given[:n]):
        result[i] = g
    tree = _parse(stmt.text) if n and None in result else None
    if tree is not None:
        _infer_from(tree, result, column_types)
    client = _parse(client_text) if client_text and n and None in result else None
    if client is not None:
        # PostgreSQL-only types there (::regclass, which translation turned into a lookup of
        # the text) stay unknown: text, as before translation.
        found: list[str | None] = list(result)
        _infer_from(client, found, column_types)
        result = [r if r is not None or f is None or not _is_duckdb_type(f) else f
                  for r, f in zip(result, found, strict=True)]
    return tuple(r or _TEXT for r in result)


def _is_duckdb_type(name: str) -> bool:
    try:
        duckdb.sqltype(name)
    except (duckdb.Error, ValueError, TypeError):
        return False
    return True


def _infer_from(tree: exp.Expr, result: list[str | None], column_types: ColumnTypes) -> None:
    """Fill the unknown (None) entries of ``result`` from the statement's syntax tree."""
    n = len(result)
    tables = _tables(tree)
    cache: dict[str, dict[str, str]] = {}

    def lookup(column: exp.Column) -> str | None:
        qualifier = column.table
        candidates = [tables[qualifier]] if qualifier in tables else list(dict.fromkeys(
            tables.values()))
        for table in candidates:
            if table not in cache:
                cache[table] = column_types(table)
            found = cache[table].get(column.name)
            if found is not None:
                return found
        return None

    def assign(num: int, type_name: str | None) -> None:
        if 1 <= num <= n and result[num - 1] is None and type_name:
            result[num - 1] = type_name

    for node in tree.walk():
        num = _param_number(node)
        if num is None or not 1 <= num <= n or result[num - 1] is not None:
            continue
        assign(num, _from_context(node, lookup))
    _from_insert(tree, result, column_types)


def _from_context(node: exp.Expr, lookup: Callable[[exp.Column], str | None]) -> str | None:
    parent = node.parent
    array_of = _quantified(parent)
    if array_of is not None:  # ``x = ANY($1)``, ``x <> ALL($1)``: an array of x's type
        element = _type_of(array_of, lookup)
        return f"{element}[]" if element else None
    if isinstance(parent, exp.Cast):
        return _duck_type(parent.to)
    if isinstance(parent, (exp.Limit, exp.Offset)):
        return "BIGINT"
    if isinstance(parent, _COMPARISONS):
        other = parent.expression if parent.this is node else parent.this
        return _type_of(other, lookup)
    if isinstance(parent, exp.In):
        return _type_of(parent.this, lookup)
    if isinstance(parent, exp.Between):
        return _type_of(parent.this, lookup)
    if isinstance(parent, exp.Tuple) and isinstance(parent.parent, exp.In):
        return _type_of(parent.parent.this, lookup)
    if isinstance(parent, _COMMON_TYPE_CALLS):  # coalesce(c, $1): the other arguments' type
        return _first_type([parent.this, *parent.expressions, parent.args.get("expression")],
                           node, lookup)
    if isinstance(parent, (exp.And, exp.Or, exp.Not, exp.Where, exp.Having)) or (
            isinstance(parent, exp.If) and node is parent.this):
        return "BOOLEAN"  # a condition: WHERE $1, CASE WHEN $1, $1 AND …
    if isinstance(parent, exp.If) and node is parent.args.get("true") and \
            isinstance(parent.parent, exp.Case):
        parent = parent.parent  # CASE … THEN $1: the other results' type
    if isinstance(parent, exp.Case):
        case = parent
        results = [i.args.get("true") for i in case.args.get("ifs") or []]
        return _first_type([*results, case.args.get("default")], node, lookup)
    return None


# Calls whose arguments PostgreSQL resolves to one common type (a parameter takes it).
_COMMON_TYPE_CALLS = (exp.Coalesce, exp.Greatest, exp.Least, exp.Nullif)


def _first_type(candidates: Sequence[exp.Expression | None], node: exp.Expr,
                lookup: Callable[[exp.Column], str | None]) -> str | None:
    """The first known type among ``candidates`` other than ``node``."""
    for candidate in candidates:
        if candidate is not None and candidate is not node:
            found = _type_of(candidate, lookup)
            if found is not None:
                return found
    return None


def _quantified(parent: exp.Expr | None) -> exp.Expression | None:
    """For a parameter inside ``ANY(…)`` / ``ALL(…)`` on the right of a comparison, the
    comparison's other side; else None."""
    while isinstance(parent, exp.Paren):
        parent = parent.parent
    quantifier = parent
    if isinstance(quantifier, exp.Anonymous) and str(quantifier.this).upper() in ("ANY", "ALL"):
        pass
    elif not isinstance(quantifier, (exp.Any, exp.All)):
        return None
    comparison = quantifier.parent if quantifier is not None else None
    if isinstance(comparison, _COMPARISONS) and comparison.expression is quantifier:
        other: exp.Expression = comparison.this
        return other
    return None


def _type_of(node: exp.Expression | None, lookup: Callable[[exp.Column], str | None]) -> str | None:
    if node is None:
        return None
    if isinstance(node, exp.Column):
        return lookup(node)
    if isinstance(node, exp.Bracket):  # an array's element
        array = _type_of(node.this, lookup)
        return array[:-2] if array and array.endswith("[]") else None
    if isinstance(node, exp.Cast):
        return _duck_type(node.to)
    if isinstance(node, exp.Literal):
        if node.is_string:
            return _TEXT
        return integer_literal_type(str(node.this)) or NUMERIC
    if isinstance(node, exp.Boolean):
        return "BOOLEAN"
    return None


def _tables(tree: exp.Expr) -> dict[str, str]:
    """alias (or name) → qualified table name for every table the statement reads or writes."""
    out: dict[str, str] = {}
    for table in tree.find_all(exp.Table):
        name = ".".join(p for p in (table.db, table.name) if p)
        if not table.name:
            continue
        out[table.alias_or_name] = name
        out.setdefault(table.name, name)
    return out


def _from_insert(tree: exp.Expr, result: list[str | None],
                 column_types: ColumnTypes) -> None:
    n = len(result)
    if isinstance(tree, exp.Insert):
        target = tree.this
        columns: list[str] = []
        if isinstance(target, exp.Schema):
            columns = [c.name for c in target.expressions]
            target = target.this
        if not isinstance(target, exp.Table):
            return
        types = column_types(".".join(p for p in (target.db, target.name) if p))
        if not columns:
            columns = list(types)
        values = tree.expression
        rows = [row.expressions for row in values.expressions] \
            if isinstance(values, exp.Values) else \
            [values.expressions] if isinstance(values, exp.Select) else []  # INSERT … SELECT $1
        for row in rows:
            for col, value in zip(columns, row, strict=False):
                num = _param_number(value)
                if num and 1 <= num <= n and result[num - 1] is None:
                    result[num - 1] = types.get(col)
    elif isinstance(tree, exp.Update):
        target = tree.this
        if not isinstance(target, exp.Table):
            return
        types = column_types(".".join(p for p in (target.db, target.name) if p))
        for eq in tree.expressions:
            if isinstance(eq, exp.EQ) and isinstance(eq.this, exp.Column):
                num = _param_number(eq.expression)
                if num and 1 <= num <= n and result[num - 1] is None:
                    result[num - 1] = types.get(eq.this.name)


def returning_probe(sql: str) -> str | None:
    """``SELECT <returning list> FROM <target>`` for a DML … RETURNING, to describe its rows."""
    tree = _parse(sql)
    if tree is None:
        return None
    returning = tree.args.get("returning")
    target = tree.this
    if isinstance(target, exp.Schema):
        target = target.this
    if not isinstance(returning, exp.Returning) or not isinstance(target, exp.Table):
        return None
    select = exp.select(*returning.expressions).from_(target.copy())
    return _restore_params(select.sql(dialect="duckdb"))


def _restore_params(sql: str) -> str:
    """Placeholders written back by sqlglot become typed-unknown NULLs for a DESCRIBE probe."""
    out = []
    for tok in tokenize(sql):
        out.append(tok)
    text = sql
    for tok in reversed(out):
        if tok.kind is Tok.WORD and tok.text.startswith(_PLACEHOLDER) and tok.start > 0 \
                and text[tok.start - 1] == ":":
            text = text[: tok.start - 1] + "NULL" + text[tok.end :]
    return text


def parse_set(sql: str) -> tuple[str, str | None] | None:
    """``SET [SESSION|LOCAL] name {=|TO} value`` / ``SET TIME ZONE v`` → (name, value, or None
    for DEFAULT). None when the text is not a plain parameter assignment."""
    tokens = tokenize(sql)
    words = [t.upper or t.text for t in tokens]
    i = 1
    if i < len(words) and words[i] in ("SESSION", "LOCAL"):
        if i + 1 < len(words) and words[i + 1] == "CHARACTERISTICS":
            return None
        i += 1
    if i >= len(words):
        return None
    if words[i] == "TIME" and i + 1 < len(words) and words[i + 1] == "ZONE":
        name, i = "timezone", i + 2
    elif words[i] == "NAMES":
        name, i = "client_encoding", i + 1
    else:
        name = tokens[i].text.lower()
        i += 1
        while i + 1 < len(words) and words[i] == ".":
            name += "." + tokens[i + 1].text.lower()
            i += 2
        if i < len(words) and words[i] in ("=", "TO"):
            i += 1
        else:
            return None
    if i >= len(words):
        return None
    if words[i] == "DEFAULT" and i == len(words) - 1:
        return name, None
    parts = [_value_text(t) for t in tokens[i:] if not (t.kind is Tok.OP and t.text == ",")]
    if name == "timezone" and [p.upper() for p in parts] == ["LOCAL"]:
        return name, None
    return name, ", ".join(parts)


def _value_text(tok: Token) -> str:
    if tok.kind is Tok.STRING and tok.text.startswith("'"):
        return tok.text[1:-1].replace("''", "'")
    return tok.text
