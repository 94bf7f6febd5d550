"""to_char of numbers and to_number (engine/pgnumber.py) against PostgreSQL 15's own output.

Tables of outputs recorded from PostgreSQL 15 run without it; the differential tests put a
few thousand generated templates and values through both: to_char of numeric, double
precision, real and bigint, and to_number of generated number texts (errors compared by
SQLSTATE).
"""

from __future__ import annotations

import random
from decimal import Decimal

import psycopg
import pytest

from engine.errors import SqlError
from engine.pgnumber import check_template, is_number_template, to_char, to_number
from tests.conftest import RunningServer
from tests.pg15 import PostgresCluster

# (value, DuckDB type, template, PostgreSQL 15's to_char)
RECORDED = [
    ("0", "DECIMAL(10,2)", "9999", "    0"),
    ("0", "DECIMAL(10,2)", "9999.99", "     .00"),
    ("0", "DECIMAL(10,2)", "FM9999.99", "0."),
    ("0.5", "DECIMAL(10,2)", "FM9999.99", ".5"),
    ("1", "INTEGER", "FM9999.99", "1."),
    ("-0.5", "DECIMAL(10,2)", "0.99", "-0.50"),
    ("12", "INTEGER", "9.99", " #.##"),
    ("1234.5", "DECIMAL(10,2)", "9,999", " 1,235"),
    ("1234567.891", "DECIMAL(12,3)", "FM9,999,999.00", "1,234,567.89"),
    ("12", "INTEGER", "9,999", "    12"),
    ("0.5", "DECIMAL(10,2)", ".99", " .##"),
    ("0", "INTEGER", "9.", " 0"),
    ("12", "INTEGER", "99.9S", "12.0+"),
    ("-12", "INTEGER", "S9999", "  -12"),
    ("-12", "INTEGER", "9999MI", "  12-"),
    ("-12", "INTEGER", "9999PR", "  <12>"),
    ("12", "INTEGER", "SG9999", "+  12"),
    ("12", "INTEGER", "9999PL", "   12+"),
    ("-0.5", "DECIMAL(10,2)", "FMS9,990.0", "-0.5"),
    ("0.5", "DOUBLE", "9999", "    0"),  # %.0f rounds half to even
    ("0.125", "DOUBLE", "9999.99", "     .12"),
    ("1e+20", "DOUBLE", "9999.99", " ####."),  # only 15 significant digits
    ("-0.0", "DOUBLE", "9999", "   -0"),
    ("0", "DECIMAL(10,2)", "fm9.9909", ".000"),  # a 0 keeps its digit under FM
    ("-170141183460469231731687303715884105728", "HUGEINT", "FM" + "9" * 40 + ".00",
     "-170141183460469231731687303715884105728.00"),
]


@pytest.mark.parametrize(("value", "kind", "template", "expected"), RECORDED)
def test_recorded_postgresql_output(value: str, kind: str, template: str,
                                    expected: str) -> None:
    assert to_char(value, kind, template) == expected


@pytest.mark.parametrize(("template", "sqlstate"), [
    ("9.99EEEE", "0A000"), ("RN", "0A000"), ("999th", "0A000"), ("99V9", "0A000"),
    ("L999", "0A000"), ("9.9.9", "42601"), ("S9S", "42601"), ("999PR9", "42601"),
    ("S999MI", "42601"),
])
def test_templates_refused(template: str, sqlstate: str) -> None:
    with pytest.raises(SqlError) as raised:
        check_template(template)
    assert raised.value.sqlstate == sqlstate


def test_number_templates_are_told_from_date_templates() -> None:
    assert is_number_template("FM9,999.00") and is_number_template("0000")
    assert is_number_template("FMRN")  # refused then, as a number template
    assert not is_number_template("YYYY-MM-DD HH24:MI")
    assert not is_number_template('"9 to 5" Day')


def _template(rng: random.Random) -> str:
    parts = []
    if rng.random() < 0.3:
        parts.append(rng.choice(["FM", "fm"]))
    lead = rng.choice(["S", "SG", "PL", "MI"]) if rng.random() < 0.2 else ""
    parts.append(lead)
    body = "".join(rng.choice("99990,") for _ in range(rng.randint(0, 6)))
    if rng.random() < 0.7:
        body += rng.choice([".", "D"]) + "".join(rng.choice("9990")
                                                  for _ in range(rng.randint(0, 4)))
    parts.append(body)
    if not lead and rng.random() < 0.3:
        parts.append(rng.choice(["S", "MI", "PL", "SG", "PR"]))
    if rng.random() < 0.1:
        parts.append(' "x"')
    return "".join(parts)


def _value(rng: random.Random) -> str:
    if rng.random() < 0.1:
        return rng.choice(["0", "-0.0", "0.5", "-0.5", "0.125"])
    return repr(round(rng.choice([1, -1]) * 10 ** rng.uniform(-4, 8), rng.randint(0, 5)))


@pytest.mark.parametrize(("pg_type", "kind"), [
    ("numeric", "DECIMAL(30,10)"), ("float8", "DOUBLE"), ("float4", "FLOAT"),
    ("int8", "BIGINT"),
])
def test_same_output_as_postgresql(pg15: PostgresCluster, pg_type: str, kind: str) -> None:
    rng = random.Random(f"to_char {pg_type}")
    cases = []
    while len(cases) < 1500:
        template, value = _template(rng), _value(rng)
        try:
            check_template(template)
        except SqlError:
            continue
        if pg_type == "int8":
            value = str(int(float(value)))
        if pg_type == "float4":
            value = repr(float(f"{float(value):.6g}"))  # exact in a float4, as DuckDB prints it
        cases.append((value, template))
    with psycopg.connect(pg15.dsn(), autocommit=True) as conn:
        expected = [row[0] for row in conn.execute(
            f"SELECT to_char(v::{pg_type}, t) FROM unnest(%s::text[], %s::text[]) "
            "WITH ORDINALITY AS u(v, t, n) ORDER BY n",
            ([v for v, _ in cases], [t for _, t in cases])).fetchall()]
    mismatches = [(v, t, e, to_char(v, kind, t))
                  for (v, t), e in zip(cases, expected, strict=True)
                  if to_char(v, kind, t) != e]
    assert mismatches[:10] == []


def test_through_the_server(server: RunningServer) -> None:
    with psycopg.connect(server.dsn(), autocommit=True) as conn:
        conn.execute("CREATE TABLE amounts (id int, amount numeric(12,2), ratio float8)")
        conn.execute("INSERT INTO amounts VALUES (1, 1234.5, 0.125), (2, -7, NULL)")
        rows = conn.execute("SELECT to_char(amount, 'FM9,990.00'), to_char(ratio, '0.99') "
                            "FROM amounts ORDER BY id").fetchall()
        assert rows == [("1,234.50", " 0.12"), ("-7.00", None)]
        with pytest.raises(psycopg.errors.FeatureNotSupported, match='pattern "RN"'):
            conn.execute("SELECT to_char(amount, 'RN') FROM amounts")
        with pytest.raises(psycopg.errors.UndefinedFunction):
            conn.execute("SELECT to_char('12'::text, '999')")


# (input, template, PostgreSQL 15's to_number as text, or "ERR" and its SQLSTATE)
TO_NUMBER_RECORDED = [
    ("12,454.8-", "99G999D9S", "-12454.8"), ("1,234.56", "9,999.99", "1234.56"),
    ("1234.56", "99.99", "ERR 22003"), ("12345", "999", "123"), ("  12", "9999", "12"),
    ("12-", "99MI", "-12"), ("<12>", "99PR", "-12"), ("12-", "99S", "-12"),
    ("1.5", "9.99", "1.5"), ("1.555", "9.99", "1.55"), ("1,234", "9999", "123"),
    ("1 234", "9G999", "1234"), ("abc", "999", "ERR 22P02"), ("", "999", "ERR 22P02"),
    ("$1,234.56", "$9,999.99", "1234.56"), ("1,234.56", "FM9,999.99", "1234.5"),
    ("0.5", ".9", "0"), ("1e5", "9999", "15"), ("12a34", "99a99", "1234"),
    ("1234", '99"x"99', "124"), ("1,2,3", "9,9,9", "123"), ("5.", "9.9", "5"),
    ("0012", "0000", "12"), ("1-2", "9S9", "-12"), ("12,34", "99D99", "ERR 22003"),
    ("12+", "99SG", "12"), ("-.5", "S.9", "ERR 22P02"), ("- 12", "S999", "-12"),
    ("12", "9.99", "ERR 22003"), ("1.2", "99", "1"), ("-0", "S9", "0"), ("0.00", "9.99", "0.00"),
    ("99999999999999999999999", "9" * 23, "99999999999999999999999"),
]


def _to_number_or_error(text: str, template: str) -> str | None:
    try:
        return to_number(text, template)
    except SqlError as exc:
        return f"ERR {exc.sqlstate}"


@pytest.mark.parametrize(("text", "template", "expected"), TO_NUMBER_RECORDED)
def test_to_number_recorded_postgresql_output(text: str, template: str, expected: str) -> None:
    assert _to_number_or_error(text, template) == expected


def test_to_number_overflow_says_why() -> None:
    with pytest.raises(SqlError, match="numeric field overflow") as caught:
        to_number("1234.56", "99.99")
    # The point is read as a digit position's input: "1234" then, with no fraction digits.
    assert caught.value.detail == ("A field with precision 2, scale 0 must round to an "
                                   "absolute value less than 10^2.")


def _number_text(rng: random.Random) -> str:
    """Text that looks more or less like a formatted number."""
    digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(0, 7)))
    if digits and rng.random() < 0.4:  # group separators
        cut = rng.randint(1, len(digits))
        digits = digits[:cut] + rng.choice([",", ",", " ", "."]) + digits[cut:]
    if rng.random() < 0.6:
        digits += "." + "".join(rng.choice("0123456789") for _ in range(rng.randint(0, 4)))
    sign = rng.choice(["", "", "", "-", "+", "<", " -", "- "])
    if sign == "<":
        return "<" + digits + ">"
    text = sign + digits if rng.random() < 0.6 else digits + sign.strip()
    if rng.random() < 0.15:
        at = rng.randint(0, len(text))
        text = text[:at] + rng.choice("$x %") + text[at:]
    return rng.choice(["", " ", "  "]) + text if rng.random() < 0.2 else text


def test_to_number_same_as_postgresql(pg15: PostgresCluster) -> None:
    rng = random.Random("to_number")
    cases = []
    while len(cases) < 3000:
        template = _template(rng)
        try:
            check_template(template)
        except SqlError:
            continue
        cases.append((_number_text(rng), template))
    with psycopg.connect(pg15.dsn(), autocommit=True) as conn:
        conn.execute("""CREATE OR REPLACE FUNCTION pg_temp.try_to_number(v text, t text)
            RETURNS text LANGUAGE plpgsql AS $$
            BEGIN RETURN to_number(v, t)::text;
            EXCEPTION WHEN others THEN RETURN 'ERR ' || SQLSTATE; END $$""")
        expected = [row[0] for row in conn.execute(
            "SELECT pg_temp.try_to_number(v, t) FROM unnest(%s::text[], %s::text[]) "
            "WITH ORDINALITY AS u(v, t, n) ORDER BY n",
            ([v for v, _ in cases], [t for _, t in cases])).fetchall()]
    mismatches = [(v, t, e, _to_number_or_error(v, t))
                  for (v, t), e in zip(cases, expected, strict=True)
                  if _to_number_or_error(v, t) != e]
    assert mismatches[:10] == []


def test_to_number_through_the_server(server: RunningServer) -> None:
    with psycopg.connect(server.dsn(), autocommit=True) as conn:
        conn.execute("CREATE TABLE prices (id int, shown text)")
        conn.execute("INSERT INTO prices VALUES (1, '$1,234.56'), (2, '$12,454.80-'), (3, NULL)")
        cur = conn.execute("SELECT to_number(shown, '$99G999D99S') FROM prices ORDER BY id")
        assert cur.description[0].name == "to_number"
        assert cur.description[0].type_code == 1700  # numeric
        assert cur.fetchall() == [(Decimal("1234.56"),), (Decimal("-12454.80"),), (None,)]
        assert conn.execute("SELECT to_number('12', '')").fetchone() == (None,)
        with pytest.raises(psycopg.errors.NumericValueOutOfRange, match="field overflow"):
            conn.execute("SELECT to_number('1234.56', '99.99')")
        with pytest.raises(psycopg.errors.InvalidTextRepresentation, match='numeric: " "'):
            conn.execute("SELECT to_number('abc', '999')")
        with pytest.raises(psycopg.errors.FeatureNotSupported, match="constant"):
            conn.execute("SELECT to_number(shown, shown) FROM prices")
