"""PostgreSQL date/time templates read into strftime pieces (engine/pgformat.py); their
values are compared with PostgreSQL 15 in tests/test_pg_semantics.py."""

from __future__ import annotations

import pytest

from engine.errors import SqlError
from engine.pgformat import Field, Part, strptime_format, template_parts

PARTS: list[tuple[str, list[Part]]] = [
    ("YYYY-MM-DD HH24:MI:SS", ["%Y-%m-%d %H:%M:%S"]),
    ("FMDD/FMMM FMHH12", ["%-d/%-m %-I"]),
    ("Day", [Field("day")]),
    ("FMMONTH mon", [Field("month", "upper", pad=False), " ", Field("mon", "lower")]),
    ('"100% sure" D', ["100%% sure ", Field("dow")]),
    ("HH am p.m.", ["%I ", Field("meridiem_lower"), " ", Field("meridiem", dots_lower=True)]),
    ("MS US DDD IW ID IYYY YY Q", ["%g %f %j %V %u %G %y ", Field("quarter")]),
    ("\\Y-YYYY", ["Y-%Y"]),
]


@pytest.mark.parametrize(("template", "parts"), PARTS)
def test_template_parts(template: str, parts: list[Part]) -> None:
    assert template_parts(template) == parts


def test_strptime_format() -> None:
    assert strptime_format("FMDD/MM/YYYY HH12:MI AM Mon") == "%d/%m/%Y %I:%M %p %b"


@pytest.mark.parametrize("template", ["DDth", "SSSS", "YYY", "Y,YYY", "W", "J", "TZ", "RM"])
def test_unknown_patterns_are_refused_not_printed(template: str) -> None:
    with pytest.raises(SqlError) as info:
        template_parts(template)
    assert info.value.sqlstate == "0A000"


@pytest.mark.parametrize("template", ["D", "Q", "A.M."])
def test_fields_that_cannot_be_parsed_are_refused(template: str) -> None:
    with pytest.raises(SqlError):
        strptime_format(template)
