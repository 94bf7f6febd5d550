"""engine.literals: PostgreSQL's text input for bytea, arrays and booleans, and literals
rewritten for DuckDB."""

from __future__ import annotations

from typing import Any

import duckdb
import psycopg
import pytest

from engine.errors import SqlError
from engine.literals import (
    boolean_from_text,
    bytea_from_text,
    duckdb_blob_literal,
    with_column_literals,
)

BYTEA_INPUT = [
    (r"\x0102ff", b"\x01\x02\xff"),
    (r"\xDEADbeef", b"\xde\xad\xbe\xef"),
    ("\\x01 02\n03", b"\x01\x02\x03"),  # whitespace between digit pairs
    (r"\x", b""),
    ("", b""),
    ("plain", b"plain"),
    (r"abc\000\\d\101", b"abc\x00\\dA"),
    (r"\377\\", b"\xff\\"),
    ("é", "é".encode()),
]


@pytest.mark.parametrize(("text", "expected"), BYTEA_INPUT)
def test_bytea_input(text: str, expected: bytes) -> None:
    assert bytea_from_text(text) == expected


@pytest.mark.parametrize(("text", "sqlstate", "message"), [
    (r"\xZZ", "22023", 'invalid hexadecimal digit: "Z"'),
    (r"\x012", "22023", "odd number of digits"),
    (r"\x0 1", "22023", 'invalid hexadecimal digit: " "'),
    (r"\X01", "22P02", "invalid input syntax for type bytea"),  # only a lower-case x
    (r"a\q", "22P02", "invalid input syntax for type bytea"),
    ("a\\", "22P02", "invalid input syntax for type bytea"),
    (r"\400", "22P02", "invalid input syntax for type bytea"),
])
def test_bad_bytea_input(text: str, sqlstate: str, message: str) -> None:
    with pytest.raises(SqlError, match=message) as info:
        bytea_from_text(text)
    assert info.value.sqlstate == sqlstate


def test_duckdb_reads_the_literal_as_the_same_bytes() -> None:
    data = bytes(range(256)) + b"'\\x41"
    with duckdb.connect() as con:
        [(value,)] = con.execute(f"SELECT {duckdb_blob_literal(data)}").fetchall()
    assert value == data


@pytest.mark.parametrize(("text", "expected"), [
    ("t", True), ("TRUE", True), (" tr ", True), ("yes", True), ("Y", True), ("on", True),
    ("1", True), ("f", False), ("fals", False), ("no", False), ("off", False), ("OF", False),
    ("0", False), ("o", None), ("", None), ("truee", None), ("2", None), ("yess", None),
])
def test_boolean_input(text: str, expected: bool | None) -> None:
    assert boolean_from_text(text) is expected


TYPES = {"blobs": {"id": "INTEGER", "v": "BLOB", "t": "VARCHAR", "ok": "BOOLEAN",
                   "tags": "VARCHAR[]", "nums": "INTEGER[]"},
         '"S"."T"': {"B": "BLOB"}}


def rewrite(sql: str) -> str | None:
    return with_column_literals(sql, TYPES.__getitem__)


@pytest.mark.parametrize(("sql", "expected"), [
    (r"INSERT INTO blobs VALUES (1, '\x4142', '\x4142'), (2, 'é', 'é')",
     r"INSERT INTO blobs VALUES (1, 'AB'::BLOB, '\x4142'), (2, '\xc3\xa9'::BLOB, 'é')"),
    (r"INSERT INTO blobs (t, V) VALUES ('\x41', '\x41') RETURNING v",
     r"INSERT INTO blobs (t, V) VALUES ('\x41', 'A'::BLOB) RETURNING v"),
    (r"INSERT INTO blobs AS b (v) VALUES (E'\\x41') ON CONFLICT (id) DO UPDATE SET v = '\x42'",
     r"INSERT INTO blobs AS b (v) VALUES ('A'::BLOB) ON CONFLICT (id) DO UPDATE SET v = '\x42'"),
    (r"""INSERT INTO "S"."T" ("B") VALUES ('a\\b')""",
     r"""INSERT INTO "S"."T" ("B") VALUES ('a\x5cb'::BLOB)"""),
    (r"UPDATE blobs b SET t = '\x41', v = '\x41' WHERE t = '\x41'",
     r"UPDATE blobs b SET t = '\x41', v = 'A'::BLOB WHERE t = '\x41'"),
    (r"UPDATE blobs SET v = '\x41'", r"UPDATE blobs SET v = 'A'::BLOB"),
    ("""INSERT INTO blobs (tags, nums, t) VALUES ('{a,"b c",NULL}', '{1, 2}', '{x}')""",
     """INSERT INTO blobs (tags, nums, t) VALUES ('[''a'', ''b c'', NULL]', '[''1'', ''2'']', \
'{x}')"""),
    ("INSERT INTO blobs (ok, t) VALUES ('on', 'on'), ('OFF', 'off'), ('yes', 'ye')",
     "INSERT INTO blobs (ok, t) VALUES (TRUE, 'on'), (FALSE, 'off'), (TRUE, 'ye')"),
    ("UPDATE blobs SET ok = ' of ', tags = '{}' WHERE ok = 'on'",
     "UPDATE blobs SET ok = FALSE, tags = '[]' WHERE ok = TRUE"),
])
def test_literals_bound_for_typed_columns(sql: str, expected: str) -> None:
    assert rewrite(sql) == expected


@pytest.mark.parametrize("sql", [
    r"INSERT INTO blobs VALUES (1, '\x41' || '\x42', 'x')",  # an expression: left to DuckDB
    r"INSERT INTO blobs VALUES (1, '\x41'::bytea, 'x')",  # the cast is translated instead
    r"INSERT INTO blobs (t) VALUES ('\x41')",
    r"INSERT INTO blobs VALUES (1, 'ascii', 'x')",
    r"INSERT INTO blobs SELECT 1, '\x41', 'x'",
    r"UPDATE blobs SET v = '\x41' || v",
    r"SELECT '\x41'",
    "INSERT INTO blobs (ok, tags) VALUES ('o', '{{1}}')",  # not PostgreSQL's either: DuckDB says
])
def test_other_statements_are_left_alone(sql: str) -> None:
    assert rewrite(sql) is None


COMPARED_TYPES = {**TYPES, "dated": {"id": "INTEGER", "d": "DATE", "ok": "VARCHAR"},
                  "other": {"id": "INTEGER", "v": "BLOB"}}


def rewrite_compared(sql: str) -> str | None:
    return with_column_literals(sql, lambda table: COMPARED_TYPES.get(table, {}))


@pytest.mark.parametrize(("sql", "expected"), [
    ("SELECT * FROM blobs WHERE ok = 'off'", "SELECT * FROM blobs WHERE ok = FALSE"),
    ("SELECT * FROM blobs WHERE 'on' <> ok", "SELECT * FROM blobs WHERE TRUE <> ok"),
    ("SELECT * FROM blobs WHERE ok IN ('on', 'y')", "SELECT * FROM blobs WHERE ok IN (TRUE, 'y')"),
    ("SELECT * FROM blobs WHERE ok NOT IN ('off', NULL)",
     "SELECT * FROM blobs WHERE ok NOT IN (FALSE, NULL)"),
    (r"DELETE FROM blobs WHERE v = '\x41' AND id > 1",
     "DELETE FROM blobs WHERE v = 'A'::BLOB AND id > 1"),
    ("SELECT * FROM blobs b WHERE b.tags = '{a}' OR b.tags = '{}'",
     "SELECT * FROM blobs b WHERE b.tags = '[''a'']' OR b.tags = '[]'"),
    ("SELECT * FROM dated WHERE d BETWEEN 'Jan 1, 2024' AND '01/31/2024'",
     "SELECT * FROM dated WHERE d BETWEEN '2024-01-01' AND '2024-01-31'"),
    ("SELECT * FROM dated AS x JOIN blobs ON x.id = blobs.id WHERE (x.d >= 'Jan 1, 2024')",
     "SELECT * FROM dated AS x JOIN blobs ON x.id = blobs.id WHERE (x.d >= '2024-01-01')"),
    # d is DATE in dated only; ok is BOOLEAN in blobs and VARCHAR in dated: qualified only.
    ("SELECT * FROM dated, blobs WHERE d <= 'Feb 1, 2024' AND blobs.ok = 'on' AND ok = 'on'",
     "SELECT * FROM dated, blobs WHERE d <= '2024-02-01' AND blobs.ok = TRUE AND ok = 'on'"),
    ("WITH c AS (SELECT 1) SELECT * FROM blobs WHERE ok = 'off' AND t = 'off'",
     "WITH c AS (SELECT 1) SELECT * FROM blobs WHERE ok = FALSE AND t = 'off'"),
    ("SELECT CASE WHEN ok = 'on' THEN 1 END FROM blobs",
     "SELECT CASE WHEN ok = TRUE THEN 1 END FROM blobs"),
    # each SELECT by its own FROM list, then the enclosing ones' (a correlated column)
    ("SELECT * FROM dated WHERE ok = 'on' AND id IN (SELECT id FROM blobs WHERE ok = 'on')",
     "SELECT * FROM dated WHERE ok = 'on' AND id IN (SELECT id FROM blobs WHERE ok = TRUE)"),
    ("SELECT * FROM blobs b WHERE EXISTS (SELECT 1 FROM dated WHERE b.ok = 'off' AND "
     "d = 'Jan 1, 2024')",
     "SELECT * FROM blobs b WHERE EXISTS (SELECT 1 FROM dated WHERE b.ok = FALSE AND "
     "d = '2024-01-01')"),
    ("SELECT * FROM (SELECT * FROM blobs) s WHERE s.ok = 'on'",  # s's ok is blobs' ok
     "SELECT * FROM (SELECT * FROM blobs) s WHERE s.ok = TRUE"),
    ("SELECT * FROM blobs WHERE id IN (SELECT id FROM (SELECT 1 AS id) s WHERE ok = 'on')",
     "SELECT * FROM blobs WHERE id IN (SELECT id FROM (SELECT 1 AS id) s WHERE ok = TRUE)"),
    ("SELECT * FROM blobs b WHERE b.ok = 'on' FOR UPDATE OF b",
     "SELECT * FROM blobs b WHERE b.ok = TRUE FOR UPDATE OF b"),
    ("UPDATE blobs SET id = 2 WHERE id IN (SELECT id FROM dated WHERE tags = '{}')",
     "UPDATE blobs SET id = 2 WHERE id IN (SELECT id FROM dated WHERE tags = '[]')"),
])
def test_literals_compared_with_typed_columns(sql: str, expected: str) -> None:
    assert rewrite_compared(sql) == expected


@pytest.mark.parametrize("sql", [
    "SELECT * FROM blobs WHERE t = 'off'",  # a text column: the text stays
    "SELECT * FROM blobs WHERE t || ok = 'off'",  # not a whole operand
    "SELECT * FROM blobs WHERE ok = 'off' || 'x'",
    "SELECT * FROM blobs WHERE ok = 'off'::text",
    "SELECT * FROM blobs WHERE lower(ok) = 'off'",
    "SELECT * FROM (SELECT 'x' AS ok) s WHERE ok = 'off'",  # a subquery's columns: unknown
    "SELECT * FROM missing WHERE ok = 'off'",
    "SELECT * FROM blobs WHERE ok IN ('on' || 'x', 'off')",
    "SELECT * FROM blobs WHERE x.ok = 'off'",  # an unknown qualifier
    # a derived column over a base one of the same name: the subquery's type, not blobs'
    "SELECT * FROM (SELECT CAST(ok AS text) AS ok FROM blobs) s WHERE ok = 'off'",
    "WITH blobs AS (SELECT 'x' AS ok) SELECT * FROM blobs WHERE ok = 'off'",  # a CTE hides it
])
def test_other_comparisons_are_left_alone(sql: str) -> None:
    assert rewrite_compared(sql) is None


def test_no_catalog_lookup_without_a_misread_literal() -> None:
    def never(table: str) -> dict[str, str]:
        raise AssertionError(table)

    assert with_column_literals("INSERT INTO blobs VALUES (1, 'x', 'y')", never) is None
    assert with_column_literals("INSERT INTO missing VALUES ('\\x41')", lambda table: {}) is None


@pytest.mark.integration
def test_literals_in_nested_queries_as_postgresql(
        ours_and_pg15: tuple[psycopg.Connection[Any], psycopg.Connection[Any]]) -> None:
    # A literal is read by the type of the column it is compared with, found in the FROM list
    # of its own SELECT, then the enclosing ones': never a base column that a subquery renames.
    results = []
    for conn in ours_and_pg15:
        conn.execute("DROP TABLE IF EXISTS flags")
        conn.execute("CREATE TABLE flags (g int, ok boolean, d date)")
        conn.execute("INSERT INTO flags VALUES (1, true, '2024-01-05'), (2, false, '2024-02-01'), "
                     "(3, false, '2024-01-20')")
        queries = [
            "SELECT count(*) FROM (SELECT CAST(ok AS text) AS ok FROM flags) s WHERE ok = 'off'",
            "SELECT g FROM flags f WHERE EXISTS (SELECT 1 FROM flags m WHERE f.ok = 'off' "
            "AND m.d BETWEEN 'Jan 1, 2024' AND 'Jan 31, 2024' AND m.g = f.g) ORDER BY g",
            "WITH late AS (SELECT g FROM flags WHERE d > 'Jan 10, 2024') "
            "SELECT g FROM flags WHERE ok = 'no' AND g IN (SELECT g FROM late) ORDER BY g",
            "SELECT count(*) FROM (SELECT * FROM flags) AS s WHERE s.ok = 'off'",
        ]
        results.append([conn.execute(sql).fetchall() for sql in queries])
        conn.execute("DROP TABLE flags")
    assert results[0] == results[1]
    assert results[0] == [[(0,)], [(3,)], [(2,), (3,)], [(2,)]]
