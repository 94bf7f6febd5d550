"""asyncpg against a running PixelSQL server.

asyncpg is the strictest common client: it only speaks the extended protocol, always asks for
binary results, and encodes every argument by the parameter type the server reports in
ParameterDescription, so these tests exercise PixelSQL's parameter type inference, Describe,
binary encoders, Execute row limits (cursors), binary COPY FROM STDIN and connection pools.
"""

from __future__ import annotations

import asyncio
import io
import uuid
from collections.abc import Awaitable, Callable, Coroutine
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, TypeVar

import asyncpg
import pytest

from tests.conftest import RunningServer

pytestmark = pytest.mark.integration

T = TypeVar("T")


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(asyncio.wait_for(coro, 60))


def with_conn(server: RunningServer,
              body: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
    async def main() -> T:
        conn = await asyncpg.connect(server.url(), timeout=10)
        try:
            return await body(conn)
        finally:
            await conn.close()
    return run(main())


# -- fetch, fetchrow, fetchval with parameters -----------------------------------------------------

TYPED_TABLE = """CREATE TABLE {name} (
    id INTEGER PRIMARY KEY, i2 SMALLINT, i4 INTEGER, i8 BIGINT, f4 REAL, f8 DOUBLE PRECISION,
    num NUMERIC(12, 4), b BOOLEAN, t TEXT, vc VARCHAR, bt BYTEA, d DATE, tm TIME,
    ts TIMESTAMP, tstz TIMESTAMPTZ, iv INTERVAL, u UUID, j JSON, atxt TEXT[])"""

TYPED_ROW: tuple[object, ...] = (
    -5, 100000, 2**40, 1.5, 2.25, Decimal("1234.5678"), True, "tab\there ✓ \\ 'q'", "vc",
    b"\x00\x01\xff", date(2024, 2, 29), time(13, 45, 56, 789012),
    datetime(2024, 2, 29, 13, 45, 56, 789012), datetime(2024, 2, 29, 13, 45, 56, tzinfo=UTC),
    timedelta(days=1, seconds=3, microseconds=5), uuid.UUID(int=12345), '{"k": [1, 2]}',
    ["a", None, "b,c", '"'],
)
COLUMNS = ("id", "i2", "i4", "i8", "f4", "f8", "num", "b", "t", "vc", "bt", "d", "tm", "ts",
           "tstz", "iv", "u", "j", "atxt")


def test_insert_and_fetch_every_type(server: RunningServer) -> None:
    table = unique("apg_typed")

    async def body(conn: asyncpg.Connection) -> None:
        await conn.execute(TYPED_TABLE.format(name=table))
        marks = ", ".join(f"${i}" for i in range(1, len(COLUMNS) + 1))
        status = await conn.execute(f"INSERT INTO {table} VALUES ({marks})", 1, *TYPED_ROW)
        assert status == "INSERT 0 1"
        row = await conn.fetchrow(f"SELECT * FROM {table} WHERE id = $1", 1)
        assert row is not None
        assert tuple(row.keys()) == COLUMNS
        got = dict(row)
        assert got.pop("j").replace(" ", "") == '{"k":[1,2]}'
        expected = dict(zip(COLUMNS, (1, *TYPED_ROW), strict=True))
        expected.pop("j")
        assert got == expected
        # Parameters typed by the columns they are compared with.
        found = await conn.fetch(
            f"SELECT id FROM {table} WHERE i8 = $1 AND d = $2 AND tstz = $3 AND u = $4 "
            "AND num > $5 AND b = $6 AND t LIKE $7 AND iv = $8",
            2**40, date(2024, 2, 29), datetime(2024, 2, 29, 13, 45, 56, tzinfo=UTC),
            uuid.UUID(int=12345), Decimal("1"), True, "tab%", timedelta(days=1, seconds=3,
                                                                         microseconds=5))
        assert [r["id"] for r in found] == [1]

    with_conn(server, body)


@pytest.mark.parametrize(
    ("sql", "args", "expected"),
    [
        ("SELECT $1::int2 + 1", (41,), 42),
        ("SELECT $1::int4 * 2", (21,), 42),
        ("SELECT $1::int8 - 1", (2**62,), 2**62 - 1),
        ("SELECT $1::float8 / 2", (5.0,), 2.5),
        ("SELECT $1::float4", (0.5,), 0.5),
        ("SELECT $1::numeric(10,3)", (Decimal("3.142"),), Decimal("3.142")),
        ("SELECT $1::boolean", (False,), False),
        ("SELECT upper($1::text)", ("héllo",), "HÉLLO"),
        ("SELECT $1::bytea", (b"\x00\xff",), b"\x00\xff"),
        ("SELECT $1::date + 1", (date(2024, 2, 28),), date(2024, 2, 29)),
        ("SELECT $1::time", (time(1, 2, 3),), time(1, 2, 3)),
        ("SELECT $1::timestamp", (datetime(2000, 1, 1, 0, 0, 1),), datetime(2000, 1, 1, 0, 0, 1)),
        ("SELECT $1::timestamptz", (datetime(2000, 1, 1, tzinfo=UTC),),
         datetime(2000, 1, 1, tzinfo=UTC)),
        ("SELECT $1::interval", (timedelta(hours=-5),), timedelta(hours=-5)),
        ("SELECT $1::uuid", (uuid.UUID(int=7),), uuid.UUID(int=7)),
        ("SELECT $1::text[]", (["a", "b c", None],), ["a", "b c", None]),
        ("SELECT $1::int4 + $2::int4", (40, 2), 42),
        ("SELECT length($1)", ("abcd",), 4),
        ("SELECT $1 || 'x'", ("abc",), "abcx"),
        ("SELECT 1 LIMIT $1", (5,), 1),
        ("SELECT CAST($1 AS BIGINT)", (7,), 7),
        ("SELECT $1::int4 IS NULL", (None,), True),
        # statements the server rewrites for DuckDB (engine.pgfunctions): the parameter types
        # still come from the client's text
        ("SELECT array_replace($1::int[], 2, 3)", ([1, 2],), [1, 3]),
        ("SELECT to_char($1::timestamp, 'FMDay DD Mon')", (datetime(2024, 5, 7),),
         "Tuesday 07 May"),
        ("SELECT jsonb_typeof($1::jsonb)", ('{"a": 1}',), "object"),
        ("SELECT width_bucket($1::float8, 0, 10, 5)", (5.0,), 3),
        ("SELECT substring($1::text from 'h(o)m')", ("Thomas",), "o"),
    ],
)
def test_fetchval_with_typed_parameters(server: RunningServer, sql: str,
                                        args: tuple[object, ...], expected: object) -> None:
    async def body(conn: asyncpg.Connection) -> object:
        return await conn.fetchval(sql, *args)

    got = with_conn(server, body)
    assert got == expected
    assert isinstance(got, type(expected))


def test_arrays_of_every_element_type(server: RunningServer) -> None:
    # asyncpg has built-in codecs only for text[] and oid[]; for other array types it asks the
    # server's pg_type, pg_range and pg_namespace (the catalog emulation) first.
    table = unique("apg_arrays")
    row = ([1, None, 3], [2**40], [1.5, -2.0], [True, None], [date(2024, 1, 1)],
           [Decimal("1.25")], [uuid.UUID(int=3)])

    async def body(conn: asyncpg.Connection) -> None:
        await conn.execute(f"CREATE TABLE {table} (i4 INTEGER[], i8 BIGINT[], f8 DOUBLE[], "
                           "b BOOLEAN[], d DATE[], n NUMERIC(6,2)[], u UUID[])")
        await conn.execute(f"INSERT INTO {table} VALUES ($1, $2, $3, $4, $5, $6, $7)", *row)
        assert tuple(await conn.fetchrow(f"SELECT * FROM {table}")) == row
        assert await conn.fetchval("SELECT $1::int4[]", [1, None, 3]) == [1, None, 3]
        assert await conn.fetchval("SELECT ARRAY[1, 2]") == [1, 2]

    with_conn(server, body)


def test_fetch_many_rows_and_record_access(server: RunningServer) -> None:
    table = unique("apg_rows")

    async def body(conn: asyncpg.Connection) -> None:
        await conn.execute(f"CREATE TABLE {table} AS SELECT i FROM range(2000) AS t(i)")
        rows = await conn.fetch(
            f"SELECT i AS n, 'v' || i AS s FROM {table} WHERE i < $1 AND i % $2 = 0 ORDER BY i",
            1000, 7)
        assert len(rows) == 143
        assert rows[0]["n"] == 0 and rows[-1]["n"] == 994 and rows[-1]["s"] == "v994"
        assert rows[1][1] == "v7"
        assert await conn.fetchrow("SELECT 1 AS a WHERE false") is None
        assert await conn.fetchval("SELECT NULL::int4") is None

    with_conn(server, body)


def test_executemany(server: RunningServer) -> None:
    table = unique("apg_many")

    async def body(conn: asyncpg.Connection) -> None:
        await conn.execute(f"CREATE TABLE {table} (id INTEGER, name TEXT, stamp TIMESTAMP)")
        rows = [(i, f"n{i}", datetime(2024, 1, 1) + timedelta(minutes=i)) for i in range(500)]
        await conn.executemany(f"INSERT INTO {table} VALUES ($1, $2, $3)", rows)
        got = await conn.fetch(f"SELECT id, name, stamp FROM {table} ORDER BY id")
        assert [tuple(r) for r in got] == rows

    with_conn(server, body)


def test_executemany_is_atomic(server: RunningServer) -> None:
    # asyncpg documents executemany as atomic: its Bind/Execute messages end in one Sync, which
    # PostgreSQL runs as one transaction.
    table = unique("apg_many_atomic")

    async def body(conn: asyncpg.Connection) -> None:
        await conn.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY)")
        with pytest.raises(asyncpg.UniqueViolationError):
            await conn.executemany(f"INSERT INTO {table} VALUES ($1)",
                                   [(1,), (2,), (3,), (2,), (4,)])
        assert await conn.fetchval(f"SELECT count(*) FROM {table}") == 0
        await conn.executemany(f"INSERT INTO {table} VALUES ($1)", [(1,), (2,)])
        assert await conn.fetchval(f"SELECT count(*) FROM {table}") == 2

    with_conn(server, body)


# -- prepared statements ---------------------------------------------------------------------------


def test_prepared_statement_reports_parameter_and_column_types(server: RunningServer) -> None:
    table = unique("apg_prep")

    async def body(conn: asyncpg.Connection) -> None:
        await conn.execute(f"CREATE TABLE {table} (id BIGINT, name TEXT, price NUMERIC(8,2), "
                           "day DATE, ok BOOLEAN)")
        await conn.executemany(f"INSERT INTO {table} VALUES ($1, $2, $3, $4, $5)", [
            (1, "apple", Decimal("1.25"), date(2024, 1, 1), True),
            (2, "pear", Decimal("2.50"), date(2024, 1, 2), False),
            (3, "plum", Decimal("0.75"), date(2024, 1, 3), True),
        ])
        stmt = await conn.prepare(
            f"SELECT id, name, price, day, ok, price * 2 AS double_price FROM {table} "
            "WHERE id > $1 AND name <> $2 AND day <= $3 ORDER BY id")
        assert [t.name for t in stmt.get_parameters()] == ["int8", "text", "date"]
        attrs = stmt.get_attributes()
        assert [a.name for a in attrs] == ["id", "name", "price", "day", "ok", "double_price"]
        assert [a.type.name for a in attrs] == ["int8", "text", "numeric", "date", "bool",
                                                "numeric"]
        rows = await stmt.fetch(0, "pear", date(2024, 1, 3))
        assert [(r["id"], r["name"], r["double_price"]) for r in rows] == [
            (1, "apple", Decimal("2.50")), (3, "plum", Decimal("1.50"))]
        # The same statement again with other arguments, and fetchval/fetchrow on it.
        assert await stmt.fetchval(2, "x", date(2030, 1, 1)) == 3
        row = await stmt.fetchrow(2, "plum", date(2030, 1, 1))
        assert row is None
        insert = await conn.prepare(f"INSERT INTO {table} (id, name, price) VALUES ($1, $2, $3)")
        assert [t.name for t in insert.get_parameters()] == ["int8", "text", "numeric"]
        assert insert.get_attributes() == ()
        await insert.fetch(4, "fig", Decimal("9.99"))
        assert await conn.fetchval(f"SELECT price FROM {table} WHERE id = 4") == Decimal("9.99")

    with_conn(server, body)


def test_wrong_argument_type_is_refused_by_client(server: RunningServer) -> None:
    async def body(conn: asyncpg.Connection) -> None:
        # The server said $1 is an integer, so asyncpg itself refuses a string.
        with pytest.raises(asyncpg.DataError):
            await conn.fetchval("SELECT $1::int4", "not an int")
        assert await conn.fetchval("SELECT 1") == 1

    with_conn(server, body)


# -- cursors: Execute with a row limit -------------------------------------------------------------


def test_cursor_iteration_with_prefetch(server: RunningServer) -> None:
    async def body(conn: asyncpg.Connection) -> None:
        async with conn.transaction():
            seen = [r["i"] async for r in conn.cursor(
                "SELECT i FROM range($1::int8) AS t(i) ORDER BY i", 1000, prefetch=37)]
        assert seen == list(range(1000))
        # An exact multiple of the prefetch size ends cleanly too.
        async with conn.transaction():
            seen = [r[0] async for r in conn.cursor(
                "SELECT i FROM range(100) AS t(i) ORDER BY i", prefetch=50)]
        assert seen == list(range(100))

    with_conn(server, body)


def test_cursor_fetch_in_pages(server: RunningServer) -> None:
    async def body(conn: asyncpg.Connection) -> None:
        async with conn.transaction():
            cur = await conn.cursor("SELECT i, 'r' || i AS s FROM range(25) AS t(i) ORDER BY i")
            first = await cur.fetch(10)
            second = await cur.fetch(10)
            one = await cur.fetchrow()
            rest = await cur.fetch(10)
            end = await cur.fetch(10)
        assert [r["i"] for r in first] == list(range(10))
        assert [r["i"] for r in second] == list(range(10, 20))
        assert one is not None and tuple(one) == (20, "r20")
        assert [r["s"] for r in rest] == ["r21", "r22", "r23", "r24"]
        assert end == []

    with_conn(server, body)


def test_two_cursors_interleaved(server: RunningServer) -> None:
    async def body(conn: asyncpg.Connection) -> None:
        async with conn.transaction():
            a = await conn.cursor("SELECT i FROM range(6) AS t(i) ORDER BY i")
            b = await conn.cursor("SELECT i * 10 FROM range(6) AS t(i) ORDER BY i")
            got = []
            for _ in range(3):
                got += [r[0] for r in await a.fetch(2)]
                got += [r[0] for r in await b.fetch(2)]
        assert got == [0, 1, 0, 10, 2, 3, 20, 30, 4, 5, 40, 50]

    with_conn(server, body)


# -- COPY ------------------------------------------------------------------------------------------


def test_copy_records_to_table(server: RunningServer) -> None:
    table = unique("apg_copy_in")
    records = [
        (1, "plain", Decimal("1.50"), date(2024, 1, 2), True, 1.5, b"\x00\x01",
         datetime(2024, 1, 2, 3, 4, 5, 6), uuid.UUID(int=1)),
        (2, "tab\tnew\nline \\ ✓", None, None, None, None, None, None, None),
        (3, "", Decimal("-0.25"), date(1999, 12, 31), False, -2.0, b"",
         datetime(1969, 7, 20, 20, 17), uuid.UUID(int=2**128 - 1)),
    ]

    async def body(conn: asyncpg.Connection) -> None:
        await conn.execute(
            f"CREATE TABLE {table} (id INTEGER, t TEXT, amount NUMERIC(8,2), d DATE, "
            "flag BOOLEAN, x DOUBLE PRECISION, raw BYTEA, stamp TIMESTAMP, u UUID)")
        status = await conn.copy_records_to_table(table, records=records)
        assert status == "COPY 3"
        got = await conn.fetch(f"SELECT * FROM {table} ORDER BY id")
        assert [tuple(r) for r in got] == records
        # A column subset; the other columns take their defaults (NULL).
        status = await conn.copy_records_to_table(table, records=[(4, "four"), (5, None)],
                                                  columns=["id", "t"])
        assert status == "COPY 2"
        assert await conn.fetchval(f"SELECT count(*) FROM {table} WHERE amount IS NULL") == 3

    with_conn(server, body)


def test_copy_records_large(server: RunningServer) -> None:
    table = unique("apg_copy_big")
    n = 100_000

    async def body(conn: asyncpg.Connection) -> None:
        await conn.execute(f"CREATE TABLE {table} (id BIGINT, label TEXT)")
        status = await conn.copy_records_to_table(
            table, records=((i, f"label {i}") for i in range(n)))
        assert status == f"COPY {n}"
        assert await conn.fetchrow(f"SELECT count(*), sum(id) FROM {table}") == (
            n, n * (n - 1) // 2)

    with_conn(server, body)


def test_copy_from_query_and_table(server: RunningServer) -> None:
    table = unique("apg_copy_out")

    async def body(conn: asyncpg.Connection) -> None:
        await conn.execute(f"CREATE TABLE {table} (id INTEGER, t TEXT, n INTEGER)")
        await conn.executemany(f"INSERT INTO {table} VALUES ($1, $2, $3)", [
            (1, "a,b", None), (2, 'say "hi"', 20), (3, "tab\there", 30), (4, None, 40)])
        out = io.BytesIO()
        status = await conn.copy_from_query(
            f"SELECT id, t, n FROM {table} ORDER BY id", output=out, format="csv",
            header=True)
        assert status == "COPY 4"
        assert out.getvalue() == (b'id,t,n\n1,"a,b",\n2,"say ""hi""",20\n3,tab\there,30\n'
                                  b"4,,40\n")
        out = io.BytesIO()
        status = await conn.copy_from_table(table, output=out, columns=["id", "t"])
        assert status == "COPY 4"
        lines = sorted(out.getvalue().decode().splitlines())
        assert lines == ["1\ta,b", '2\tsay "hi"', "3\ttab\\there", "4\t\\N"]
        out = io.BytesIO()
        await conn.copy_from_table(table, output=out, format="csv", delimiter="|",
                                   null="<null>")
        assert sorted(out.getvalue().decode().splitlines()) == [
            "1|a,b|<null>", '2|"say ""hi"""|20', "3|tab\there|30", "4|<null>|40"]

    with_conn(server, body)


def test_copy_to_table_from_file_like(server: RunningServer) -> None:
    table = unique("apg_copy_src")

    async def body(conn: asyncpg.Connection) -> None:
        await conn.execute(f"CREATE TABLE {table} (id INTEGER, t TEXT)")
        data = io.BytesIO(b"id,t\n1,one\n2,\"two, quoted\"\n3,\n")
        status = await conn.copy_to_table(table, source=data, format="csv", header=True)
        assert status == "COPY 3"
        got = await conn.fetch(f"SELECT id, t FROM {table} ORDER BY id")
        assert [tuple(r) for r in got] == [(1, "one"), (2, "two, quoted"), (3, None)]

    with_conn(server, body)


# -- transactions ----------------------------------------------------------------------------------


def test_transactions(server: RunningServer) -> None:
    table = unique("apg_tx")

    async def body(conn: asyncpg.Connection) -> None:
        await conn.execute(f"CREATE TABLE {table} (id INTEGER)")
        async with conn.transaction():
            await conn.execute(f"INSERT INTO {table} VALUES (1)")
            assert conn.is_in_transaction()
        assert not conn.is_in_transaction()
        with pytest.raises(RuntimeError):
            async with conn.transaction():
                await conn.execute(f"INSERT INTO {table} VALUES (2)")
                raise RuntimeError("abort")
        tx = conn.transaction()
        await tx.start()
        await conn.execute(f"INSERT INTO {table} VALUES (3)")
        with pytest.raises(asyncpg.UndefinedTableError):
            await conn.execute("SELECT * FROM no_such_table_apg")
        with pytest.raises(asyncpg.InFailedSQLTransactionError):
            await conn.fetchval("SELECT 1")
        await tx.rollback()
        assert [r[0] for r in await conn.fetch(f"SELECT id FROM {table}")] == [1]

    with_conn(server, body)


# -- errors ----------------------------------------------------------------------------------------


def test_errors_carry_sqlstate(server: RunningServer) -> None:
    table = unique("apg_err")

    async def body(conn: asyncpg.Connection) -> None:
        await conn.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, t TEXT)")
        await conn.execute(f"INSERT INTO {table} VALUES (1, 'x')")
        cases: list[tuple[str, tuple[object, ...], type[asyncpg.PostgresError], str]] = [
            ("SELECT * FROM no_such_table_apg", (), asyncpg.UndefinedTableError, "42P01"),
            (f"SELECT nope FROM {table}", (), asyncpg.UndefinedColumnError, "42703"),
            ("SELECT 1 AS x y", (), asyncpg.PostgresSyntaxError, "42601"),
            (f"INSERT INTO {table} VALUES ($1, $2)", (1, "dup"), asyncpg.UniqueViolationError,
             "23505"),
            ("SELECT 'abc'::int4", (), asyncpg.InvalidTextRepresentationError, "22P02"),
        ]
        for sql, args, error, sqlstate in cases:
            with pytest.raises(error) as info:
                await conn.execute(sql, *args)
            assert info.value.sqlstate == sqlstate
            with pytest.raises(error):
                await conn.fetch(sql, *args)
            assert await conn.fetchval("SELECT 2") == 2
        with pytest.raises(asyncpg.PostgresSyntaxError) as syntax:
            await conn.fetch("SELECT 1 AS x y")
        assert syntax.value.position == "15"

    with_conn(server, body)


def test_unknown_database(server: RunningServer) -> None:
    async def main() -> None:
        with pytest.raises(asyncpg.InvalidCatalogNameError) as info:
            await asyncpg.connect(server.url(dbname="no_such_db"), timeout=10)
        assert info.value.sqlstate == "3D000"

    run(main())


# -- pools -----------------------------------------------------------------------------------------


async def reset_session(conn: asyncpg.Connection) -> None:
    """Pool reset without asyncpg's default ``SELECT pg_advisory_unlock_all(); CLOSE ALL;
    UNLISTEN *; RESET ALL;``, whose first three need the catalog emulation of issue 3 (the pool
    has already rolled back any open transaction when this runs)."""
    await conn.execute("RESET ALL")


def test_pool_acquire_release(server: RunningServer) -> None:
    table = unique("apg_pool")

    async def main() -> None:
        async with asyncpg.create_pool(server.url(), min_size=2, max_size=4, timeout=10,
                                       reset=reset_session) as pool:
            await pool.execute(f"CREATE TABLE {table} (id INTEGER, worker INTEGER)")

            async def worker(n: int) -> None:
                for i in range(5):
                    async with pool.acquire() as conn:
                        # Session state set here must not leak to the next user of conn.
                        await conn.execute("SET application_name = 'dirty'")
                        await conn.execute(f"INSERT INTO {table} VALUES ($1, $2)", i, n)
                        assert await conn.fetchval("SELECT $1::int4 * 2", n) == n * 2

            await asyncio.gather(*(worker(n) for n in range(6)))
            assert await pool.fetchval(f"SELECT count(*) FROM {table}") == 30
            async with pool.acquire() as conn:
                assert await conn.fetchval("SHOW application_name") != "dirty"
            assert pool.get_size() <= 4

    run(main())


def test_pool_connection_in_failed_transaction_is_reset(server: RunningServer) -> None:
    async def main() -> None:
        async with asyncpg.create_pool(server.url(), min_size=1, max_size=1, timeout=10,
                                       reset=reset_session) as pool:
            async with pool.acquire() as conn:
                tr = conn.transaction()
                await tr.start()
                with pytest.raises(asyncpg.UndefinedTableError):
                    await conn.execute("SELECT * FROM no_such_table_pool")
            # The same (only) connection comes back usable.
            async with pool.acquire() as conn:
                assert not conn.is_in_transaction()
                assert await conn.fetchval("SELECT 5") == 5

    run(main())


# -- prepared statements across DDL ------------------------------------------------------------


def test_a_statement_whose_result_type_changed_is_prepared_again(server: RunningServer) -> None:
    """asyncpg caches prepared statements by their text. After the table is dropped and made
    again with another column type, PostgreSQL refuses the cached statement (0A000 from
    RevalidateCachedQuery) and asyncpg prepares it again; running it would send int4 bytes
    under the int2 RowDescription the client already has."""
    table = unique("ddl")

    async def body(conn: asyncpg.Connection) -> list[object]:
        seen = []
        for column_type, value in (("smallint", 5), ("integer", 100_000), ("float8", 1.5),
                                   ("numeric(10,2)", Decimal("12.34")), ("text", "txt")):
            await conn.execute(f"DROP TABLE IF EXISTS {table}")
            await conn.execute(f"CREATE TABLE {table} (c {column_type})")
            await conn.execute(f"INSERT INTO {table} VALUES ('{value}')")
            seen.append(await conn.fetchval(f"SELECT c FROM {table}"))
        stmt = await conn.prepare(f"SELECT c FROM {table}")
        await conn.execute(f"DROP TABLE {table}")
        await conn.execute(f"CREATE TABLE {table} (c integer)")
        try:
            await stmt.fetchval()
        except asyncpg.exceptions.InvalidCachedStatementError:
            seen.append("refused")
        return seen

    assert with_conn(server, body) == [5, 100_000, 1.5, Decimal("12.34"), "txt", "refused"]
