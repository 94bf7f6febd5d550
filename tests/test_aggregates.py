"""sum of smallint/integer columns is bigint, as in PostgreSQL (engine/aggregates.py)."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from engine.aggregates import (
    with_dates_as_timestamptz,
    with_double_percentiles,
    with_integer_sums,
    with_interval_aggregates,
    with_interval_division,
    with_numeric_averages,
    with_numeric_division,
    with_time_differences,
)

TABLES = {
    "orders": {"id": "BIGINT", "qty": "INTEGER", "small": "SMALLINT", "price": "DOUBLE",
               "total": "DECIMAL(12,2)"},
    "returns": {"id": "BIGINT", "qty": "BIGINT"},
    "runs": {"id": "BIGINT", "took": "INTERVAL", "started": "TIMESTAMP",
             "ended": "TIMESTAMP WITH TIME ZONE", "day": "DATE", "opens": "TIME",
             "closes": "TIME"},
}


def _types(table: str) -> dict[str, str]:
    return TABLES.get(table, {})


@pytest.mark.parametrize(("sql", "expected"), [
    ("SELECT sum(qty) FROM orders", "SELECT CAST(sum(qty) AS BIGINT) FROM orders"),
    ("select SUM(small) AS s, sum(id) from orders",
     "select CAST(SUM(small) AS BIGINT) AS s, sum(id) from orders"),
    ("SELECT sum(DISTINCT o.qty) FILTER (WHERE o.qty > 0) OVER (PARTITION BY o.id) FROM orders o",
     "SELECT CAST(sum(DISTINCT o.qty) FILTER (WHERE o.qty > 0) OVER (PARTITION BY o.id) AS "
     "BIGINT) FROM orders o"),
    ("SELECT sum(qty) OVER w FROM orders WINDOW w AS (ORDER BY id)",
     "SELECT CAST(sum(qty) OVER w AS BIGINT) FROM orders WINDOW w AS (ORDER BY id)"),
    # an integer expression of integer columns and int4 literals: an integer, summed to bigint
    ("SELECT sum(qty * 2), sum((qty + small) * -3) FROM orders",
     "SELECT CAST(sum(qty * 2) AS BIGINT), CAST(sum((qty + small) * -3) AS BIGINT) FROM orders"),
    ("SELECT o.id, sum(o.qty) FROM orders o JOIN returns r ON r.id = o.id GROUP BY 1",
     "SELECT o.id, CAST(sum(o.qty) AS BIGINT) FROM orders o JOIN returns r ON r.id = o.id "
     "GROUP BY 1"),
])
def test_sums_of_small_integers_are_cast(sql: str, expected: str) -> None:
    assert with_integer_sums(sql, _types) == expected


@pytest.mark.parametrize("sql", [
    "SELECT 1",
    "SELECT sum(id), sum(price), sum(total) FROM orders",  # bigint, double, numeric: as DuckDB
    "SELECT sum(qty) FROM orders JOIN returns USING (id)",  # qty in both: which one is unknown
    "SELECT sum(qty) FROM (SELECT qty::bigint AS qty FROM orders) s",  # a subquery may retype
    "WITH orders AS (SELECT id AS qty FROM returns) SELECT sum(qty) FROM orders",  # hides it
    "SELECT sum(orders.qty) FROM (SELECT id AS qty FROM returns) orders",  # so does an alias
    "SELECT sum(n) FROM (SELECT qty + 1 AS n FROM orders) s",  # an expression's type: unknown
    "SELECT sum(qty) FROM (SELECT qty::float AS qty FROM orders) s",  # retyped: never orders'
    "SELECT sum(qty) FROM (SELECT CAST(qty AS double) qty, 1 AS n FROM orders) s",
    "SELECT sum(qty) FROM (SELECT DISTINCT ON (id) qty::float qty FROM orders) s",
    "SELECT (SELECT sum(qty) FROM (SELECT id IS DISTINCT FROM 1 AS qty FROM returns) s) "
    "FROM orders",  # IS DISTINCT FROM: no FROM list, and qty is s's (a boolean)
    # a column not named here (PostgreSQL names it qty): not the enclosing query's qty
    "SELECT (SELECT sum(qty) FROM (SELECT qty::float FROM returns) s) FROM orders",
    "SELECT sum(qty) FROM (SELECT qty FROM orders UNION ALL SELECT qty FROM returns) u",
    "SELECT sum(qty) FROM (SELECT o.qty, r.qty FROM orders o JOIN returns r USING (id)) s",
    "SELECT sum(x) FROM (SELECT qty FROM orders) s(x)",  # renamed: not followed
    "SELECT sum(qty) FROM (SELECT * FROM orders, generate_series(1, 2)) s",
    "WITH RECURSIVE r AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM r WHERE n < 3) "
    "SELECT sum(n) FROM r",
    "SELECT (SELECT sum(qty) FROM returns r WHERE r.id = o.id) FROM orders o",  # r.qty: int8
    "SELECT (SELECT sum(small) FROM generate_series(1, 2)) FROM orders",  # its names unknown
    "SELECT sum(qty + id), sum(qty * 1.5), sum(qty / 2), sum(abs(qty)), sum(qty + 3000000000) "
    "FROM orders",  # a bigint, numeric, a division, a function, an int8 literal: not known
    "SELECT myschema.sum(qty) FROM orders",
    "SELECT sum(qty FROM orders",
    "INSERT INTO totals SELECT sum(qty) FROM orders",  # not a query: the target types it
    "CREATE MACRO total(x) AS sum(x)",  # not a table or a view
    "CREATE TABLE g (qty int, n bigint GENERATED ALWAYS AS (qty * 2))",
    "SELECT sum(qty) FROM orders WHERE note = '" + "x" * 70_000 + "'",  # too long to read
])
def test_other_sums_are_left_alone(sql: str) -> None:
    assert with_integer_sums(sql, _types) is None


V = "AS VARCHAR) AS DECIMAL(38,16))"


@pytest.mark.parametrize(("sql", "expected"), [
    # each SELECT types its columns by the tables of its own FROM list
    ("SELECT sum(qty) FROM orders WHERE id IN (SELECT id FROM returns)",
     "SELECT CAST(sum(qty) AS BIGINT) FROM orders WHERE id IN (SELECT id FROM returns)"),
    ("WITH s AS (SELECT id, sum(qty) AS n FROM orders GROUP BY id) SELECT sum(n) FROM s",
     "WITH s AS (SELECT id, CAST(sum(qty) AS BIGINT) AS n FROM orders GROUP BY id) "
     "SELECT sum(n) FROM s"),
    ("SELECT (SELECT sum(qty) FROM orders) AS a, sum(qty) FROM returns",
     "SELECT (SELECT CAST(sum(qty) AS BIGINT) FROM orders) AS a, sum(qty) FROM returns"),
    ("SELECT sum(qty) FROM returns UNION ALL (SELECT sum(qty) FROM orders)",
     "SELECT sum(qty) FROM returns UNION ALL (SELECT CAST(sum(qty) AS BIGINT) FROM orders)"),
    ("SELECT s.n, sum(o.qty) FROM (SELECT 1 AS n) s, orders o GROUP BY 1",
     "SELECT s.n, CAST(sum(o.qty) AS BIGINT) FROM (SELECT 1 AS n) s, orders o GROUP BY 1"),
    # a column of an enclosing query (correlated), when the inner level surely lacks it
    ("SELECT (SELECT sum(o.qty) FROM returns) FROM orders o",
     "SELECT (SELECT CAST(sum(o.qty) AS BIGINT) FROM returns) FROM orders o"),
    ("SELECT id, (SELECT max(r.id) FROM returns r WHERE sum(small) > 0) FROM orders GROUP BY id",
     "SELECT id, (SELECT max(r.id) FROM returns r WHERE CAST(sum(small) AS BIGINT) > 0) "
     "FROM orders GROUP BY id"),
    # a subquery's or a CTE's columns, by its select list
    ("WITH s AS (SELECT * FROM orders) SELECT sum(qty) FROM s",
     "WITH s AS (SELECT * FROM orders) SELECT CAST(sum(qty) AS BIGINT) FROM s"),
    ("SELECT sum(q) FROM (SELECT o.qty q, count(*) AS n FROM orders o GROUP BY 1) s",
     "SELECT CAST(sum(q) AS BIGINT) FROM (SELECT o.qty q, count(*) AS n FROM orders o "
     "GROUP BY 1) s"),
    ("WITH a AS (SELECT qty FROM orders), b(q) AS (SELECT qty FROM a) SELECT sum(b.q) FROM b",
     "WITH a AS (SELECT qty FROM orders), b(q) AS (SELECT qty FROM a) "
     "SELECT CAST(sum(b.q) AS BIGINT) FROM b"),
    ("SELECT (SELECT sum(small) FROM (SELECT 1 AS x) s) FROM orders",  # not s's: orders'
     "SELECT (SELECT CAST(sum(small) AS BIGINT) FROM (SELECT 1 AS x) s) FROM orders"),
    # a table or view created from a query takes its types
    ("CREATE TEMP TABLE s AS SELECT sum(qty) AS n FROM orders",
     "CREATE TEMP TABLE s AS SELECT CAST(sum(qty) AS BIGINT) AS n FROM orders"),
    ("CREATE OR REPLACE VIEW v (n) AS (WITH w AS (SELECT qty FROM orders) "
     "SELECT sum(qty) FROM w)",
     "CREATE OR REPLACE VIEW v (n) AS (WITH w AS (SELECT qty FROM orders) "
     "SELECT CAST(sum(qty) AS BIGINT) FROM w)"),
    ("SELECT sum(qty) FROM orders WHERE extract(year FROM now()) > 2000",
     "SELECT CAST(sum(qty) AS BIGINT) FROM orders WHERE extract(year FROM now()) > 2000"),
])
def test_each_select_types_columns_by_its_own_tables(sql: str, expected: str) -> None:
    assert with_integer_sums(sql, _types) == expected


def test_a_wrapped_query_is_typed_inside_and_out() -> None:
    # Superset and Metabase wrap a query in a subquery: its averages and quotients are typed
    # inside, and the wrapper's by the subquery's columns.
    sql = ("SELECT source.a, source.q FROM (SELECT avg(qty) AS a, total / qty AS q "
           "FROM orders) source LIMIT 10")
    averaged = with_numeric_averages(sql, _types)
    assert averaged == ("SELECT source.a, source.q FROM (SELECT CAST(CAST(avg(qty) " + V
                        + " AS a, total / qty AS q FROM orders) source LIMIT 10")
    assert with_numeric_division(averaged, _types) == (
        f"SELECT source.a, source.q FROM (SELECT CAST(CAST(avg(qty) {V} AS a, "
        f"CAST(CAST(total / qty {V} AS q FROM orders) source LIMIT 10")
    sql = ("SELECT avg(total) AS avg_total FROM (SELECT * FROM orders WHERE total > 0) "
           "AS virtual_table LIMIT 1000")
    assert with_numeric_averages(sql, _types) == (
        f"SELECT CAST(CAST(avg(total) {V} AS avg_total FROM (SELECT * FROM orders WHERE "
        "total > 0) AS virtual_table LIMIT 1000")


@pytest.mark.integration
def test_nested_queries_types_and_values_as_postgresql(
        ours_and_pg15: tuple[psycopg.Connection[Any], psycopg.Connection[Any]]) -> None:
    results = []
    for conn in ours_and_pg15:
        conn.execute("DROP TABLE IF EXISTS nested")
        conn.execute("CREATE TABLE nested (g int, i4 integer, n numeric(10,2), "
                     "t timestamp, d interval)")
        conn.execute("INSERT INTO nested VALUES (1, 2, 1.5, '2024-01-01 10:00', '1 hour'), "
                     "(1, 3, 2.25, '2024-01-01 12:30', '30 minutes'), "
                     "(2, 4, 4.00, '2024-01-02 08:00', '2 days')")
        queries = [
            "WITH s AS (SELECT g, sum(i4) AS total, avg(n) AS mean FROM nested GROUP BY g) "
            "SELECT * FROM s ORDER BY g",
            "SELECT x.g, x.share FROM (SELECT g, n / i4 AS share FROM nested) x ORDER BY 1, 2",
            "SELECT (SELECT sum(d) FROM nested), sum(i4) FROM nested "
            "WHERE g IN (SELECT g FROM nested WHERE i4 > 2)",
            "SELECT g, sum(i4) FROM nested GROUP BY g UNION ALL "
            "SELECT 0, sum(i4) FROM nested ORDER BY 1",
            "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY n) FROM nested "
            "WHERE t > (SELECT min(t) FROM nested)",
            # a BI tool's wrapper, a CTE with named columns: typed by the inner select list
            "SELECT avg(i4) AS a, sum(i4) AS s, sum(n) / 2 AS q FROM "
            "(SELECT * FROM nested WHERE g > 0) AS virtual_table",
            "WITH s(x, span) AS (SELECT i4, d FROM nested) SELECT avg(x), sum(span) / 2 FROM s",
        ]
        seen = []
        for sql in queries:
            cur = conn.execute(sql)
            seen.append(([(d.name, d.type_code) for d in cur.description], cur.fetchall()))
        results.append(seen)
        conn.execute("DROP TABLE nested")
    assert results[0] == results[1]


@pytest.mark.integration
def test_a_table_created_in_mixed_case_is_typed(
        ours_and_pg15: tuple[psycopg.Connection[Any], psycopg.Connection[Any]]) -> None:
    # PostgreSQL folds CREATE TABLE Sales to sales; DuckDB keeps "Sales" and matches names
    # without regard to case: the column types are found either way.
    results = []
    for conn in ours_and_pg15:
        conn.execute("DROP TABLE IF EXISTS Mixed_Sales")
        conn.execute("CREATE TABLE Mixed_Sales (Qty int, Price numeric(10,2), Ok boolean)")
        conn.execute("INSERT INTO Mixed_Sales VALUES (2, 1.50, true), (3, 2.25, false)")
        cur = conn.execute("SELECT sum(qty), avg(price), count(*) FILTER (WHERE ok = 'off') "
                           "FROM mixed_sales")
        results.append(([d.type_code for d in cur.description], cur.fetchall()))
        conn.execute("DROP TABLE mixed_sales")
    assert results[0] == results[1]
    assert results[0][0] == [20, 1700, 20]  # int8, numeric, int8


@pytest.mark.integration
def test_types_and_values_as_postgresql(
        ours_and_pg15: tuple[psycopg.Connection[Any], psycopg.Connection[Any]]) -> None:
    results = []
    for conn in ours_and_pg15:
        conn.execute("DROP TABLE IF EXISTS summed")
        conn.execute("CREATE TABLE summed (g int, i2 smallint, i4 integer, i8 bigint, "
                     "n numeric(10,2))")
        conn.execute("INSERT INTO summed VALUES (1, 1, 2147483647, 3, 1.5), "
                     "(1, 2, 2147483647, 4, 2.5), (2, NULL, NULL, NULL, NULL)")
        cur = conn.execute(
            "SELECT g, sum(i2), sum(i4), sum(i8), sum(n), sum(i4) FILTER (WHERE i2 > 1), "
            "sum(i4) OVER (ORDER BY i2), sum(i2 * 1000 + i2), sum(i8 * 2) "
            "FROM summed GROUP BY g, i2, i4 ORDER BY g, i2")
        results.append(([(d.name, d.type_code) for d in cur.description], cur.fetchall()))
        conn.execute("DROP TABLE summed")
    assert results[0] == results[1]
    assert results[0][0][1:4] == [("sum", 20), ("sum", 20), ("sum", 1700)]  # int8, int8, numeric
    assert results[0][0][7:] == [("sum", 20), ("sum", 1700)]  # int4 expression: int8


@pytest.mark.integration
@pytest.mark.parametrize("end", ["ROLLBACK", "COMMIT"])
def test_column_types_follow_a_transactions_schema_change(
        ours_and_pg15: tuple[psycopg.Connection[Any], psycopg.Connection[Any]],
        end: str) -> None:
    # The same query text before, inside and after a transaction that changes a column's type:
    # what the server remembers of column types (and of rewrites made from them) must follow
    # the schema as the transaction ends, rolled back or committed.
    query = "SELECT sum(v) FROM retyped"
    results = []
    for conn in ours_and_pg15:
        conn.execute("DROP TABLE IF EXISTS retyped")
        conn.execute("CREATE TABLE retyped (v double precision)")
        conn.execute("INSERT INTO retyped VALUES (1.5), (1.25)")
        seen = [conn.execute(query).fetchone()]
        conn.execute("BEGIN")
        conn.execute("ALTER TABLE retyped ALTER COLUMN v TYPE integer")
        seen.append(conn.execute(query).fetchone())
        conn.execute(end)
        seen += [conn.execute(query).fetchone() for _ in range(2)]
        conn.execute("DROP TABLE retyped")
        results.append(seen)
    assert results[0] == results[1]
    expected_after = (3,) if end == "COMMIT" else (2.75,)
    assert results[0] == [(2.75,), (3,), expected_after, expected_after]


@pytest.mark.integration
def test_another_sessions_committed_schema_change_is_seen(server: Any) -> None:
    # Session B reads the table while A's change is uncommitted (the old type, as B must see
    # it), then again after A commits: B must not keep the old type.
    with psycopg.connect(server.dsn(), autocommit=True) as a, \
            psycopg.connect(server.dsn(), autocommit=True) as b:
        a.execute("DROP TABLE IF EXISTS shared_retyped")
        a.execute("CREATE TABLE shared_retyped (v double precision)")
        a.execute("INSERT INTO shared_retyped VALUES (1.5), (1.25)")
        query = "SELECT sum(v) FROM shared_retyped"
        a.execute("BEGIN")
        a.execute("ALTER TABLE shared_retyped ALTER COLUMN v TYPE integer")
        before = b.execute(query)
        assert before.fetchone() == (2.75,) and before.description[0].type_code == 701  # float8
        a.execute("COMMIT")
        for _ in range(2):
            after = b.execute(query)
            assert after.fetchone() == (3,) and after.description[0].type_code == 20  # int8
        a.execute("DROP TABLE shared_retyped")


M = "pixelsql_catalog.main.pixelsql_interval_"


@pytest.mark.parametrize(("sql", "expected"), [
    ("SELECT sum(took) FROM runs",
     f"SELECT {M}sum(sum({M}months(took)), sum({M}days(took)), sum({M}micros(took))) "
     "FROM runs"),
    ("SELECT avg(r.ended - r.started) FILTER (WHERE id > 1) FROM runs r",
     f"SELECT {M}avg(sum({M}months(r.ended - r.started)) FILTER (WHERE id > 1), "
     f"sum({M}days(r.ended - r.started)) FILTER (WHERE id > 1), "
     f"sum({M}micros(r.ended - r.started)) FILTER (WHERE id > 1), "
     "count(r.ended - r.started) FILTER (WHERE id > 1)) FROM runs r"),
])
def test_sums_and_averages_of_intervals_are_taken_field_by_field(sql: str,
                                                                   expected: str) -> None:
    assert with_interval_aggregates(sql, _types) == expected


@pytest.mark.parametrize("sql", [
    "SELECT sum(id), avg(id) FROM runs",  # not intervals
    "SELECT sum(day - day) FROM runs",  # date - date is an integer
    "SELECT sum(DISTINCT took) FROM runs",  # the distinct intervals, not fields: left alone
    "SELECT sum(took + took) FROM runs",  # an expression not known here
    "SELECT sum(took) FROM other",  # unknown table
])
def test_other_interval_like_sums_are_left_alone(sql: str) -> None:
    assert with_interval_aggregates(sql, _types) is None


DIV = "pixelsql_catalog.main.pixelsql_interval_div"


@pytest.mark.parametrize(("sql", "expected"), [
    ("SELECT took / 2 FROM runs", f"SELECT {DIV}(took, 2) FROM runs"),
    ("SELECT interval '1 day' / 3", f"SELECT {DIV}(interval '1 day', 3)"),
    ("SELECT '5 hours'::interval / -2, (x)::text::interval / 4",
     f"SELECT {DIV}('5 hours'::interval, -2), {DIV}((x)::text::interval, 4)"),
    ("SELECT r.took / (id + 1), (started - ended) / 3 FROM runs r",
     f"SELECT {DIV}(r.took, (id + 1)), {DIV}((started - ended), 3) FROM runs r"),
    ("SELECT took / 2 / 3, took / count(*), took / id::float FROM runs",
     f"SELECT {DIV}({DIV}(took, 2), 3), {DIV}(took, count(*)), {DIV}(took, id::float) "
     "FROM runs"),
    ("SELECT pixelsql_catalog.main.pixelsql_interval_sum(a, b, c) / 2 FROM runs",
     f"SELECT {DIV}(pixelsql_catalog.main.pixelsql_interval_sum(a, b, c), 2) FROM runs"),
    ("SELECT 1 + took / 2 * 3 FROM runs", f"SELECT 1 + {DIV}(took, 2) * 3 FROM runs"),
    ("SELECT took / 2 FROM runs WHERE id IN (SELECT id FROM runs)",
     f"SELECT {DIV}(took, 2) FROM runs WHERE id IN (SELECT id FROM runs)"),
    ("WITH r AS (SELECT took / 2 AS half FROM runs) SELECT half / 2 FROM r",
     f"WITH r AS (SELECT {DIV}(took, 2) AS half FROM runs) SELECT half / 2 FROM r"),
])
def test_an_interval_divided_is_divided_as_postgresql_does(sql: str, expected: str) -> None:
    assert with_interval_division(sql, _types) == expected


@pytest.mark.parametrize("sql", [
    "SELECT id / 2, 7 / 2 FROM runs",  # not intervals
    "SELECT '1 day / 2' FROM runs",  # a string
    "SELECT (day - day) / 2 FROM runs",  # date - date is an integer
    "SELECT took / 2 FROM other",  # unknown table
    "SELECT took * 2 FROM runs",  # DuckDB multiplies intervals as PostgreSQL does
])
def test_other_divisions_are_left_alone(sql: str) -> None:
    assert with_interval_division(sql, _types) is None


MINUS = "pixelsql_catalog.main.pixelsql_time_minus"


@pytest.mark.parametrize(("sql", "expected"), [
    ("SELECT closes - opens FROM runs", f"SELECT {MINUS}(closes, opens) FROM runs"),
    ("SELECT time '10:00' - time '08:30', '1:00'::time - r.opens FROM runs r",
     f"SELECT {MINUS}(time '10:00', time '08:30'), {MINUS}('1:00'::time, r.opens) FROM runs r"),
    ("SELECT closes - opens - interval '1 hour', started::time - opens FROM runs",
     f"SELECT {MINUS}(closes, opens) - interval '1 hour', {MINUS}(started::time, opens) "
     "FROM runs"),
])
def test_the_difference_of_two_times_is_an_interval(sql: str, expected: str) -> None:
    assert with_time_differences(sql, _types) == expected


@pytest.mark.parametrize("sql", [
    "SELECT opens - interval '1 hour', started - ended, id - 1 FROM runs",  # DuckDB's own
    "SELECT opens - took FROM runs",  # time - interval
    "SELECT time '10:00' - 1 FROM runs",  # not a time on the right
])
def test_other_subtractions_are_left_alone(sql: str) -> None:
    assert with_time_differences(sql, _types) is None


@pytest.mark.parametrize(("sql", "expected"), [
    ("SELECT avg(qty), avg(id), avg(total) FROM orders",
     "SELECT CAST(CAST(avg(qty) AS VARCHAR) AS DECIMAL(38,16)), "
     "CAST(CAST(avg(id) AS VARCHAR) AS DECIMAL(38,16)), "
     "CAST(CAST(avg(total) AS VARCHAR) AS DECIMAL(38,16)) FROM orders"),
    ("SELECT avg(DISTINCT o.qty * 2) FILTER (WHERE id > 1) OVER (PARTITION BY id) FROM orders o",
     "SELECT CAST(CAST(avg(DISTINCT o.qty * 2) FILTER (WHERE id > 1) OVER (PARTITION BY id) "
     "AS VARCHAR) AS DECIMAL(38,16)) FROM orders o"),
])
def test_averages_of_integers_and_numerics_are_numerics(sql: str, expected: str) -> None:
    assert with_numeric_averages(sql, _types) == expected


@pytest.mark.parametrize("function", ["stddev", "STDDEV_SAMP", "stddev_pop", "variance",
                                      "var_samp", "var_pop"])
def test_deviations_of_integers_are_numerics(function: str) -> None:
    sql = f"SELECT {function}(qty) FROM orders"
    expected = f"SELECT CAST(CAST({function}(qty) AS VARCHAR) AS DECIMAL(38,16)) FROM orders"
    assert with_numeric_averages(sql, _types) == expected


@pytest.mark.parametrize("sql", [
    "SELECT avg(price) FROM orders",  # a double's average is a double in PostgreSQL too
    "SELECT avg(total * 2), avg(qty / 2) FROM orders",  # expressions not known here
    "SELECT avg(took) FROM runs",  # intervals: with_interval_aggregates
])
def test_other_averages_are_left_alone(sql: str) -> None:
    assert with_numeric_averages(sql, _types) is None


def test_percentiles_of_numerics_are_interpolated_in_double_precision() -> None:
    sql = ("SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY o.total DESC), "
           "percentile_cont(0.5) WITHIN GROUP (ORDER BY qty), "
           "percentile_disc(0.5) WITHIN GROUP (ORDER BY total) FROM orders o")
    assert with_double_percentiles(sql, _types) == (
        "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY CAST(o.total AS DOUBLE) DESC), "
        "percentile_cont(0.5) WITHIN GROUP (ORDER BY qty), "
        "percentile_disc(0.5) WITHIN GROUP (ORDER BY total) FROM orders o")
    assert with_double_percentiles("SELECT percentile_cont(0.5) WITHIN GROUP "
                                   "(ORDER BY total * 2) FROM orders", _types) is None


Q = "AS VARCHAR) AS DECIMAL(38,16))"


@pytest.mark.parametrize(("sql", "expected"), [
    ("SELECT total / qty, qty / total, o.total / 2, 7 / 2.0, 1e3 / id FROM orders o",
     f"SELECT CAST(CAST(total / qty {Q}, CAST(CAST(qty / total {Q}, CAST(CAST(o.total / 2 {Q}, "
     f"CAST(CAST(7 / 2.0 {Q}, CAST(CAST(1e3 / id {Q} FROM orders o"),
    ("SELECT -total / qty * 2, 1 + CAST(qty AS DECIMAL(38, 10)) / 3 FROM orders",
     f"SELECT -CAST(CAST(total / qty {Q} * 2, 1 + CAST(CAST(CAST(qty AS DECIMAL(38, 10)) / 3 {Q} "
     "FROM orders"),
    # a chain on the left, aggregates and a window call as factors: cast once, whole
    ("SELECT 3 * total / qty, total / qty / 2, sum(total) / count(*), "
     "100.0 * count(*) / sum(count(*)) OVER (), CAST(sum(qty) AS BIGINT) / max(total) "
     "FROM orders GROUP BY id",
     f"SELECT CAST(CAST(3 * total / qty {Q}, CAST(CAST(total / qty / 2 {Q}, "
     f"CAST(CAST(sum(total) / count(*) {Q}, "
     f"CAST(CAST(100.0 * count(*) / sum(count(*)) OVER () {Q}, "
     f"CAST(CAST(CAST(sum(qty) AS BIGINT) / max(total) {Q} FROM orders GROUP BY id"),
])
def test_quotients_of_numerics_are_numerics(sql: str, expected: str) -> None:
    assert with_numeric_division(sql, _types) == expected


@pytest.mark.parametrize("sql", [
    "SELECT qty / 2, id / qty FROM orders",  # integers: integer division, as PostgreSQL's
    "SELECT total / price, price / 2.0 FROM orders",  # a double on a side: a double
    "SELECT total / qty ^ 2, total / qty::float, qty::int / 2.0 FROM orders",  # bound tighter
    "SELECT abs(total) / 2, (total + 1) / 2, total / sum(qty) FILTER (WHERE id > 1) "
    "FROM orders",  # operands not known here
    "SELECT '1.5 / 2' FROM orders",  # a string
])
def test_other_quotients_are_left_alone(sql: str) -> None:
    assert with_numeric_division(sql, _types) is None


TZ = "AS TIMESTAMPTZ)"


@pytest.mark.parametrize(("sql", "expected"), [
    ("SELECT date_trunc('month', day) FROM runs GROUP BY date_trunc('month', day)",
     f"SELECT date_trunc('month', CAST(day {TZ}) FROM runs "
     f"GROUP BY date_trunc('month', CAST(day {TZ})"),
    ("SELECT DATE_TRUNC('week', r.day), date_trunc('day', date '2024-01-05'), "
     "date_trunc('year', CAST(started AS DATE)), date_trunc('day', started::date), "
     "date_trunc('day', current_date) FROM runs r",
     f"SELECT DATE_TRUNC('week', CAST(r.day {TZ}), date_trunc('day', CAST(date '2024-01-05' "
     f"{TZ}), date_trunc('year', CAST(CAST(started AS DATE) {TZ}), "
     f"date_trunc('day', CAST(started::date {TZ}), date_trunc('day', CAST(current_date {TZ}) "
     "FROM runs r"),
    ("SELECT m FROM (SELECT date_trunc('month', day) AS m FROM runs) s",
     f"SELECT m FROM (SELECT date_trunc('month', CAST(day {TZ}) AS m FROM runs) s"),
    ("SELECT * FROM generate_series(date '2024-01-01', current_date, interval '1 day') g",
     f"SELECT * FROM generate_series(CAST(date '2024-01-01' {TZ}, CAST(current_date {TZ}, "
     "interval '1 day') g"),
])
def test_truncated_dates_and_date_series_are_timestamptz(sql: str, expected: str) -> None:
    assert with_dates_as_timestamptz(sql, _types) == expected


@pytest.mark.parametrize("sql", [
    "SELECT date_trunc('month', started), date_trunc('hour', ended) FROM runs",  # timestamps
    "SELECT date_trunc('day', day, 'Europe/Paris') FROM runs",  # names its zone
    "SELECT date_trunc('day', '2024-01-05') FROM runs",  # text: PostgreSQL's choice differs
    "SELECT date_trunc('day', day + 1) FROM runs",  # an expression not known here
    "SELECT other.date_trunc('day', day) FROM runs",
    "SELECT generate_series(day, started, interval '1 day') FROM runs",  # a timestamp too
    "SELECT generate_series(1, 3), generate_series(day, day) FROM runs",
])
def test_other_truncations_are_left_alone(sql: str) -> None:
    assert with_dates_as_timestamptz(sql, _types) is None


@pytest.mark.parametrize("depth", [32, 33, 3000])
def test_deeply_nested_queries_are_read_to_a_bound(depth: int) -> None:
    # Reading a level reads the levels inside it, recursively: past 32 nested SELECTs nothing
    # is typed (DuckDB then says what it thinks of the statement), never a RecursionError.
    sql = ("SELECT sum(qty) FROM " + "(SELECT * FROM " * depth + "orders" + ") s" * depth)
    rewritten = with_integer_sums(sql, _types)
    assert rewritten == (None if depth > 32 else "SELECT CAST(sum(qty) AS BIGINT)"
                         + sql.removeprefix("SELECT sum(qty)"))
