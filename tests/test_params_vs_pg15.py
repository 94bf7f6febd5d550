"""Parameters and integer arithmetic through real drivers, compared with PostgreSQL 15.

psycopg sends a small Python ``int`` as ``int2``, in text and in binary format; asyncpg encodes
each argument by the type the server describes. A result column's described type must be the
type of the bytes that follow (a binary client reads ``int2`` as two bytes), and that type
must be PostgreSQL's: ``int2 * 1000`` is an ``integer``, ``int2 * int2`` overflows at 32767.
Each case runs on PixelSQL and on PostgreSQL 15 and compares rows, type OIDs and SQLSTATEs.
"""

from __future__ import annotations

import asyncio
from typing import Any

import psycopg
import pytest

from tests.conftest import RunningServer
from tests.pg15 import PostgresCluster

CASES: list[tuple[str, tuple[object, ...]]] = [
    ("SELECT %s", (5,)),
    ("SELECT %s + 1", (5,)),
    ("SELECT -%s", (5,)),
    ("SELECT %s * 1000", (100,)),
    ("SELECT %s * %s", (300, 300)),  # int2 * int2: smallint out of range
    ("SELECT %s * %s", (300, 30000000)),
    ("SELECT %s / 2, %s %% 4", (7, 7)),
    ("SELECT x + %s FROM (VALUES (1::int2)) v(x)", (5,)),
    ("SELECT %s", (3_000_000_000,)),
    ("SELECT %s + 1.5", (2,)),
    ("SELECT %s", (1.5,)),
    ("SELECT %s::int2, %s::int8", (5, 5)),
    ("SELECT %s = 5, %s > 1", (5, 5)),
    ("SELECT a * %s FROM params_sm", (3,)),
    ("SELECT a * 2, 2 * a, a * -2, a + 1 FROM params_sm", ()),
    ("SELECT 20000::int2 * 2, 1 + 1::int2 * 30000", ()),
    ("SELECT a * a FROM params_sm", ()),  # int2 * int2 overflows in both
]
SETUP = ("DROP TABLE IF EXISTS params_sm", "CREATE TABLE params_sm (a smallint)",
         "INSERT INTO params_sm VALUES (20000)")


def _outcome(conn: psycopg.Connection[Any], sql: str, params: tuple[object, ...],
             binary: bool) -> object:
    try:
        cur = conn.cursor(binary=binary)
        cur.execute(sql, params)
        assert cur.description is not None
        return cur.fetchall(), [d.type_code for d in cur.description]
    except psycopg.Error as exc:
        return "error", exc.sqlstate


@pytest.mark.parametrize("binary", [False, True], ids=["text", "binary"])
@pytest.mark.parametrize(("sql", "params"), CASES)
def test_psycopg_parameters_as_in_postgresql(both: tuple[psycopg.Connection[Any], ...],
                                             sql: str, params: tuple[object, ...],
                                             binary: bool) -> None:
    ours, theirs = (_outcome(conn, sql, params, binary) for conn in both)
    assert ours == theirs


ASYNCPG_CASES: list[tuple[str, tuple[object, ...]]] = [
    ("SELECT $1 + 1", (5,)),
    ("SELECT $1 * 1000", (100,)),
    ("SELECT $1 + 3000000000", (5,)),
    ("SELECT $1 + 1.5", (2,)),
    ("SELECT $1::int2 * 2", (20000,)),
    ("SELECT $1::int2 * $2::int2", (300, 300)),
    # a parameter takes the common type of the other arguments or results
    ("SELECT coalesce($1, 2)", (5,)),
    ("SELECT greatest($1, 2.5)", (3,)),
    ("SELECT CASE WHEN $1 THEN $2 ELSE 7 END", (True, 5)),
    ("SELECT nullif($1, 0)", (4,)),
]


async def _asyncpg_outcomes(url: str) -> list[object]:
    import asyncpg

    conn = await asyncpg.connect(url, timeout=10)
    out: list[object] = []
    try:
        for sql, args in ASYNCPG_CASES:
            try:
                value = await conn.fetchval(sql, *args)
                out.append((value, type(value).__name__))
            except asyncpg.PostgresError as exc:
                out.append(("error", exc.sqlstate))
    finally:
        await conn.close()
    return out


def test_asyncpg_parameters_as_in_postgresql(server: RunningServer,
                                             pg15: PostgresCluster) -> None:
    ours = asyncio.run(_asyncpg_outcomes(server.url()))
    theirs = asyncio.run(_asyncpg_outcomes(pg15.dsn()))
    assert ours == theirs
    assert ours[0] == (6, "int")
