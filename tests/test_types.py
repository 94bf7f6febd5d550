"""Tests for server.types: the DuckDB -> PostgreSQL type mapping, the DataRow and COPY encoders,
and the parameter decoders.

The expected text and binary forms in CASES were produced by a real PostgreSQL 15 server
(DateStyle ISO, IntervalStyle postgres, TimeZone UTC, extra_float_digits 1) for the equivalent
PostgreSQL expression; the test suite itself does not need a PostgreSQL server.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import random
import struct
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from engine.errors import SqlError
from server import codec
from server import types as T


@dataclass(frozen=True)
class Case:
    sql: str  # a DuckDB expression
    oid: int  # the PostgreSQL type it is reported as
    text: bytes | None  # PostgreSQL's text output (None: NULL)
    binary_hex: str | None  # PostgreSQL's binary (send) output, hex

    @property
    def binary(self) -> bytes | None:
        return None if self.binary_hex is None else bytes.fromhex(self.binary_hex)


CASES = [
    Case('true', 16, b't', "01"),
    Case('false', 16, b'f', "00"),
    Case('null::boolean', 16, None, None),
    Case('1::tinyint', 21, b'1', "0001"),
    Case('-5::smallint', 21, b'-5', "fffb"),
    Case('200::utinyint', 21, b'200', "00c8"),
    Case('60000::usmallint', 23, b'60000', "0000ea60"),
    Case('(-2147483648)::integer', 23, b'-2147483648', "80000000"),
    Case('4000000000::uinteger', 26, b'4000000000', "ee6b2800"),  # oid: unsigned 32-bit
    Case('(-9223372036854775807)::bigint', 20, b'-9223372036854775807', "8000000000000001"),
    Case(
        '18446744073709551615::ubigint',
        1700,
        b'18446744073709551615',
        "000500040000000007341a5802e103bb064f",
    ),
    Case(
        '(-17014118346046923173168730371588410572)::hugeint',
        1700,
        b'-17014118346046923173168730371588410572',
        "000a0009400000000011008d072a179e240f1c94221a0e832289023c",
    ),
    Case(
        '12345678901234567890123456789012345678::hugeint',
        1700,
        b'12345678901234567890123456789012345678',
        "000a000900000000000c0d801ed204d2162e23340d801ed204d2162e",
    ),
    Case(
        '123456789012345678901234567890123456789012345::varint',
        1700,
        b'123456789012345678901234567890123456789012345',
        "000c000b00000000000109291a85007b11d722c509291a85007b11d722c50929",
    ),
    Case('-5::varint', 1700, b'-5', "00010000400000000005"),
    Case('1.5::float', 700, b'1.5', "3fc00000"),
    Case('1e6::float', 700, b'1e+06', "49742400"),
    Case('123456.7::float', 700, b'123456.7', "47f1205a"),
    Case('1e-5::float', 700, b'1e-05', "3727c5ac"),
    Case("'nan'::float", 700, b'NaN', "7fc00000"),
    Case("'-inf'::float", 700, b'-Infinity', "ff800000"),
    Case('1.5::double', 701, b'1.5', "3ff8000000000000"),
    Case('100::double', 701, b'100', "4059000000000000"),
    Case('1e100::double', 701, b'1e+100', "54b249ad2594c37d"),
    Case('1e-5::double', 701, b'1e-05', "3ee4f8b588e368f1"),
    Case('0.0001::double', 701, b'0.0001', "3f1a36e2eb1c432d"),
    Case('1e15::double', 701, b'1e+15', "430c6bf526340000"),
    Case('1e14::double', 701, b'100000000000000', "42d6bcc41e900000"),
    Case('123456789012345.0::double', 701, b'123456789012345', "42dc12218377de40"),
    Case('-0.0::double', 701, b'-0', "8000000000000000"),
    Case("'inf'::double", 701, b'Infinity', "7ff0000000000000"),
    Case('0.1::double', 701, b'0.1', "3fb999999999999a"),
    Case('1.0::double/3', 701, b'0.3333333333333333', "3fd5555555555555"),
    Case('5e-324::double', 701, b'5e-324', "0000000000000001"),
    Case('1.50::decimal(10,2)', 1700, b'1.50', "000200000000000200011388"),
    Case('-1.50::decimal(10,2)', 1700, b'-1.50', "000200004000000200011388"),
    Case('0::decimal(10,2)', 1700, b'0.00', "0000000000000002"),
    Case('0::decimal(38,9)', 1700, b'0.000000000', "0000000000000009"),
    # DECIMAL(38,10) is the server's numeric without a precision (engine.arithmetic): as
    # PostgreSQL sends 0::numeric and 0.0000000001::numeric
    Case('0::decimal(38,10)', 1700, b'0', "0000000000000000"),
    Case('0.0000000001::decimal(38,10)', 1700, b'0.0000000001', "0001fffd0000000a0064"),
    Case('-2.50::decimal(38,10)', 1700, b'-2.5', "000200004000000100021388"),
    Case(
        '123456789.000100::decimal(20,6)',
        1700,
        b'123456789.000100',
        "0004000200000006000109291a850001",
    ),
    Case('0.00012::decimal(10,5)', 1700, b'0.00012', "0002ffff00000005000107d0"),
    Case('10000::decimal(10,0)', 1700, b'10000', "00010001000000000001"),
    Case("'hello'", 25, b'hello', "68656c6c6f"),
    Case("''", 25, b'', ""),
    Case("'héllo wörld'", 25, b'h\xc3\xa9llo w\xc3\xb6rld', "68c3a96c6c6f2077c3b6726c64"),
    Case("'\\x0a\\x0b'::blob", 17, b'\\x0a0b', "0a0b"),
    Case("''::blob", 17, b'\\x', ""),
    Case("date '2024-01-02'", 1082, b'2024-01-02', "0000223f"),
    Case("'0044-03-15 (BC)'::date", 1082, b'0044-03-15 BC', "fff49d7b"),
    Case("'infinity'::date", 1082, b'infinity', "7fffffff"),
    Case("'-infinity'::date", 1082, b'-infinity', "80000000"),
    Case("time '03:04:05.123'", 1083, b'03:04:05.123', "00000002925733b8"),
    Case("time '03:04:05'", 1083, b'03:04:05', "0000000292555340"),
    Case("time '23:59:59.999999'", 1083, b'23:59:59.999999', "000000141dd75fff"),
    Case("'03:04:05.1+00'::timetz", 1266, b'03:04:05.1+00', "000000029256d9e000000000"),
    Case("timestamp '2024-01-02 03:04:05'", 1114, b'2024-01-02 03:04:05', "0002b0ec8515f340"),
    Case("timestamp '2024-01-02 03:04:05.5'", 1114, b'2024-01-02 03:04:05.5', "0002b0ec851d9460"),
    Case(
        "timestamp '2024-01-02 03:04:05.123456'",
        1114,
        b'2024-01-02 03:04:05.123456',
        "0002b0ec8517d580",
    ),
    Case(
        "timestamp '1900-02-28 23:59:59.000001'",
        1114,
        b'1900-02-28 23:59:59.000001',
        "fff4ce915c9f5dc1",
    ),
    Case(
        "'2024-01-02 03:04:05.5'::timestamp_ms",
        1114,
        b'2024-01-02 03:04:05.5',
        "0002b0ec851d9460",
    ),
    Case("'2024-01-02 03:04:05'::timestamp_s", 1114, b'2024-01-02 03:04:05', "0002b0ec8515f340"),
    Case(
        "'2024-01-02 03:04:05.123456789'::timestamp_ns",
        1114,
        b'2024-01-02 03:04:05.123456',
        "0002b0ec8517d580",
    ),
    Case(
        "timestamptz '2024-01-02 03:04:05.5+00'",
        1184,
        b'2024-01-02 03:04:05.5+00',
        "0002b0ec851d9460",
    ),
    Case(
        "timestamptz '2024-01-02 03:04:05+00'",
        1184,
        b'2024-01-02 03:04:05+00',
        "0002b0ec8515f340",
    ),
    Case("'infinity'::timestamp", 1114, b'infinity', "7fffffffffffffff"),
    Case("'-infinity'::timestamptz", 1184, b'-infinity', "8000000000000000"),
    Case(
        "'0044-03-15 (BC) 01:02:03.5'::timestamp",
        1114,
        b'0044-03-15 01:02:03.5 BC',
        "ff1af9dfca4b39e0",
    ),
    Case(
        "'0044-03-15 (BC) 01:02:03.5+00'::timestamptz",
        1184,
        b'0044-03-15 01:02:03.5+00 BC',
        "ff1af9dfca4b39e0",
    ),
    Case("'0001-01-01 00:00:00'::timestamp", 1114, b'0001-01-01 00:00:00', "ff1fe2ffc59c6000"),
    Case(
        "interval '1 year 2 months 3 days 4 hours 5 minutes 6 seconds'",
        1186,
        b'1 year 2 mons 3 days 04:05:06',
        "000000036c8bc080000000030000000e",
    ),
    Case("interval '-1 second'", 1186, b'-00:00:01', "fffffffffff0bdc00000000000000000"),
    Case("interval '1 day'", 1186, b'1 day', "00000000000000000000000100000000"),
    Case("interval '0 seconds'", 1186, b'00:00:00', "00000000000000000000000000000000"),
    Case(
        "interval '-1 year -2 months'",
        1186,
        b'-1 years -2 mons',
        "000000000000000000000000fffffff2",
    ),
    Case("interval '1 year -2 months'", 1186, b'10 mons', "0000000000000000000000000000000a"),
    Case(
        "(interval '-1 day' + interval '1 second')",
        1186,
        b'-1 days +00:00:01',
        "00000000000f4240ffffffff00000000",
    ),
    Case(
        "interval '1 day -1 second'",
        1186,
        b'1 day -00:00:01',
        "fffffffffff0bdc00000000100000000",
    ),
    Case(
        "interval '100 hours 0.5 seconds'",
        1186,
        b'100:00:00.5',
        "00000053d1b3b1200000000000000000",
    ),
    Case(
        "interval '-0.000001 seconds'",
        1186,
        b'-00:00:00.000001',
        "ffffffffffffffff0000000000000000",
    ),
    Case("interval '13 months'", 1186, b'1 year 1 mon', "0000000000000000000000000000000d"),
    Case("interval '-3 days'", 1186, b'-3 days', "0000000000000000fffffffd00000000"),
    Case(
        "'5de65779-0b71-4244-af7b-49963d1d78a2'::uuid",
        2950,
        b'5de65779-0b71-4244-af7b-49963d1d78a2',
        "5de657790b714244af7b49963d1d78a2",
    ),
    Case('\'{"a": 1}\'::json', 114, b'{"a": 1}', "7b2261223a20317d"),
    Case("'ok'::mood", 25, b'ok', "6f6b"),
    Case("'0101'::bit", 1560, b'0101', "0000000450"),
    Case("'101010101'::bit", 1560, b'101010101', "00000009aa80"),
    Case(
        '[1,2,null]::integer[]',
        1007,
        b'{1,2,NULL}',
        "0000000100000001000000170000000300000001000000040000000100000004"
        "00000002ffffffff",
    ),
    Case(
        '[\'a b\',\'x"y\',null,\'\',\'NULL\',\'a,b\',\'{x}\',\'back\\slash\',\' lead\', \'é\']',
        1009,
        b'{"a b","x\\"y",NULL,"","NULL","a,b","{x}","back\\\\slash","'
        b' lead",\xc3\xa9}',
        "0000000100000001000000190000000a00000001000000036120620000000378"
        "2279ffffffff00000000000000044e554c4c00000003612c62000000037b787d"
        "0000000a6261636b5c736c61736800000005206c65616400000002c3a9",
    ),
    Case('[]::integer[]', 1007, b'{}', "000000000000000000000017"),
    Case('[null]::integer[]', 1007, b'{NULL}', "0000000100000001000000170000000100000001ffffffff"),
    Case(
        '[1.5,null]::double[]',
        1022,
        b'{1.5,NULL}',
        "0000000100000001000002bd0000000200000001000000083ff8000000000000"
        "ffffffff",
    ),
    Case(
        '[1.50]::decimal(10,2)[]',
        1231,
        b'{1.50}',
        "0000000100000000000006a400000001000000010000000c0002000000000002"
        "00011388",
    ),
    Case(
        '[true,false]',
        1000,
        b'{t,f}',
        "000000010000000000000010000000020000000100000001010000000100",
    ),
    Case(
        "[timestamp '2024-01-01 00:00:00.5']",
        1115,
        b'{"2024-01-01 00:00:00.5"}',
        "00000001000000000000045a0000000100000001000000080002b0d5d4f0e120",
    ),
    Case(
        "[timestamptz '2024-01-01 00:00:00.5+00']",
        1185,
        b'{"2024-01-01 00:00:00.5+00"}',
        "0000000100000000000004a00000000100000001000000080002b0d5d4f0e120",
    ),
    Case(
        "[interval '1 day', interval '-1 second']",
        1187,
        b'{"1 day",-00:00:01}',
        "0000000100000000000004a20000000200000001000000100000000000000000"
        "000000010000000000000010fffffffffff0bdc00000000000000000",
    ),
    Case(
        "['\\x0a'::blob]",
        1001,
        b'{"\\\\x0a"}',
        "0000000100000000000000110000000100000001000000010a",
    ),
    Case(
        '[\'{"a": 1}\'::json]',
        199,
        b'{"{\\"a\\": 1}"}',
        "0000000100000000000000720000000100000001000000087b2261223a20317d",
    ),
    Case(
        "[date '2024-01-01']",
        1182,
        b'{2024-01-01}',
        "00000001000000000000043a0000000100000001000000040000223e",
    ),
    Case(
        "['5de65779-0b71-4244-af7b-49963d1d78a2'::uuid]",
        2951,
        b'{5de65779-0b71-4244-af7b-49963d1d78a2}',
        "000000010000000000000b860000000100000001000000105de657790b714244"
        "af7b49963d1d78a2",
    ),
    Case(
        '[1,2]::smallint[]',
        1005,
        b'{1,2}',
        "0000000100000000000000150000000200000001000000020001000000020002",
    ),
    Case(
        '[1,2]::bigint[]',
        1016,
        b'{1,2}',
        "0000000100000000000000140000000200000001000000080000000000000001"
        "000000080000000000000002",
    ),
    Case(
        '[1,2]::integer[2]',
        1007,
        b'{1,2}',
        "0000000100000000000000170000000200000001000000040000000100000004"
        "00000002",
    ),
    Case('[1::tinyint]', 1005, b'{1}', "0000000100000000000000150000000100000001000000020001"),
    Case(
        "['ok'::mood, null]",
        1009,
        b'{ok,NULL}',
        "0000000100000001000000190000000200000001000000026f6bffffffff",
    ),
    Case(
        "[time '01:02:03']",
        1183,
        b'{01:02:03}',
        "00000001000000000000043b00000001000000010000000800000000dde878c0",
    ),
    Case(
        "[1e100::double, 'nan']",
        1022,
        b'{1e+100,NaN}',
        "0000000100000000000002bd00000002000000010000000854b249ad2594c37d"
        "000000087ff8000000000000",
    ),
    Case("{'a': 1, 'b': 'abc'}", 25, b'(1,abc)', "28312c61626329"),
    Case(
        "{'a': 1, 'b': 'a b', 'c': null, 'd': 'x\"y', "
        "'e': '', 'f': 'a,b', 'g': 1.5::double}",
        25,
        b'(1,"a b",,"x""y","","a,b",1.5)',
        "28312c22612062222c2c2278222279222c22222c22612c62222c312e3529",
    ),
    Case('[[1,2],[3,4]]', 25, b'{{1,2},{3,4}}', "7b7b312c327d2c7b332c347d7d"),
    Case("[{'a': 1, 'b': 'a b'}]", 25, b'{"(1,\\"a b\\")"}', "7b2228312c5c226120625c2229227d"),
    Case(
        "{'a': [1,2], 'b': {'c': 'x y'}}",
        25,
        b'("{1,2}","(""x y"")")',
        "28227b312c327d222c222822227820792222292229",
    ),
    Case('null', 25, None, None),

    Case(
        "['0044-03-15 (BC)'::date, date '2024-01-01', 'infinity'::date]",
        1182,
        b'{"0044-03-15 BC",2024-01-01,infinity}',
        "00000001000000000000043a000000030000000100000004fff49d7b00000004"
        "0000223e000000047fffffff",
    ),
    Case(
        "['infinity'::double, '-infinity'::double]",
        1022,
        b'{Infinity,-Infinity}',
        "0000000100000000000002bd0000000200000001000000087ff0000000000000"
        "00000008fff0000000000000",
    ),
    Case(
        "[time '01:02:03.5', null]",
        1183,
        b'{01:02:03.5,NULL}',
        "00000001000000010000043b00000002000000010000000800000000ddf019e0"
        "ffffffff",
    ),
    Case(
        "['01:02:03+00'::timetz]",
        1270,
        b'{01:02:03+00}',
        "0000000100000000000004f200000001000000010000000c00000000dde878c0"
        "00000000",
    ),
    Case(
        "[interval '1 day 2 hours', interval '3 months']",
        1187,
        b'{"1 day 02:00:00","3 mons"}',
        "0000000100000000000004a200000002000000010000001000000001ad274800"
        "00000001000000000000001000000000000000000000000000000003",
    ),
    Case(
        "['0044-03-15 (BC) 01:02:03'::timestamp]",
        1115,
        b'{"0044-03-15 01:02:03 BC"}',
        "00000001000000000000045a000000010000000100000008ff1af9dfca4398c0",
    ),
    Case(
        "[''::blob, '\\xff'::blob]",
        1001,
        b'{"\\\\x","\\\\xff"}',
        "00000001000000000000001100000002000000010000000000000001ff",
    ),
    Case(
        '[0.00012::decimal(10,5), -1.5, null]',
        1231,
        b'{0.00012,-1.50000,NULL}',
        "0000000100000001000006a400000003000000010000000c0002ffff00000005"
        "000107d00000000c000200004000000500011388ffffffff",
    ),
    Case(
        "['a\\b c'::varchar, 'null', 'NuLL', e'tab\\there']",
        1009,
        b'{"a\\\\b c","null","NuLL","tab\there"}',
        "000000010000000000000019000000040000000100000005615c622063000000"
        "046e756c6c000000044e754c4c000000087461620968657265",
    ),
    Case("{'k': 'v', 'n': null}::struct(k varchar, n integer)", 25, b'(v,)', "28762c29"),
    Case("{'k': ''}::struct(k varchar)", 25, b'("")', "28222229"),
    Case("{'k': '(x)'}::struct(k varchar)", 25, b'("(x)")', "28222878292229"),
]

# Nested values shown as text: their text form does not parse back as the DuckDB type.
TEXT_ONLY = {c.sql for c in CASES if c.oid == 25 and c.sql.startswith(("{", "[[", "[{"))}


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    connection.execute("SET TimeZone = 'UTC'")
    connection.execute("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')")
    return connection


def fetch(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[list[T.ColumnType], Any]:
    """Column types and the single Arrow batch DuckDB exports for a query."""
    relation = con.sql(sql)
    types = [T.column_type(t) for t in relation.types]
    table = relation.to_arrow_reader(1_000_000).read_all().combine_chunks()
    return types, table.to_batches()[0]


def cells(data: bytes) -> list[list[bytes | None]]:
    """Split concatenated DataRow messages into their cells, checking the framing."""
    rows, pos = [], 0
    while pos < len(data):
        assert data[pos : pos + 1] == b"D"
        (length,) = struct.unpack_from("!i", data, pos + 1)
        end = pos + 1 + length
        (ncols,) = struct.unpack_from("!h", data, pos + 5)
        at, row = pos + 7, []
        for _ in range(ncols):
            (n,) = struct.unpack_from("!i", data, at)
            at += 4
            row.append(None if n == -1 else data[at : at + n])
            at += max(n, 0)
        assert at == end
        rows.append(row)
        pos = end
    return rows


# --- encoding: every mapped type against PostgreSQL's own output -------------------------------


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.sql)
def test_encode_matches_postgres(con: duckdb.DuckDBPyConnection, case: Case) -> None:
    types, batch = fetch(con, f"SELECT {case.sql} AS x")
    assert types[0].pg.oid == case.oid
    assert T.encode_data_rows(batch, types, [0]) == codec.encode_data_row([case.text])
    assert T.encode_data_rows(batch, types, [1]) == codec.encode_data_row([case.binary])


def test_wide_row_with_mixed_formats(con: duckdb.DuckDBPyConnection) -> None:
    """All cases as the columns of one row, alternating text and binary columns."""
    select = ", ".join(f"{c.sql} AS c{i}" for i, c in enumerate(CASES))
    types, batch = fetch(con, f"SELECT {select} FROM range(3)")
    formats = [i % 2 for i in range(len(CASES))]
    expected = [c.binary if f else c.text for c, f in zip(CASES, formats, strict=True)]
    assert T.encode_data_rows(batch, types, formats) == codec.encode_data_row(expected) * 3


# Expressions covering every encoder, used with NULLs and slices below.
MULTI_ROW = [
    "true", "7::tinyint", "200::utinyint", "60000::usmallint", "4000000000::uinteger",
    "-9::bigint", "18446744073709551615::ubigint", "12345678901234567890::hugeint",
    "-123456789012345678901234567890::varint", "1.5::float", "'nan'::double", "1e20::double",
    "1e-7::double", "1.50::decimal(10,2)", "0::decimal(38,10)", "'h\u00e9 llo'", "''",
    "'\\x0a\\x0b'::blob", "date '2024-01-02'", "'0044-03-15 (BC)'::date", "time '03:04:05.123'",
    "'03:04:05+02'::timetz", "timestamp '2024-01-02 03:04:05.5' + i * interval 1 second",
    "'0044-03-15 (BC) 01:02:03'::timestamp", "'2024-01-02 03:04:05.123456789'::timestamp_ns",
    "'2024-01-02 03:04:05'::timestamp_s", "timestamptz '2024-01-02 03:04:05.5+00'",
    "'infinity'::timestamptz", "interval '3 days 04:05:06'",
    "'5de65779-0b71-4244-af7b-49963d1d78a2'::uuid", "'{\"a\": 1}'::json", "'ok'::mood",
    "'0101'::bit", "[1, 2, null]::integer[]", "['a b', null]", "[]::integer[]",
    "[1, 2]::integer[2]", "{'a': 1, 'b': 'a b'}", "map{1: 'x'}",
    "union_value(a := 1)::union(a int, b varchar)",
    "union_value(b := 'q')::union(a int, b varchar)",
    "[[1], [2, 3]]", "[{'x': [1.5::double]}]", "['5de65779-0b71-4244-af7b-49963d1d78a2'::uuid]",
    "[date '2024-01-01', null]", "[1::varint, null, (-12345678901234567890123)::varint]",
    "{'a': [1::hugeint], 'b': map{1: [timestamptz '2024-01-02 03:04:05+00']}}", "null",
]


@pytest.mark.parametrize("expr", MULTI_ROW)
def test_nulls_slices_and_rows_path(con: duckdb.DuckDBPyConnection, expr: str) -> None:
    """NULLs between values; a batch encodes the same whole (column-wise assembly), row by row
    (few-rows assembly), sliced, or rebuilt from DuckDB's Python values."""
    n = 40
    sql = f"SELECT CASE WHEN i % 4 IN (1, 3) THEN NULL ELSE {expr} END AS x, i FROM range({n}) t(i)"
    types, batch = fetch(con, sql)
    assert batch.schema.field(0).type == types[0].arrow
    rows = con.execute(sql).fetchall()
    for fmt in (0, 1):
        formats = [fmt, 1 - fmt]
        whole = T.encode_data_rows(batch, types, formats)
        decoded = cells(whole)
        assert [r[0] is None for r in decoded] == [expr == "null" or i % 4 in (1, 3)
                                                   for i in range(n)]
        assert [r[1] for r in decoded] == [
            struct.pack("!q", i) if fmt == 0 else str(i).encode() for i in range(n)
        ]
        one_by_one = [T.encode_data_rows(batch.slice(i, 1), types, formats) for i in range(n)]
        assert b"".join(one_by_one) == whole
        assert whole.endswith(T.encode_data_rows(batch.slice(n - 30, 30), types, formats))
        from_rows = T.encode_data_rows(T.batch_from_rows(rows, types, ["x", "i"]), types, formats)
        if T.exact_from_rows(types):
            assert from_rows == whole


def test_rows_path_lossy_types_are_reported(con: duckdb.DuckDBPyConnection) -> None:
    types, _ = fetch(con, "SELECT interval 1 day AS a, '01:02:03+02'::timetz AS b, 1 AS c")
    assert not T.exact_from_rows(types[:1])
    assert not T.exact_from_rows(types[1:2])
    assert T.exact_from_rows(types[2:])


def test_batch_from_rows_empty_and_names(con: duckdb.DuckDBPyConnection) -> None:
    types, _ = fetch(con, "SELECT 1 AS a, 'x' AS b")
    batch = T.batch_from_rows([], types, ["a", "b"])
    assert batch.num_rows == 0
    assert batch.schema.names == ["a", "b"]
    assert T.encode_data_rows(batch, types, [0, 0]) == b""


def test_large_batches_are_encoded_in_slices(
    con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    sql = "SELECT i, 'v' || i AS s, i * 0.5 AS d FROM range(1000) t(i)"
    types, batch = fetch(con, sql)
    whole = T.encode_data_rows(batch, types, [0, 0, 1])
    monkeypatch.setattr(T, "_MAX_SLICE_BYTES", 1000)
    assert T.encode_data_rows(batch, types, [0, 0, 1]) == whole
    assert len(cells(whole)) == 1000


def test_all_fixed_width_binary_row(con: duckdb.DuckDBPyConnection) -> None:
    types, batch = fetch(con, "SELECT i::int AS a, i::double AS b FROM range(3) t(i)")
    expected = b"".join(
        codec.encode_data_row([struct.pack("!i", i), struct.pack("!d", i)]) for i in range(3)
    )
    assert T.encode_data_rows(batch, types, [1, 1]) == expected


def test_float_text_random_values() -> None:
    """The vectorised float path agrees with the per-value formatter (itself checked against
    PostgreSQL in CASES) and always round-trips."""
    rng = random.Random(7)
    values = [rng.choice([1, -1]) * 10 ** rng.uniform(-12, 22) for _ in range(3000)]
    values += [float(10**k) for k in range(-8, 23)] + [1e15 - 0.5, 9.999999999999998e14, 0.0]
    for float4, arrow in ((False, pa.float64()), (True, pa.float32())):
        arr = pa.array(values, arrow)
        texts = [c[0] for c in cells(T.encode_data_rows(
            pa.record_batch([arr], ["x"]), [T.column_type("FLOAT" if float4 else "DOUBLE")], [0]))]
        stored = arr.to_pylist()
        assert texts == [T._float_text(v, float4).encode() for v in stored]
        for text, v in zip(texts, stored, strict=True):
            assert text is not None
            parsed = float(np.float32(text.decode())) if float4 else float(text)
            assert parsed == v


@settings(max_examples=2000, deadline=None)
@given(st.floats(allow_nan=True, allow_infinity=True), st.booleans())
@example(1e-4, False)
@example(9.999999999999999e-05, False)
@example(1e15, False)
@example(999999999999999.9, False)
@example(123.0, False)
@example(-0.5, True)
@example(999999.94, True)
@example(1e6, True)
@example(1e-4, True)
def test_float_text_shortcut_matches_the_worked_out_digits(x: float, float4: bool) -> None:
    if float4:
        x = float(np.float32(x)) if abs(x) < 3.4e38 or not math.isfinite(x) else 1.5
    assert T._float_text(x, float4) == T._float_text_exact(x, float4)


def test_timestamp_text_random_values() -> None:
    """The numpy timestamp formatter agrees with the per-value one, BC and year > 9999 included."""
    rng = random.Random(11)
    us = [rng.randrange(-80_000_000_000_000_000, 300_000_000_000_000_000) for _ in range(2000)]
    us += [0, -1, 86_399_999_999, 253_402_300_799_999_999, 253_402_300_800_000_000]
    us = [u // rng.choice([1, 1000, 1_000_000]) * rng.choice([1, 1000, 1_000_000]) for u in us]
    us = [max(min(u, 9_000_000_000_000_000_000), -9_000_000_000_000_000_000) for u in us]
    arr = pa.array(us, pa.int64()).cast(pa.timestamp("us"))
    for duck, suffix in (("TIMESTAMP", ""), ("TIMESTAMP WITH TIME ZONE", "+00")):
        col = arr.cast(pa.timestamp("us", tz="UTC")) if suffix else arr
        got = cells(T.encode_data_rows(pa.record_batch([col], ["t"]), [T.column_type(duck)], [0]))
        assert [c[0] for c in got] == [T._timestamp_text_py(u, suffix).encode() for u in us]


def _display_scale(value: Decimal) -> int:
    """The digits after the point PostgreSQL's numeric shows for ``value`` read as an
    unconstrained numeric (its trailing zeros dropped)."""
    exponent = value.normalize(decimal.Context(prec=100)).as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


def test_unconstrained_numeric_written_without_trailing_zeros() -> None:
    """DECIMAL(38,10) (engine.arithmetic.NUMERIC) and DECIMAL(38, s > 10), what arithmetic on it
    gives: text without trailing fraction zeros, binary with that display scale."""
    values = [Decimal("0.0001"), Decimal("5"), Decimal("-0.5"), Decimal(0), Decimal("100"),
              Decimal("1e-10"), Decimal("-12345678901234567.1"), None]
    for duck in ("DECIMAL(38,10)", "DECIMAL(38,20)"):
        scale = int(duck[-3:-1])
        exact = decimal.Context(prec=100)
        arr = pa.array([None if v is None else v.quantize(Decimal(1).scaleb(-scale), context=exact)
                        for v in values], pa.decimal128(38, scale))
        column = T.column_type(duck)
        assert (column.pg.oid, column.typmod) == (1700, -1)
        batch = pa.record_batch([arr], ["n"])
        texts = [c[0] for c in cells(T.encode_data_rows(batch, [column], [0]))]
        assert texts == [b"0.0001", b"5", b"-0.5", b"0", b"100", b"0.0000000001",
                         b"-12345678901234567.1", None]
        binary = [c[0] for c in cells(T.encode_data_rows(batch, [column], [1]))]
        assert binary == [None if v is None else T._numeric_send(v, _display_scale(v))
                          for v in values]
    narrow = T.column_type("DECIMAL(10,2)")
    arr = pa.array([Decimal("1.50")], pa.decimal128(10, 2))
    assert cells(T.encode_data_rows(pa.record_batch([arr], ["n"]), [narrow], [0])) == [[b"1.50"]]


def test_numeric_binary_random_values() -> None:
    """The vectorised numeric_send agrees with the per-value one (checked against PostgreSQL in
    CASES), across scales, signs, zeros and values too wide for 64 bits."""
    rng = random.Random(5)
    for precision, scale in ((18, 0), (10, 2), (18, 5), (18, 18), (38, 10), (38, 20), (38, 37)):
        digits = [rng.randrange(0, precision + 1) for _ in range(400)]
        unscaled = [rng.choice([1, -1]) * rng.randrange(10**k) for k in digits]
        unscaled += [0, 2**63 - 1, -(2**63), 2**63, 10**precision - 1]
        exact = decimal.Context(prec=100)
        values = [Decimal(u).scaleb(-scale, exact) for u in unscaled if abs(u) < 10**precision]
        arr = pa.array(values, pa.decimal128(precision, scale))
        column = T.column_type(f"DECIMAL({precision},{scale})")
        got = cells(T.encode_data_rows(pa.record_batch([arr], ["n"]), [column], [1]))
        if precision == 38 and scale >= 10:  # the unconstrained numeric: no trailing zeros
            assert [c[0] for c in got] == [T._numeric_send(v, _display_scale(v)) for v in values]
        else:
            assert [c[0] for c in got] == [T._numeric_send(v, scale) for v in values]
    big = [0, 1, 9999, 10_000, 2**63, 2**64 - 1]
    arr = pa.array(big, pa.uint64())
    got = cells(T.encode_data_rows(pa.record_batch([arr], ["n"]), [T.column_type("UBIGINT")], [1]))
    assert [c[0] for c in got] == [T._numeric_send(v) for v in big]


# --- the type mapping -----------------------------------------------------------------------------

MAPPING = [
    # DuckDB type, PostgreSQL typname, typmod
    ("BOOLEAN", "bool", -1),
    ("TINYINT", "int2", -1),
    ("UTINYINT", "int2", -1),
    ("SMALLINT", "int2", -1),
    ("USMALLINT", "int4", -1),
    ("INTEGER", "int4", -1),
    ("UINTEGER", "oid", -1),
    ("BIGINT", "int8", -1),
    ("UBIGINT", "numeric", -1),
    ("HUGEINT", "numeric", -1),
    ("UHUGEINT", "numeric", -1),
    ("VARINT", "numeric", -1),
    ("FLOAT", "float4", -1),
    ("DOUBLE", "float8", -1),
    ("DECIMAL(10,2)", "numeric", (10 << 16 | 2) + 4),
    ("DECIMAL(38,0)", "numeric", (38 << 16) + 4),
    ("DECIMAL(38,9)", "numeric", (38 << 16 | 9) + 4),
    ("DECIMAL(38,10)", "numeric", -1),  # numeric without a precision (engine.arithmetic)
    ("DECIMAL(38,20)", "numeric", -1),
    ("VARCHAR", "text", -1),
    ("BLOB", "bytea", -1),
    ("DATE", "date", -1),
    ("TIME", "time", -1),
    ("TIME WITH TIME ZONE", "timetz", -1),
    ("TIMESTAMP", "timestamp", -1),
    ("TIMESTAMP_S", "timestamp", -1),
    ("TIMESTAMP_MS", "timestamp", -1),
    ("TIMESTAMP_NS", "timestamp", -1),
    ("TIMESTAMP WITH TIME ZONE", "timestamptz", -1),
    ("INTERVAL", "interval", -1),
    ("UUID", "uuid", -1),
    ("JSON", "json", -1),
    ("ENUM('a', 'b')", "text", -1),
    ("BIT", "bit", -1),
    ('"NULL"', "text", -1),
    ("INTEGER[]", "_int4", -1),
    ("INTEGER[3]", "_int4", -1),
    ("BOOLEAN[]", "_bool", -1),
    ("SMALLINT[]", "_int2", -1),
    ("BIGINT[]", "_int8", -1),
    ("VARCHAR[]", "_text", -1),
    ("FLOAT[]", "_float4", -1),
    ("DOUBLE[]", "_float8", -1),
    ("DECIMAL(10,2)[]", "_numeric", (10 << 16 | 2) + 4),
    ("DATE[]", "_date", -1),
    ("TIME[]", "_time", -1),
    ("TIMESTAMP[]", "_timestamp", -1),
    ("TIMESTAMP WITH TIME ZONE[]", "_timestamptz", -1),
    ("INTERVAL[]", "_interval", -1),
    ("UUID[]", "_uuid", -1),
    ("BLOB[]", "_bytea", -1),
    ("JSON[]", "_json", -1),
    ("ENUM('a', 'b')[]", "_text", -1),
    ("INTEGER[][]", "text", -1),
    ("STRUCT(a INTEGER, b VARCHAR)", "text", -1),
    ("STRUCT(a INTEGER)[]", "text", -1),
    ("MAP(INTEGER, VARCHAR)", "text", -1),
    ("UNION(a INTEGER, b VARCHAR)", "text", -1),
]


@pytest.mark.parametrize(("duck", "pg_name", "typmod"), MAPPING)
def test_column_type_mapping(
    con: duckdb.DuckDBPyConnection, duck: str, pg_name: str, typmod: int
) -> None:
    from_string = T.column_type(duck)
    assert from_string.pg == T.pg_type_by_name(pg_name)
    assert from_string.typmod == typmod
    cursor = con.execute(f"SELECT CAST(NULL AS {duck}) AS x")
    described = T.column_type(cursor.description[0][1])  # a DuckDBPyType, as the server has
    cursor.fetchall()
    assert described == from_string
    _, batch = fetch(con, f"SELECT CAST(NULL AS {duck}) AS x")
    assert batch.schema.field(0).type == from_string.arrow
    assert T.pg_type_for_duck(duck) == from_string.pg


def test_array_types_point_at_their_elements() -> None:
    for name in ("bool", "int2", "int4", "int8", "text", "varchar", "float4", "float8",
                 "numeric", "date", "time", "timestamp", "timestamptz", "interval", "uuid",
                 "bytea", "json"):
        element = T.pg_type_by_name(name)
        assert element is not None
        array = T.pg_type_by_oid(element.array_oid)
        assert array is not None and array.name == "_" + name and array.size == -1
    assert T.pg_type_by_name("int4").array_oid == 1007  # type: ignore[union-attr]
    assert T.pg_type_by_name("json").array_oid == 199  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("name", "oid"),
    [("int4", 23), ("integer", 23), ("INT", 23), ("bigint", 20), ("text", 25),
     ("varchar", 1043), ("character varying(10)", 1043), ("timestamptz", 1184),
     ("timestamp with time zone", 1184), ("double precision", 701), ("numeric(10, 2)", 1700),
     ("bool", 16), ("_int4", 1007), ("int4[]", 1007), ("text[]", 1009),
     ("pg_catalog.uuid", 2950), ("jsonb", 3802)],
)
def test_pg_type_by_name(name: str, oid: int) -> None:
    found = T.pg_type_by_name(name)
    assert found is not None and found.oid == oid


def test_pg_type_lookup_misses() -> None:
    assert T.pg_type_by_name("no_such_type") is None
    assert T.pg_type_by_oid(999_999) is None
    assert T.pg_type_by_oid(23) == T.PgType(23, "int4", 4, 1007)


@pytest.mark.parametrize(
    ("oid", "duck"),
    [(16, "BOOLEAN"), (20, "BIGINT"), (21, "SMALLINT"), (23, "INTEGER"), (25, "VARCHAR"),
     (1043, "VARCHAR"), (700, "FLOAT"), (701, "DOUBLE"), (1082, "DATE"), (1083, "TIME"),
     (1114, "TIMESTAMP"), (1184, "TIMESTAMPTZ"), (1186, "INTERVAL"), (2950, "UUID"),
     (17, "BLOB"), (114, "JSON"), (3802, "JSON"), (1007, "INTEGER[]"), (1009, "VARCHAR[]"),
     (0, "VARCHAR"), (705, "VARCHAR"), (999_999, "VARCHAR")],
)
def test_duck_type_for_oid(con: duckdb.DuckDBPyConnection, oid: int, duck: str) -> None:
    assert T.duck_type_for_oid(oid) == duck
    con.execute(f"SELECT CAST(NULL AS {T.duck_type_for_oid(oid)})").fetchall()  # castable


# --- parameters -----------------------------------------------------------------------------------

# Nanoseconds are lost (PostgreSQL keeps microseconds); DuckDB cannot cast a numeric parameter to
# BIGNUM, nor hold one of more than 38 digits.
NOT_ROUND_TRIPPED = {"'2024-01-02 03:04:05.123456789'::timestamp_ns"} | {
    c.sql for c in CASES if "::varint" in c.sql
}


ROUND_TRIP_CASES = [
    c for c in CASES
    if c.text is not None and c.sql not in TEXT_ONLY and c.sql not in NOT_ROUND_TRIPPED
]


@pytest.mark.parametrize("case", ROUND_TRIP_CASES, ids=lambda c: c.sql)
def test_decode_param_round_trip(con: duckdb.DuckDBPyConnection, case: Case) -> None:
    """PostgreSQL's own text and binary forms of a value decode to a parameter that DuckDB binds
    back to the same value (NULLs, text-only types and the values listed above excluded)."""
    types, _ = fetch(con, f"SELECT {case.sql} AS x")
    for fmt, data in ((0, case.text), (1, case.binary)):
        value = T.decode_param(data, case.oid, fmt)
        [(same,)] = con.execute(
            f"SELECT CAST(? AS {types[0].duck}) IS NOT DISTINCT FROM ({case.sql})", [value]
        ).fetchall()
        assert same, (fmt, value)


@pytest.mark.parametrize(
    ("text", "oid", "expected"),
    [
        ("t", 16, True), ("FALSE", 16, False), (" yes ", 16, True), ("of", 16, False),
        ("-42", 23, -42), ("+7", 20, 7), ("1.5e3", 701, 1500.0), ("-Infinity", 701, -math.inf),
        ("123.450", 1700, Decimal("123.450")), ("NaN", 1700, Decimal("NaN")),
        ("\\x0aff", 17, b"\n\xff"), ("a\\\\b\\001", 17, b"a\\b\x01"),
        ("2024-01-02", 1082, dt.date(2024, 1, 2)), ("infinity", 1082, "infinity"),
        ("0044-03-15 BC", 1082, "0044-03-15 (BC)"),
        ("03:04:05.5", 1083, dt.time(3, 4, 5, 500_000)),
        ("03:04:05+02", 1266, dt.time(3, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=2)))),
        ("2024-01-02 03:04:05.123456", 1114, dt.datetime(2024, 1, 2, 3, 4, 5, 123_456)),
        ("2024-01-02T03:04:05", 1114, dt.datetime(2024, 1, 2, 3, 4, 5)),
        ("2024-01-02 03:04:05+02", 1184, dt.datetime(2024, 1, 2, 1, 4, 5, tzinfo=dt.UTC)),
        ("2024-01-02 03:04:05-05:30", 1184, dt.datetime(2024, 1, 2, 8, 34, 5, tzinfo=dt.UTC)),
        # no offset: local time, cast to timestamptz in the server's zone (engine.arithmetic)
        ("2024-01-02 03:04:05", 1184, dt.datetime(2024, 1, 2, 3, 4, 5)),
        ("1 year 2 mons 3 days 04:05:06", 1186, dt.timedelta(days=423, seconds=14706)),
        ("-00:00:01", 1186, dt.timedelta(seconds=-1)),
        ("1 day -00:00:01", 1186, dt.timedelta(days=1, seconds=-1)),
        ("@ 2 hours ago", 1186, dt.timedelta(hours=-2)),
        ("P1DT2H", 1186, dt.timedelta(days=1, hours=2)),
        ("1.5 days", 1186, dt.timedelta(days=1, hours=12)),
        ("5DE65779-0B71-4244-AF7B-49963D1D78A2", 2950,
         uuid.UUID("5de65779-0b71-4244-af7b-49963d1d78a2")),
        ('{"a": [1, 2]}', 114, '{"a": [1, 2]}'),
        ("{1,2,NULL}", 1007, [1, 2, None]),
        ('{"a b","x\\"y",NULL,"",NULL}', 1009, ["a b", 'x"y', None, "", None]),
        ("{{1,2},{3,4}}", 1007, [[1, 2], [3, 4]]),
        ("{}", 1009, []),
        ("[1:2]={7,8}", 1016, [7, 8]),
        ("anything", 0, "anything"),
        ("anything", 705, "anything"),
        ("inet-ish", 869, "inet-ish"),
    ],
)
def test_decode_param_text(text: str, oid: int, expected: object) -> None:
    value = T.decode_param(text.encode(), oid, 0)
    assert repr(value) == repr(expected)  # also tells NaN from NaN and the exact types apart


def test_decode_param_binary_values() -> None:
    assert T.decode_param(None, 23, 1) is None
    assert T.decode_param(struct.pack("!i", -5), 23, 1) == -5
    assert T.decode_param(struct.pack("!qii", 1_000_000, 3, 14), 1186, 1) == dt.timedelta(
        days=14 * 30 + 3, seconds=1
    )
    stamp = T.decode_param(struct.pack("!q", 0), 1184, 1)
    assert stamp == dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    assert T.decode_param(struct.pack("!q", 2**63 - 1), 1114, 1) == "infinity"
    assert T.decode_param(b"\x01" + b'{"a":1}', 3802, 1) == '{"a":1}'
    array = struct.pack("!iiIiiii", 1, 1, 23, 2, 1, 4, 9) + struct.pack("!i", -1)
    assert T.decode_param(array, 1007, 1) == [9, None]
    assert T.decode_param(bytes.fromhex("0000000450"), 1560, 1) == "0101"


@pytest.mark.parametrize(
    ("data", "oid", "fmt", "sqlstate"),
    [
        (b"abc", 23, 0, "22P02"),
        (b"12.5", 20, 0, "22P02"),
        (b"99999999999", 23, 0, "22003"),
        (b"maybe", 16, 0, "22P02"),
        (b"1_000", 701, 0, "22P02"),
        (b"1e999", 701, 0, "22003"),
        (b"1e39", 700, 0, "22003"),
        (b"12a", 1700, 0, "22P02"),
        (b"2024-13-01", 1082, 0, "22008"),
        (b"2023-02-29", 1082, 0, "22008"),
        (b"yesterday-ish", 1114, 0, "22P02"),
        (b"25:00:00", 1083, 0, "22008"),
        (b"not-a-uuid", 2950, 0, "22P02"),
        (b"{bad json", 114, 0, "22P02"),
        (b"{1,2", 1007, 0, "22P02"),
        (b"{1,x}", 1007, 0, "22P02"),
        (b"\\xzz", 17, 0, "22P02"),
        (b"3 fortnights", 1186, 0, "22P02"),
        (b"012", 1560, 0, "22P02"),
        (b"\x00\x01", 23, 1, "22P03"),
        (b"\x00" * 9, 20, 1, "22P03"),
        (b"\x00\x01", 1700, 1, "22P03"),
        (b"\x00" * 15, 1186, 1, "22P03"),
        (b"\x00" * 5, 2950, 1, "22P03"),
        (b"\x00\x00\x00\x01", 1007, 1, "22P03"),
        (b"\xff\xfe", 25, 1, "22021"),
        (b"\x01", 869, 1, "0A000"),
        (b"1", 23, 2, "08P01"),
    ],
)
def test_decode_param_errors(data: bytes, oid: int, fmt: int, sqlstate: str) -> None:
    with pytest.raises(SqlError) as info:
        T.decode_param(data, oid, fmt)
    assert info.value.sqlstate == sqlstate
    if sqlstate == "22P02":
        assert info.value.message.startswith("invalid input syntax for type ")


def test_decode_param_error_message_names_the_type() -> None:
    with pytest.raises(SqlError) as info:
        T.decode_param(b"abc", 23, 0)
    assert info.value.message == 'invalid input syntax for type integer: "abc"'


# --- COPY -----------------------------------------------------------------------------------------

COPY_ROWS = r"""
    SELECT * FROM (VALUES
        (1, 'a' || chr(9) || 'b', 1, 'x,y'),
        (2, 'line1' || chr(10) || 'line2', NULL, 'say "hi"'),
        (3, 'back\slash', 3, ''),
        (4, NULL, 4, 'cr' || chr(13) || 'x'),
        (5, '\.', 5, 'NULL'),
        (6, 'a|b', 6, ' lead')
    ) t(k, a, b, c) ORDER BY k
"""


def copy_batch(con: duckdb.DuckDBPyConnection, columns: str) -> tuple[list[T.ColumnType], Any]:
    return fetch(con, f"SELECT {columns} FROM ({COPY_ROWS})")


# Expected outputs were produced by PostgreSQL 15's COPY ... TO STDOUT for the same rows.
def test_copy_text(con: duckdb.DuckDBPyConnection) -> None:
    types, batch = copy_batch(con, "a, b, c")
    out = T.encode_copy_text(batch, types, csv=False, delimiter="\t", null="\\N")
    assert out == (
        b"a\\tb\t1\tx,y\n"
        b"line1\\nline2\t\\N\tsay \"hi\"\n"
        b"back\\\\slash\t3\t\n"
        b"\\N\t4\tcr\\rx\n"
        b"\\\\.\t5\tNULL\n"
        b"a|b\t6\t lead\n"
    )
    piped = T.encode_copy_text(batch, types, csv=False, delimiter="|", null="\\N")
    assert piped.splitlines()[-1] == b"a\\|b|6| lead"


def test_copy_csv(con: duckdb.DuckDBPyConnection) -> None:
    types, batch = copy_batch(con, "a, b, c")
    out = T.encode_copy_text(batch, types, csv=True, delimiter=",", null="")
    assert out == (
        b"a\tb,1,\"x,y\"\n"
        b"\"line1\nline2\",,\"say \"\"hi\"\"\"\n"
        b"back\\slash,3,\"\"\n"
        b",4,\"cr\rx\"\n"
        b"\\.,5,NULL\n"
        b"a|b,6, lead\n"
    )
    with_null = T.encode_copy_text(batch, types, csv=True, delimiter=",", null="NULL")
    assert with_null.split(b"\n")[-3] == b'\\.,5,"NULL"'
    assert with_null.split(b"\n")[2] == b"line2\",NULL,\"say \"\"hi\"\"\""
    quoted = T.encode_copy_text(batch, types, csv=True, delimiter=",", null="", quote="'",
                                escape="\\")
    assert quoted.split(b"\n")[3] == b"back\\slash,3,''"


def test_copy_data_rows_one_message_per_row(con: duckdb.DuckDBPyConnection) -> None:
    """CopyData messages carry one row each, as PostgreSQL sends them, even when a CSV value
    spans lines; the payloads concatenate to encode_copy_text's output."""
    types, batch = copy_batch(con, "a, b, c")
    for csv, delimiter, null in ((False, "\t", "\\N"), (True, ",", "")):
        payload = T.encode_copy_text(batch, types, csv=csv, delimiter=delimiter, null=null)
        messages = T.encode_copy_data_rows(batch, types, csv=csv, delimiter=delimiter, null=null)
        rows, pos = [], 0
        while pos < len(messages):
            assert messages[pos : pos + 1] == b"d"
            (length,) = struct.unpack_from("!i", messages, pos + 1)
            rows.append(messages[pos + 5 : pos + 1 + length])
            pos += 1 + length
        assert len(rows) == 6
        assert all(r.endswith(b"\n") for r in rows)
        assert b"".join(rows) == payload
        assert messages == b"".join(codec.encode_copy_data(r) for r in rows)


def test_copy_csv_single_column(con: duckdb.DuckDBPyConnection) -> None:
    types, batch = copy_batch(con, "a")
    out = T.encode_copy_text(batch, types, csv=True, delimiter=",", null="")
    assert out == b'a\tb\n"line1\nline2"\nback\\slash\n\n"\\."\na|b\n'


def test_copy_text_values_use_postgres_formats(con: duckdb.DuckDBPyConnection) -> None:
    types, batch = fetch(
        con, "SELECT true AS a, [1, NULL] AS b, 1.5::double AS c, timestamp '2024-01-02' AS d"
    )
    assert T.encode_copy_text(batch, types, csv=False, delimiter="\t", null="\\N") == (
        b"t\t{1,NULL}\t1.5\t2024-01-02 00:00:00\n"
    )
    assert T.encode_copy_text(batch, types, csv=True, delimiter=",", null="") == (
        b't,"{1,NULL}",1.5,2024-01-02 00:00:00\n'
    )


def copy_stream(rows: list[list[bytes | None]], header_ext: bytes = b"") -> bytes:
    out = [b"PGCOPY\n\xff\r\n\0", struct.pack("!iI", 0, len(header_ext)), header_ext]
    for row in rows:
        out.append(struct.pack("!h", len(row)))
        for v in row:
            out.append(struct.pack("!i", -1) if v is None else struct.pack("!i", len(v)) + v)
    out.append(struct.pack("!h", -1))
    return b"".join(out)


def test_decode_copy_binary(con: duckdb.DuckDBPyConnection) -> None:
    types = [T.column_type(t) for t in ("INTEGER", "VARCHAR", "DECIMAL(10,2)", "TIMESTAMP",
                                        "INTEGER[]")]
    numeric = T.encode_data_rows(*fetch(con, "SELECT 12.50::decimal(10,2) AS x")[::-1], [1])
    int_array = struct.pack("!iiIiiii", 1, 0, 23, 1, 1, 4, 3)
    stream = copy_stream(
        [
            [struct.pack("!i", 7), "h\u00e9".encode(), numeric[11:], struct.pack("!q", 0),
             int_array],
            [None, b"", None, None, None],
        ],
        header_ext=b"ext!",
    )
    assert T.decode_copy_binary(stream, types) == [
        (7, "h\u00e9", Decimal("12.50"), dt.datetime(2000, 1, 1), [3]),
        (None, "", None, None, None),
    ]


@pytest.mark.parametrize(
    "stream",
    [
        b"PGCOPY\n\xff\r\n\1" + bytes(8) + b"\xff\xff",  # bad signature
        b"PGCOPY\n\xff\r\n\0" + struct.pack("!iI", 1 << 16, 0) + b"\xff\xff",  # OIDs
        copy_stream([[b"\0\0\0\1"]])[:-4],  # truncated
        copy_stream([[b"\0\0\0\1", b"\0\0\0\2"]]),  # wrong field count
        copy_stream([]) + b"extra",  # data after the trailer
    ],
)
def test_decode_copy_binary_malformed(stream: bytes) -> None:
    with pytest.raises(SqlError) as info:
        T.decode_copy_binary(stream, [T.column_type("INTEGER")])
    assert info.value.sqlstate == "22P04"


def test_decode_copy_binary_bad_value() -> None:
    with pytest.raises(SqlError) as info:
        T.decode_copy_binary(copy_stream([[b"\0\1"]]), [T.column_type("INTEGER")])
    assert info.value.sqlstate == "22P03"
