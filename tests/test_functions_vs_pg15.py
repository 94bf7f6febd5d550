"""Functions whose DuckDB namesakes count or type differently, compared with PostgreSQL 15.

``extract`` is a ``numeric`` (DuckDB: BIGINT, its epoch a DOUBLE) and ``extract(second
FROM …)`` keeps the fraction (1.500000; DuckDB: 1),
``date_part`` is ``double precision``, ``substring`` / ``substr`` count a start below 1 as
positions before the string (``substr('hello', -1, 3)`` is ``h``; DuckDB counts from the end),
``format`` reads positions and widths (``%2$s``, ``%-5s``), and ``array_agg(DISTINCT x)`` /
``string_agg(DISTINCT x, ',')`` come out sorted. Each query runs through psycopg on PixelSQL
and on PostgreSQL 15; rows, column names, type OIDs and SQLSTATEs must agree.
"""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

TS = "timestamp '2024-01-01 10:00:01.5005'"
SETUP = ("DROP TABLE IF EXISTS fn_vs_pg",
         "CREATE TABLE fn_vs_pg (s text, n int, m int, t timestamp)",
         "INSERT INTO fn_vs_pg VALUES ('hello', -1, 3, '2024-01-01 10:00:01.75'), "
         "('hello', 2, 2, '2024-01-01 10:00:59.999999'), ('hello', 0, 10, '2024-01-01 10:00')",
         "DROP TABLE IF EXISTS agg_vs_pg",
         "CREATE TABLE agg_vs_pg (g int, x text, n int)",
         "INSERT INTO agg_vs_pg VALUES (1, 'pear', 3), (1, 'apple', 1), (2, NULL, 2), "
         "(1, 'fig', NULL), (2, 'apple', 1), (1, 'pear', 3), (2, 'kiwi', 5), (1, NULL, 2), "
         "(2, 'banana', 4), (1, 'cherry', 0)",
         "DROP TABLE IF EXISTS json_vs_pg",
         "CREATE TABLE json_vs_pg (id int, j jsonb)",
         """INSERT INTO json_vs_pg VALUES (1, '{"a": 1, "b": {"c": [1, 2, 3]}, "d": "x"}'), """
         """(2, '{"a": 2, "e": null}'), (3, NULL)""",
         "DROP TABLE IF EXISTS arr_vs_pg",
         "CREATE TABLE arr_vs_pg (id int, a int[])",
         "INSERT INTO arr_vs_pg VALUES (1, '{1,2,3}'), (2, '{4,5}'), (3, NULL), (4, '{1,NULL}'), "
         "(5, '{}')",
         "DROP TABLE IF EXISTS float_vs_pg",
         "CREATE TABLE float_vs_pg (x float, y float(10), z float(30), r real)",
         "INSERT INTO float_vs_pg VALUES (1.0/3, 1.0/3, 1.0/3, 1.0/3)",
         "ALTER TABLE float_vs_pg ADD COLUMN w float",
         # a table whose name another schema also has (the server's pixelsql_ml.jobs too)
         "DROP TABLE IF EXISTS jobs", "DROP SCHEMA IF EXISTS other_vs_pg CASCADE",
         "CREATE SCHEMA other_vs_pg",
         "CREATE TABLE other_vs_pg.jobs (kind text, extra int, more int, most int, all_ int)",
         "CREATE TABLE jobs (id int, grp text, started timestamp, finished timestamp, "
         "d interval)",
         "INSERT INTO jobs VALUES (1, 'a', 'Jan 1, 2024 10:00', '2024-01-01 12:30', "
         "'1 day 20 hours'), (2, 'a', '2024-01-01 10:00', '2024-01-03 11:00:00.5', '10 hours'), "
         "(3, 'b', '2024-01-05', NULL, '1 month 3 days'), "
         "(4, 'b', '2024-01-05', '2024-01-05 00:00:01', '-2 hours')",
         "DROP TABLE IF EXISTS pct_vs_pg",
         "CREATE TABLE pct_vs_pg (g int, d numeric(12,2), n numeric, i int, f float8)",
         "INSERT INTO pct_vs_pg VALUES (1, 1.50, 1.5, 1, 1.5), (1, 2.25, 2, 2, 2.5), "
         "(2, 100.50, 0.0001, 3, 3.5), (2, NULL, NULL, NULL, NULL)",
         "DROP TABLE IF EXISTS times_vs_pg",
         "CREATE TABLE times_vs_pg (id int, a time, b time, ts timestamp)",
         "INSERT INTO times_vs_pg VALUES (1, '10:00', '08:30', '2024-01-01 10:00'), "
         "(2, '07:15:30.25', '22:00', '2024-01-01'), (3, NULL, '01:00', NULL)",
         "DROP TABLE IF EXISTS dates_vs_pg",
         "CREATE TABLE dates_vs_pg (id int, d date, n int)",
         "INSERT INTO dates_vs_pg VALUES (1, '2024-03-15', 2), (2, '2024-03-02', 3), "
         "(3, '2024-04-30', 4), (4, NULL, 5)")

QUERIES = [
    f"SELECT extract(second FROM {TS}), extract(milliseconds FROM {TS}), "
    f"extract(microseconds FROM {TS})",
    "SELECT extract(second FROM time '10:00:01.5'), "
    "extract(second FROM interval '61.5 seconds')",
    "SELECT extract(second FROM timestamptz '2024-01-01 10:00:01.25+00')",
    f"SELECT date_part('second', {TS}), date_part('milliseconds', {TS}), "
    f"date_part('hour', {TS})",
    "SELECT extract(second FROM t), date_part('second', t) FROM fn_vs_pg ORDER BY t",
    # every other field is a numeric too (DuckDB: BIGINT, its epoch a DOUBLE)
    "SELECT extract(year FROM t), extract(dow FROM t), extract(isodow FROM t), "
    "extract(doy FROM t), extract(week FROM t), extract(quarter FROM t), "
    "extract(century FROM t), extract(hour FROM t) FROM fn_vs_pg ORDER BY t",
    f"SELECT extract(epoch FROM {TS}), extract(epoch FROM {TS})::text, "
    "extract(epoch FROM interval '1 year 1 month 1 day 2 hours 0.5 seconds')::text, "
    "extract(epoch FROM time '10:00:01.25')::text, "
    "extract(epoch FROM timestamptz '2024-01-01 00:00:01.25+02')::text",
    "SELECT extract(epoch FROM t), extract(year FROM t)::text || '-' "
    "|| lpad(extract(month FROM t)::text, 2, '0') FROM fn_vs_pg ORDER BY t",
    "SELECT extract(year FROM t) AS y, count(*) FROM fn_vs_pg GROUP BY 1 ORDER BY 1",
    # string_to_array as PostgreSQL splits (and its null_string); num_nulls / num_nonnulls
    "SELECT string_to_array('a,b,,c', ',', ''), string_to_array('a,b,x', ',', 'x'), "
    "string_to_array('a,b', ',', NULL), string_to_array('abc', NULL), "
    "string_to_array('abc', ''), string_to_array('', ','), string_to_array(NULL, ',')",
    "SELECT s, string_to_array(s, 'l'), string_to_array(s, 'l', 'he') FROM fn_vs_pg "
    "ORDER BY t",
    "SELECT num_nulls(1, NULL, 2), num_nonnulls(1, NULL, 2), num_nulls(n, m, NULL), "
    "num_nonnulls(s, t) FROM fn_vs_pg ORDER BY t",
    # interval text in PostgreSQL's forms DuckDB refuses, and intervals as text in SQL
    "SELECT '-1 days +02:00:00'::interval::text, interval '1-2'::text, "
    "interval 'P1Y2M3DT4H5M6.5S'::text, CAST('-3 4:05:06' AS interval)::text, "
    "'-1 year +3 mons'::interval::text, '+5 minutes'::interval",
    "SELECT '1.5 years'::interval::text, '1.5 months'::interval::text, "
    "'1.5 weeks'::interval::text, '-1.5 days'::interval::text, '1:30.5'::interval::text, "
    "'@ 1 hour ago'::interval::text, interval '1 day' || ' later'",
    "SELECT 'garbage'::interval", "SELECT 'P'::interval", "SELECT ' P1D'::interval",
    "SELECT id, d::text FROM jobs WHERE d = '-2 hours' OR d IN ('1 day +20:00:00', '0-1 3') "
    "ORDER BY id",
    "SELECT extract(day FROM interval '40 days'), extract(minute FROM time '10:05'), "
    "extract(year FROM NULL::date), extract(epoch FROM NULL::timestamp)",
    "SELECT substring('hello' FROM -1 FOR 3), substr('hello', -2, 4), substr('hello', -5, 7), "
    "substr('hello', 0), substr('hello', -3), substring('hello', 2, 3), substr('hello', 6, 2)",
    "SELECT substr(s, n, m), substring(s FROM n), substring(s FROM n FOR m) "
    "FROM fn_vs_pg ORDER BY t",
    "SELECT substring('hello', 2, -1)",
    "SELECT substr(s, 1, n) FROM fn_vs_pg ORDER BY t",
    "SELECT substring('abc' FROM 'b.')",
    # format(): positions and widths (padded, never cut)
    "SELECT format('%3s|%-3s|%1$s|%%|%s', 'a', 'b'), format('%2s', 'long'), "
    "format('[%5s]', NULL), format('%2$s %1$s', 'world', 'hello'), format('%-4I|', 'x')",
    "SELECT format('%5s', s) || '|' FROM fn_vs_pg ORDER BY t",
    "SELECT format('%I.%I|%L|%s', 'My Tab', s, NULL, NULL) FROM fn_vs_pg ORDER BY t",
    "SELECT format('%I', NULL)",
    "SELECT pg_typeof(1.5)::text, pg_typeof(1.5::numeric(5,2))::text, pg_typeof(ARRAY[1.5])::text, "
    "pg_typeof(n)::text, pg_typeof(t)::text, pg_typeof(s)::text FROM fn_vs_pg LIMIT 1",
    # explicit casts to varchar(n) / char(n) cut the text (DuckDB keeps no length); char is
    # char(1). Read as text: a varchar result is described as text here (README)
    "SELECT cast('abcdef' AS varchar(3))::text, 'x'::varchar(5)::text, "
    "'abcdef'::character varying(2)::text, cast('héllo' AS char(2))::text, 'abc'::char::text, "
    "'abc'::bpchar::text, 1.5::varchar(2)::text, 12345::character(3)::text, "
    "length(NULL::varchar(2))",
    "SELECT s::varchar(2)::text, length(CAST(s AS character varying(4))) FROM fn_vs_pg "
    "ORDER BY t",
    # integer (int4) results, DuckDB's are BIGINT
    "SELECT length(s), char_length(s), character_length(s), strpos(s, 'l'), "
    "position('l' in s), bit_length(s), array_upper(ARRAY[1, 2], 1) FROM fn_vs_pg ORDER BY t",
    "SELECT s FROM fn_vs_pg WHERE length(s) = 5 AND strpos(s, 'e') = 2 ORDER BY t LIMIT 1",
    "SELECT to_hex(255), to_hex(-1), to_hex(-1::bigint), to_hex(2147483648), to_hex(n) "
    "FROM fn_vs_pg ORDER BY t",
    # two-argument lpad / rpad, every(), BETWEEN SYMMETRIC (DuckDB has none of them)
    "SELECT lpad(s, 3), rpad(s, 7), lpad(s, 7), n BETWEEN SYMMETRIC 3 AND -1 "
    "FROM fn_vs_pg ORDER BY t",
    "SELECT every(n < 5), every(n > 0) FROM fn_vs_pg",
    # generate_series of int4 literals is an int4 series (DuckDB: BIGINT)
    "SELECT * FROM generate_series(1, 3)",
    "SELECT g, g * 2 FROM generate_series(-2, 6, 4) g",
    "SELECT x FROM generate_series(1, 3) AS s(x) ORDER BY x DESC",
    "SELECT generate_series(1, 3)",
    "SELECT * FROM generate_series(2147483647, 2147483648)",  # int8 in both
    # split_part: an empty delimiter keeps the string whole, field 0 is 22023
    "SELECT split_part('a,b,c', '', 1), split_part('a,b,c', '', -1), split_part('a,b,c', '', 2), "
    "split_part('a,b,c', ',', -1), split_part('a,b,c', ',', 5), split_part(s, 'l', n + 2) "
    "FROM fn_vs_pg ORDER BY t",
    "SELECT split_part('a,b,c', ',', 0)",
    "SELECT split_part(s, '', n) FROM fn_vs_pg ORDER BY t",
    # date_bin (DuckDB: time_bucket), the wall clock
    "SELECT date_bin(interval '15 minutes', t, timestamp '2024-01-01'), "
    "date_bin('1 hour', t, '2023-12-31 23:50'), "
    "date_bin('7 days', t, timestamp '2023-12-30 03:00') FROM fn_vs_pg ORDER BY t",
    "SELECT date_bin('15 minutes', timestamptz '2024-01-01 10:07+00', '2024-01-01 00:05')",
    "SELECT date_bin('15 minutes', timestamptz '2024-01-01 10:07+00', "
    "timestamptz '2024-01-01 00:05+00')",
    "SELECT clock_timestamp() >= now(), pg_typeof(clock_timestamp())::text, "
    "clock_timestamp() - now() < interval '1 minute'",
    "SELECT count(DISTINCT clock_timestamp()) > 1 FROM generate_series(1, 5000)",
    # JSON: #> / #>> paths, and -> inside a call's arguments (not a lambda)
    "SELECT j #>> '{b,c,2}', j #>> '{d}', jsonb_typeof(j -> 'b'), "
    "jsonb_array_length(j -> 'b' -> 'c'), coalesce(j ->> 'd', j ->> 'a'), "
    "upper(j -> 'b' -> 'c' ->> 1), to_char(date '2024-01-02', 'YYYY') FROM json_vs_pg ORDER BY id",
    # float is double precision (DuckDB's FLOAT is a real): columns, casts, float(p)
    "SELECT x, y, z, r, w, x * 3, pg_typeof(w)::text FROM float_vs_pg",
    "SELECT (1.0/3)::float, cast(1 AS float) / 3, 0.1::float(24), 0.1::float(25), "
    "sum(x::float) FROM float_vs_pg",
    # regexp_match: the first match's groups, NULL without one
    "SELECT regexp_match(s, '(l+)(o)'), regexp_match(s, 'L+', 'i'), regexp_match(s, 'z'), "
    "(regexp_match('cat_001.jpg', '^([a-z]+)_(\\d+)'))[1] FROM fn_vs_pg ORDER BY t LIMIT 1",
    # array_cat: NULL only when both sides are
    "SELECT id, array_cat(a, a), array_cat(a, NULL), array_cat(NULL, a), "
    "array_cat(NULL::int[], NULL::int[]) FROM arr_vs_pg ORDER BY id",
    # x op ANY / ALL (array): NULL for a NULL array (DuckDB: false / true)
    "SELECT id, 1 = ANY(a), 3 < ALL(a), 2 <> ALL(a), 5 >= ANY(a), 1 = SOME(a) "
    "FROM arr_vs_pg ORDER BY id",
    "SELECT id FROM arr_vs_pg WHERE 1 = ANY(a) OR NOT (9 = ANY(a)) ORDER BY id",
    # jsonb ? / ?| / ?& (top-level keys, string elements) and @> (containment)
    """SELECT id, j ? 'a', j ? 'c', j ?| array['z', 'd'], j ?& array['a', 'd'], """
    """j @> '{"a": 1}', j @> '{"b": {"c": [2]}}', j @> '{"e": null}'::jsonb """
    "FROM json_vs_pg ORDER BY id",
    """SELECT '["a", "b", 1]'::jsonb ? 'a', '["a", "b", 1]'::jsonb ? '1', '"a"'::jsonb ? 'a', """
    """'[1, 2, 3]'::jsonb @> '[3, 1]', '{"a": [1, 2]}'::jsonb @> '{"a": [3]}'""",
    # DISTINCT aggregates come out sorted (PostgreSQL sorts their input; DuckDB hashes)
    "SELECT array_agg(DISTINCT x), string_agg(DISTINCT x, ','), array_agg(DISTINCT n), "
    "json_agg(DISTINCT n) ->> 0, json_array_length(json_agg(DISTINCT x)), "
    "jsonb_agg(DISTINCT x) ->> 1, json_agg(x ORDER BY n DESC) ->> 0 FROM agg_vs_pg",
    "SELECT g, array_agg(DISTINCT x) FILTER (WHERE n > 0), string_agg(DISTINCT x, '|') "
    "FROM agg_vs_pg GROUP BY g ORDER BY g",
    "SELECT string_agg(DISTINCT x, ',' ORDER BY x DESC), array_agg(DISTINCT upper(x)) "
    "FROM agg_vs_pg",
    # names of aggregates with FILTER / OVER / WITHIN GROUP in a translated statement
    "SELECT count(*) FILTER (WHERE n > 1), rank() OVER (ORDER BY g), "
    "to_char(date '2024-01-02', 'YYYY') FROM agg_vs_pg ORDER BY 2, 1 LIMIT 1",
    # floats as text: PostgreSQL's output function (1, 1e+15), not DuckDB's cast (1.0, …)
    "SELECT 1.0::float8::text, 'v=' || 1.0::float8, concat('x', 3.0::float8), "
    "format('%s', 1.0::float8), 12345678.9::float4::text, 1e15::float8::text, 1e2::text, "
    "(1.0::float8 / 3)::text, 'inf'::float8::text, CAST(-0.0::float8 AS text)",
    "SELECT 'x=' || x || ', r=' || r || ', n=' || n, x::text, r::text, CAST(w AS text), "
    "concat(x, '|', r), format('%s %L', y, z) FROM float_vs_pg",
    "SELECT 'n=' || count(*) || ' avg=' || avg(n::float8), string_agg(n::text, ',' ORDER BY n) "
    "FROM agg_vs_pg",
    # booleans through concat() / format() are t / f; through ::text and || true / false
    "SELECT concat(true, false), format('%s', true), concat_ws(',', 1.0::float8, true, NULL, "
    "'z'), true::text, 'b=' || false",
    # round(x, n) is a numeric of scale n (PostgreSQL has no round(float8, int); DuckDB's avg
    # of integers is a double, and rounded to 2.5 where PostgreSQL says 2.50)
    "SELECT round(avg(n), 2), round(avg(n)::numeric, 2), round(n, 2), round(n * 1234.5, -2), "
    "round(n / 3.0, 0), round(NULL, 2), round(0.125, 2), round(-2.5, 0), round(2.5) "
    "FROM agg_vs_pg GROUP BY n ORDER BY n",
    # array_to_string: elements by their output function, a third argument for NULLs
    "SELECT array_to_string(array['a', NULL], ',', '*'), array_to_string(array['a', NULL, "
    "'b'], ','), array_to_string(array[1.0::float8, NULL, 2.5], '|', 'N'), "
    "array_to_string(array[true, false], ','), array_to_string(NULL::int[], ',')",
    "SELECT id, array_to_string(a, '-', 'x'), array_to_string(a, '') FROM arr_vs_pg ORDER BY id",
    # json[b]_each[_text] in FROM: (key, value) rows, named after the function or an alias
    "SELECT * FROM jsonb_each_text('{\"a\": 1, \"b\": \"x\", \"c\": null}') ORDER BY key",
    "SELECT jsonb_each_text.key, value FROM jsonb_each_text('{\"z\": 2}')",
    "SELECT id, e.key, e.value FROM json_vs_pg, jsonb_each_text(json_vs_pg.j) e "
    "WHERE e.key <> 'b' ORDER BY id, key",
    "SELECT id, k, v::text FROM json_vs_pg CROSS JOIN LATERAL jsonb_each(j) AS e(k, v) "
    "WHERE k <> 'b' ORDER BY id, k",
    "SELECT key, value FROM json_each_text('{\"a\": \"q\"}') AS e",
    "SELECT * FROM jsonb_each_text('[1, 2]')",
    # sum / avg of intervals: field by field, avg's fractions cascaded (DuckDB has neither)
    "SELECT sum(d), avg(d), sum(ALL d) FROM jobs",
    "SELECT grp, sum(finished - started), avg(finished - started), count(*) FROM jobs "
    "GROUP BY grp ORDER BY grp",
    "SELECT sum(d) FILTER (WHERE id < 3), avg(d) FILTER (WHERE grp = 'b') FROM jobs",
    "SELECT id, sum(d) OVER (ORDER BY id), avg(jobs.finished - jobs.started) "
    "OVER (PARTITION BY grp) FROM jobs ORDER BY id",
    "SELECT avg(d), sum(d) FROM jobs j WHERE j.id IN (1, 3)",
    # interval / n: PostgreSQL's interval_div (the database's integer division made it
    # DuckDB's //, which has no interval form)
    "SELECT interval '1 day' / 3, interval '1 month' / 4, '3 days 5 hours'::interval / 2, "
    "interval '1 day' / 2 / 3, interval '10 hours' / 2.5, interval '1 day' * 1.5",
    "SELECT id, d / 2, (finished - started) / 3, d / (id + 1), d / -2, jobs.d / 4 "
    "FROM jobs ORDER BY id",
    "SELECT grp, sum(d) / count(*), avg(d) / 2, sum(finished - started) / 4 FROM jobs "
    "GROUP BY grp ORDER BY grp",
    "SELECT d / 0 FROM jobs",
    # percentile_cont of a numeric: interpolated in double precision (DuckDB's DECIMAL gave
    # the median of 1.50 and 2.25 as 1.87)
    "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY d), "
    "percentile_cont(0.5) WITHIN GROUP (ORDER BY n DESC), "
    "percentile_cont(0.25) WITHIN GROUP (ORDER BY i), "
    "percentile_cont(0.5) WITHIN GROUP (ORDER BY f), "
    "percentile_disc(0.5) WITHIN GROUP (ORDER BY d) FROM pct_vs_pg",
    "SELECT g, percentile_cont(0.5) WITHIN GROUP (ORDER BY pct_vs_pg.d), "
    "percentile_cont(ARRAY[0.25, 0.5]) WITHIN GROUP (ORDER BY d) FROM pct_vs_pg "
    "GROUP BY g ORDER BY g",
    # time - time: an interval (DuckDB has no such -)
    "SELECT time '10:00' - time '08:30', time '08:00' - time '10:00:00.5', "
    "'23:59:59'::time - '00:00:01'::time",
    "SELECT id, a - b, b - a, a - time '00:00', a - interval '1 hour', "
    "a - b - interval '30 minutes', ts::time - a, (a - b) / 2 FROM times_vs_pg ORDER BY id",
    "SELECT sum(a - b), avg(a - b), justify_interval(sum(b - a)) FROM times_vs_pg",
    # date_trunc of a date is a timestamptz in PostgreSQL (the date cast to its nearest kin)
    "SELECT date_trunc('month', d) AS m, sum(n) FROM dates_vs_pg GROUP BY date_trunc('month', d) "
    "ORDER BY 1",
    "SELECT date_trunc('week', date '2024-03-15'), date_trunc('year', '2024-03-15'::date), "
    "date_trunc('day', CAST('2024-03-15' AS date)), date_trunc('hour', timestamp '2024-03-15 "
    "10:30'), date_trunc('month', current_date) <= now()",
    "SELECT __timestamp, total FROM (SELECT date_trunc('month', d) AS __timestamp, sum(n) AS "
    "total FROM dates_vs_pg GROUP BY 1) AS virtual_table ORDER BY 1 NULLS FIRST",
    # so is a series of dates (a BI tool's date spine)
    "SELECT * FROM generate_series(date '2024-01-01', date '2024-03-01', interval '1 month')",
    "SELECT m.g, sum(n) FROM generate_series('2024-03-01'::date, '2024-04-01'::date, "
    "'1 month') AS m(g) LEFT JOIN dates_vs_pg ON date_trunc('month', d) = m.g GROUP BY 1 "
    "ORDER BY 1",
    "SELECT generate_series(date '2024-01-30', date '2024-02-01', interval '1 day') AS day",
    # justify_*: whole days out of hours, 30-day months out of days, one sign (DuckDB lacks them)
    "SELECT justify_hours(interval '27 hours'), justify_hours(interval '-27 hours'), "
    "justify_hours(interval '1 day -3 hours'), justify_hours(interval '-1 day 3 hours'), "
    "justify_hours(NULL)",
    "SELECT justify_days(interval '35 days'), justify_days(interval '-35 days'), "
    "justify_days(interval '1 month -3 days'), justify_days(interval '-1 month 3 days'), "
    "justify_days(interval '65 days 27 hours')",
    "SELECT justify_interval(interval '1 month -1 hour'), "
    "justify_interval(interval '-1 month 1 hour'), justify_interval(interval '35 days 27 hours'), "
    "justify_interval(interval '-35 days -27 hours'), "
    "justify_interval(interval '1 year 400 days 50 hours 10.5 seconds'), "
    "justify_interval(interval '0')",
    "SELECT id, justify_interval(d), justify_hours(d), justify_days(d * 20), "
    "justify_interval(finished - started) FROM jobs ORDER BY id",
    "SELECT sum(d), avg(d) FROM jobs WHERE false",
    # octet_length of text: bytes in UTF-8 (DuckDB's takes blobs only)
    "SELECT octet_length('héllo'), octet_length('ab'::bytea), octet_length(NULL), "
    "octet_length(s), octet_length(s || 'é') FROM fn_vs_pg ORDER BY t",
    # an explicit NULLS FIRST / LAST in a translated statement (sqlglot dropped DESC NULLS LAST)
    "SELECT x, format('%s', n) FROM agg_vs_pg ORDER BY n DESC NULLS LAST, x NULLS FIRST",
    "SELECT array_agg(n ORDER BY n DESC NULLS LAST), string_agg(x, ',' ORDER BY x DESC), "
    "json_agg(n ORDER BY n NULLS FIRST) ->> 0 FROM agg_vs_pg",
    "SELECT g, n, rank() OVER (PARTITION BY g ORDER BY n DESC NULLS LAST) FROM agg_vs_pg "
    "WHERE x IS DISTINCT FROM 'pear' ORDER BY g, 3, n, to_char(g, '9')",
    # div(): the quotient truncated towards zero, scale 0 (DuckDB's // divides decimals)
    "SELECT div(-7, 2), div(7.5, 2), div(9, 4), div(-7.5, 2), div(7, -2.5), "
    "div(9223372036854775807, 1), div(NULL, 2)",
    "SELECT div(n, 2), div(m + 0.5, n) FROM fn_vs_pg WHERE n <> 0 ORDER BY t",
    "SELECT div(1, 0)",
    # arguments that are expressions keep their meaning inside a rewrite's template
    "SELECT width_bucket(7, 10 - 8, 12, 5), width_bucket(n + 3, 0 - 1, 5 + 5, 2 + 2), "
    "split_part('a,b,c', ',', n + 2), to_hex(m - 4) FROM fn_vs_pg ORDER BY t",
    "SELECT div(1.5, 0)",
    # (VALUES …) AS v: columns column1, column2 … (DuckDB: col0 …), selectable by those names
    "SELECT * FROM (VALUES (1, 'a'), (2, 'b')) v ORDER BY column2 DESC",
    "SELECT v.column2, column1 FROM (VALUES (1, 'a')) AS v",
    "SELECT * FROM (VALUES (1, 'a', true)) AS v(x)",
    "WITH t AS (VALUES (1), (2)) SELECT * FROM t ORDER BY 1",
    "SELECT * FROM (VALUES (1)) v JOIN (VALUES (1, 2)) w ON v.column1 = w.column1",
]


def _outcome(conn: psycopg.Connection[Any], sql: str) -> object:
    try:
        cur = conn.execute(sql, prepare=False)
        assert cur.description is not None
        return cur.fetchall(), [(d.name, d.type_code) for d in cur.description]
    except psycopg.Error as exc:
        return "error", exc.sqlstate


@pytest.mark.parametrize("sql", QUERIES)
def test_same_values_as_postgresql(both: tuple[psycopg.Connection[Any], ...], sql: str) -> None:
    ours, theirs = (_outcome(conn, sql) for conn in both)
    assert ours == theirs


def test_text_concatenated_with_an_array_stays_an_error(
        both: tuple[psycopg.Connection[Any], ...]) -> None:
    """``'{0}' || a`` is array concatenation in PostgreSQL; here it is refused (42804, as
    DuckDB's binder refused it before floats beside text were rewritten), never the array's
    text glued to the string."""
    assert _outcome(both[0], "SELECT '{0}' || a FROM arr_vs_pg") == ("error", "42804")
    assert _outcome(both[0], "SELECT a || 'x' FROM arr_vs_pg") == ("error", "42804")


def test_a_width_from_an_argument_is_refused(
        both: tuple[psycopg.Connection[Any], ...]) -> None:
    """``format('%*s', 3, x)``: not translated; an error rather than the template unchanged."""
    assert _outcome(both[0], "SELECT format('%*s', 3, 'a')") == ("error", "0A000")
