"""Result column names as PostgreSQL gives them to select items that have no alias.

DuckDB names such a column after the expression's text — ``count_star()``, ``(a + b)``,
``CAST(i AS VARCHAR)`` — where PostgreSQL (``FigureColname`` in its parser) says ``count``,
``?column?`` and ``i``. Clients read columns by name (``row["count"]``, pandas columns, BI tool
headers), so the names are rewritten to PostgreSQL's:

* a function call — also with ``OVER (…)`` or ``FILTER (…)`` — is named after the function;
* a cast (``x::type``, ``CAST(x AS type)``) takes its argument's name when that is a column or
  a function, else the type's name (``int4``, ``int8``, ``numeric``, ``text`` …);
* ``CASE … END`` is ``case``, ``ARRAY[…]`` ``array``, ``EXISTS (…)`` ``exists``,
  ``x AT TIME ZONE z`` ``timezone``;
* ``WITHIN GROUP (…)`` after a call keeps the function's name; SQL's ``TRIM(… FROM x)`` is
  ``btrim`` / ``ltrim`` / ``rtrim``; a typed literal (``interval '1 day'``) takes its type's
  name; a subscript (``a[1]``, ``(ARRAY[…])[1:2]``) and brackets (``(expr)``) take the name of
  what they hold, a scalar subquery ``(SELECT max(x) …)`` the name of its column;
* anything else that is not a plain or qualified column — literals, operators, ``$1`` — is
  ``?column?``.

Items with an alias, plain columns and ``*`` keep DuckDB's names (they are the same).
This reads tokens, not a syntax tree, because it runs on every query; the statements that
``engine.translate`` parses anyway get the same rule from its ``_figure_column_name`` (the
two agree on the cases tested here; one implementation for both is left to do). The select
list is read from the statement's tokens; when its items cannot be matched one to one with the
result's columns (a ``*``, a shape not recognised), every name stays DuckDB's.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from engine.errors import SqlError
from engine.lexer import Tok, Token, matching_bracket, tokenize

UNNAMED = "?column?"

# PostgreSQL's own name of a type as written in a cast (its FigureColname uses the type name).
_TYPE_NAMES = {
    "int": "int4", "integer": "int4", "int4": "int4", "bigint": "int8", "int8": "int8",
    "smallint": "int2", "int2": "int2", "real": "float4", "float4": "float4",
    "float": "float8", "float8": "float8", "double": "float8", "numeric": "numeric",
    "decimal": "numeric", "dec": "numeric", "text": "text", "varchar": "varchar",
    "character": "bpchar", "char": "bpchar", "bpchar": "bpchar", "boolean": "bool",
    "bool": "bool", "date": "date",
    "time": "time", "timestamp": "timestamp", "timestamptz": "timestamptz",
    "interval": "interval", "uuid": "uuid", "json": "json", "jsonb": "jsonb", "bytea": "bytea",
    "oid": "oid", "regclass": "regclass", "regtype": "regtype", "name": "name",
}
# Keywords that read like a column but are expressions with PostgreSQL names of their own.
_VALUE_KEYWORDS = frozenset({
    "current_date", "current_time", "current_timestamp", "localtime", "localtimestamp",
    "current_user", "session_user", "current_role", "current_catalog", "current_schema", "user",
})
# Words that end a select list at the top level.
_LIST_END = frozenset({"FROM", "WHERE", "GROUP", "HAVING", "WINDOW", "UNION", "INTERSECT",
                       "EXCEPT", "ORDER", "LIMIT", "OFFSET", "FETCH", "FOR", "INTO"})
# Words after which a trailing word is not an alias (``x IS NULL``, ``CASE … END``).
_NOT_ALIAS_AFTER = frozenset({"IS", "NOT", "AND", "OR", "LIKE", "ILIKE", "IN", "BETWEEN",
                              "ELSE", "THEN", "WHEN", "CASE", "SIMILAR", "DISTINCT", "FROM",
                              "OVER"})  # rank() OVER w: a window's name, not an alias
_NOT_ALIAS = frozenset({"END", "NULL", "TRUE", "FALSE"})


def _is(tok: Token, text: str) -> bool:
    return tok.kind is Tok.OP and tok.text == text


def _word(tok: Token) -> str:
    return tok.text.upper() if tok.kind is Tok.WORD else ""


def _select_items(tokens: Sequence[Token]) -> list[list[Token]] | None:
    """The top-level select list's items (a write's RETURNING list), or None when the
    statement has none to read."""
    depth, start = 0, None
    writes = bool(tokens) and _word(tokens[0]) in ("INSERT", "UPDATE", "DELETE", "MERGE")
    for i, tok in enumerate(tokens):
        if tok.kind is Tok.OP and tok.text in "([":
            depth += 1
        elif tok.kind is Tok.OP and tok.text in ")]":
            depth -= 1
        elif depth == 0 and _word(tok) == ("RETURNING" if writes else "SELECT"):
            start = i + 1
            break
    if start is None:
        return None
    while start < len(tokens) and _word(tokens[start]) in ("ALL", "DISTINCT"):
        if _word(tokens[start]) == "DISTINCT" and start + 1 < len(tokens) and \
                _word(tokens[start + 1]) == "ON":
            start = matching_bracket(tokens, start + 2) + 1
        else:
            start += 1
    items: list[list[Token]] = [[]]
    depth = 0
    for i, tok in enumerate(tokens[start:], start):
        if tok.kind is Tok.OP and tok.text in "([":
            depth += 1
        elif tok.kind is Tok.OP and tok.text in ")]":
            depth -= 1
        if depth == 0 and (_word(tok) in _LIST_END or tok.kind is Tok.SEMI) and not (
                _word(tok) == "GROUP" and _word(tokens[i - 1]) == "WITHIN"):
            break
        if depth == 0 and _is(tok, ","):
            items.append([])
        else:
            items[-1].append(tok)
    return items if all(items) else None


_TYPE_WORDS = frozenset({"PRECISION", "VARYING", "WITH", "WITHOUT", "TIME", "ZONE"})


def _type_tail(tokens: Sequence[Token]) -> bool:
    """Is this exactly a type name: ``numeric(5, 2)``, ``double precision``, ``int[]``?"""
    if not tokens or tokens[0].kind not in (Tok.WORD, Tok.IDENT):
        return False
    i = 1
    while i < len(tokens) and (_word(tokens[i]) in _TYPE_WORDS or _is(tokens[i], ".") or
                               (_is(tokens[i - 1], ".") and tokens[i].kind is not Tok.OP)):
        i += 1
    if i < len(tokens) and _is(tokens[i], "("):
        close = matching_bracket(tokens, i)
        if close >= len(tokens) or not all(t.kind is Tok.NUMBER or _is(t, ",")
                                           for t in tokens[i + 1:close]):
            return False
        i = close + 1
    while i + 1 < len(tokens) and _is(tokens[i], "[") and _is(tokens[i + 1], "]"):
        i += 2
    return i == len(tokens)


def _type_name(tokens: Sequence[Token]) -> str:
    words = [t.text.lower() for t in tokens if t.kind in (Tok.WORD, Tok.IDENT)]
    if words[0] == "timestamp" and "zone" in words and "without" not in words:
        return "timestamptz"
    if words[0] == "character" and len(words) > 1 and words[1] == "varying":
        return "varchar"
    name = words[-1] if any(_is(t, ".") for t in tokens) else words[0]
    if name == "float" and len(tokens) > 2 and _is(tokens[1], "(") \
            and tokens[2].kind is Tok.NUMBER and int(tokens[2].text) <= 24:
        return "float4"  # float(p): real up to 24 bits of precision
    return _TYPE_NAMES.get(name, name)


def _top_level_cast(item: Sequence[Token]) -> int:
    """Index of the ``::`` that casts the whole item (the last one at the top level, followed
    by a bare type), or -1."""
    depth, at = 0, -1
    for i, tok in enumerate(item):
        if tok.kind is Tok.OP and tok.text in "([":
            depth += 1
        elif tok.kind is Tok.OP and tok.text in ")]":
            depth -= 1
        elif depth == 0 and i + 1 < len(item) and _is(tok, ":") and _is(item[i + 1], ":"):
            at = i
    if at > 0 and _type_tail(item[at + 2:]) and _primary(item[:at]):
        return at
    return -1


def _primary(item: Sequence[Token]) -> bool:
    """One operand (that a cast can apply to as a whole): a literal (a typed one too:
    ``interval '1 day'``), a parameter, a column, a function call, a bracketed expression,
    ``ARRAY[…]``, or a cast of one."""
    n = len(item)
    if n == 1 or (item[-1].kind is Tok.STRING and _type_tail(item[:-1])):
        return True
    if all(_is(t, ".") == (k % 2 == 1) for k, t in enumerate(item)):
        return True
    if (_is(item[0], "(") or (_word(item[0]) == "ARRAY" and _is(item[1], "["))) and \
            matching_bracket(item, 1 if _word(item[0]) == "ARRAY" else 0) == n - 1:
        return True
    if item[0].kind in (Tok.WORD, Tok.IDENT) and _is(item[1], "(") and \
            matching_bracket(item, 1) == n - 1:
        return True
    return _top_level_cast(item) > 0


def _name(item: Sequence[Token]) -> tuple[str | None, bool]:
    """(PostgreSQL's name, whether it is a strong one: a column's or a function's), or
    (None, True) where DuckDB's name is already right (a column, an alias)."""
    n = len(item)
    first, last = item[0], item[-1]
    if n == 1 and first.kind is Tok.WORD:
        lowered = first.text.lower()
        if lowered in _VALUE_KEYWORDS:
            return lowered, True
        if lowered in ("true", "false", "null"):
            return UNNAMED, False
    if all(t.kind in (Tok.WORD, Tok.IDENT) if k % 2 == 0 else _is(t, ".")
           for k, t in enumerate(item)) and n % 2 == 1:
        return None, True  # a (qualified) column: DuckDB's name is the same
    if _is(first, "(") and matching_bracket(item, 0) == n - 1 and n > 2:
        if _word(item[1]) == "SELECT":  # a scalar subquery: named as its one column
            items = _select_items(item[1:-1])
            if not items or (len(items[0]) == 1 and _is(items[0][0], "*")):
                return UNNAMED, False
            name, strong = _name(items[0])
            return (_column_name(items[0]), True) if name is None else (name, strong)
        if _word(item[1]) not in ("WITH", "VALUES"):
            return _name(item[1:-1])  # (expr) is named as expr
    if last.kind is Tok.STRING and _type_tail(item[:-1]):
        return _type_name(item[:-1]), False  # a typed literal: interval '1 day'
    if _is(last, "]"):
        subscripted = _subscripted(item)
        if subscripted is not None:  # x[1], (ARRAY[…])[1:2]: named as what is subscripted
            inner, strong = _name(subscripted)
            return (_column_name(subscripted), True) if inner is None else (inner, strong)
    zone_at = _at_time_zone(item)
    if zone_at > 0:
        return "timezone", True  # PostgreSQL's parser makes it a call of timezone(zone, x)
    cast_at = _top_level_cast(item)
    if cast_at > 0:
        inner, strong = _name(item[:cast_at])
        if inner is None:  # a plain column: PostgreSQL keeps its name
            return _column_name(item[:cast_at]), True
        if strong:
            return inner, True
        return _type_name(item[cast_at + 2:]), False
    if n >= 2 and last.kind in (Tok.WORD, Tok.IDENT) and _word(last) not in _NOT_ALIAS:
        prev = item[-2]
        if not (prev.kind is Tok.OP and prev.text not in ")]") and \
                _word(prev) not in _NOT_ALIAS_AFTER:
            return None, True  # ``expr alias`` or ``expr AS alias``: DuckDB uses the alias
    word = _word(first)
    if word == "CASE" and _word(last) == "END":
        return "case", False
    if word == "ARRAY" and n >= 2 and _is(item[1], "[") and matching_bracket(item, 1) == n - 1:
        return "array", False
    if first.kind in (Tok.WORD, Tok.IDENT) and n >= 3 and _is(item[1], "("):
        close = matching_bracket(item, 1)
        if close < n and _function_tail(item[close + 1:]):
            if word == "CAST":
                at = [i for i, t in enumerate(item[2:close], 2) if _word(t) == "AS"]
                if not at or not _type_tail(item[at[-1] + 1:close]):
                    return UNNAMED, False
                inner, strong = _name(item[2:at[-1]])
                if inner is None:
                    return _column_name(item[2:at[-1]]), True
                if strong:
                    return inner, True
                return _type_name(item[at[-1] + 1:close]), False
            if word == "EXISTS":
                return "exists", False
            if word == "TRIM":  # SQL's TRIM syntax is PostgreSQL's btrim/ltrim/rtrim
                side = _word(item[2]) if close > 2 else ""
                return {"LEADING": "ltrim", "TRAILING": "rtrim"}.get(side, "btrim"), True
            return (first.text if first.kind is Tok.IDENT else first.text.lower()), True
    return UNNAMED, False


def _at_time_zone(item: Sequence[Token]) -> int:
    """Index of the ``AT`` of ``x AT TIME ZONE zone`` when that is the whole item (both sides
    one operand each), or -1."""
    for k in range(1, len(item) - 3):
        if [_word(t) for t in item[k:k + 3]] == ["AT", "TIME", "ZONE"]:
            return k if _operand(item[:k]) and _operand(item[k + 3:]) else -1
    return -1


def _operand(item: Sequence[Token]) -> bool:
    """One operand: what ``_primary`` accepts, or a typed literal (``timestamp '…'``)."""
    return _primary(item) or (len(item) >= 2 and item[-1].kind is Tok.STRING
                              and _type_tail(item[:-1]))


def _subscripted(item: Sequence[Token]) -> Sequence[Token] | None:
    """What the trailing ``[…]`` of ``item`` subscripts, when that is one operand."""
    for k in range(len(item) - 1, 0, -1):
        if _is(item[k], "[") and matching_bracket(item, k) == len(item) - 1:
            return item[:k] if _primary(item[:k]) else None
    return None


def _function_tail(rest: Sequence[Token]) -> bool:
    """Nothing, or ``OVER (…)`` / ``OVER name`` / ``FILTER (…)`` / ``WITHIN GROUP (…)`` after a
    function call."""
    i = 0
    while i < len(rest):
        word = _word(rest[i])
        if word == "WITHIN" and i + 2 < len(rest) and _word(rest[i + 1]) == "GROUP" and \
                _is(rest[i + 2], "("):
            i = matching_bracket(rest, i + 2) + 1
            continue
        if word in ("OVER", "FILTER") and i + 1 < len(rest):
            if _is(rest[i + 1], "("):
                i = matching_bracket(rest, i + 1) + 1
                continue
            if word == "OVER" and rest[i + 1].kind in (Tok.WORD, Tok.IDENT):
                i += 2
                continue
        return False
    return True


def _column_name(item: Sequence[Token]) -> str:
    name = [t for t in item if t.kind in (Tok.WORD, Tok.IDENT)][-1]
    return name.text if name.kind is Tok.IDENT else name.text.lower()


def _values_statement(sql: str) -> bool:
    try:
        tokens = tokenize(sql)
    except SqlError:
        return False
    return bool(tokens) and _word(tokens[0]) == "VALUES"


@lru_cache(maxsize=4096)
def postgres_names(sql: str) -> tuple[str | None, ...] | None:
    """For each item of the statement's select list, PostgreSQL's column name where it differs
    from what DuckDB would say (None: keep DuckDB's); None when the list cannot be read."""
    try:
        items = _select_items(tokenize(sql))
    except SqlError:  # a statement we cannot read keeps DuckDB's names
        return None
    if items is None or any(len(i) == 1 and _is(i[0], "*") for i in items) or \
            any(len(i) >= 2 and _is(i[-1], "*") and _is(i[-2], ".") for i in items):
        return None
    return tuple(_name(item)[0] for item in items)


def renamed(sql: str, names: Sequence[str]) -> list[str] | None:
    """``names`` (DuckDB's, one per result column) with PostgreSQL's where they differ; None
    when nothing changes."""
    if _values_statement(sql) and list(names) == [f"col{i}" for i in range(len(names))]:
        return [f"column{i + 1}" for i in range(len(names))]  # VALUES (…): column1, column2
    wanted = postgres_names(sql)
    if wanted is None or len(wanted) != len(names):
        return None
    out = [w if w is not None else n for w, n in zip(wanted, names, strict=True)]
    return out if out != list(names) else None
