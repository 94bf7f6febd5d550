"""PostgreSQL's date/time input forms that DuckDB reads otherwise (DateStyle ``ISO, MDY``).

DuckDB reads ISO 8601 (``2024-01-05 22:11:00+02``); PostgreSQL also reads month names
(``Jan 5, 2024``, ``5 January 2024``), ``MM/DD/YYYY`` (month first, its default DateStyle),
``YYYYMMDD``, a 12-hour clock (``10:11 PM``) and the special values ``now``, ``today``,
``tomorrow``, ``yesterday`` and ``allballs``. DuckDB refuses most of these — and reads
``2024-01-05 10:11 PM`` as 10:11, silently. :func:`datetime_literal` gives the DuckDB
expression for PostgreSQL's reading of such a literal; ISO text is left to DuckDB.
"""

from __future__ import annotations

import re

from engine.errors import SqlError, SqlState

# DuckDB type → kind of value
KINDS = {"DATE": "date", "TIMESTAMP": "timestamp", "TIMESTAMP WITH TIME ZONE": "timestamptz",
         "TIMESTAMPTZ": "timestamptz", "TIME": "time"}

_MONTHS = {name: n for n, names in enumerate(
    (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
     ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
     ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
     ("dec", "december")), start=1) for name in names}
_MONTH = "(?P<mon>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"

_DATES = [re.compile(p, re.IGNORECASE) for p in (
    r"(?P<y>\d{4})(?P<m>\d\d)(?P<d>\d\d)",  # YYYYMMDD
    r"(?P<m>\d{1,2})[/.-](?P<d>\d{1,2})[/.-](?P<y>\d{4}|\d\d)(?!\d)",  # MDY, 01/05/24
    r"(?P<y>\d{4})[/.](?P<m>\d{1,2})[/.](?P<d>\d{1,2})",
    rf"{_MONTH}[\s-]+(?P<d>\d{{1,2}}),?[\s-]+(?P<y>\d{{4}}|\d\d)(?!\d)",  # Jan 5, 2024
    rf"(?P<d>\d{{1,2}})[\s-]+{_MONTH},?[\s-]+(?P<y>\d{{4}}|\d\d)(?!\d)",  # 5 Jan 2024
    rf"(?P<y>\d{{4}})[\s-]+{_MONTH}[\s-]+(?P<d>\d{{1,2}})",  # 2024 Jan 5
    r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})",  # ISO (only with a 12-hour time)
)]
_TIME = re.compile(r"(?P<h>\d{1,2}):(?P<mi>\d\d)(?::(?P<s>\d\d(?:\.\d+)?))?"
                   r"\s*(?P<ampm>[ap]\.?m\.?)?(?P<zone>\s*(?:[+-]\d.*|z|utc|gmt|[a-z_]+/.*))?",
                   re.IGNORECASE)
# What makes a literal worth reading here; other text goes to DuckDB as written.
LOOKS_PG_ONLY = re.compile(
    r"\s*(now|today|tomorrow|yesterday|allballs)\s*$|.*\d\s*[ap]\.?m\b|.*[a-z]{3}|\s*\d{8}\s*$"
    r"|\s*\d{1,2}[/.]\d{1,2}[/.]\d{4}|\s*\d{4}[/.]\d"
    # a two-digit year, which DuckDB would read as the year 24 AD (RE2 also runs this: no
    # look-ahead)
    r"|\s*\d{1,2}[/.-]\d{1,2}[/.-]\d\d(\D|$)", re.IGNORECASE)

# A cheap look over a whole statement: might one of its literals be such a form?
HINT = re.compile(
    r"'\s*(now|today|tomorrow|yesterday|allballs)\s*'|\d\s*[ap]\.?m\b|'\s*\d{8}\s*'"
    r"|'\s*\d{1,2}[/.]\d{1,2}[/.]\d{4}|'\s*\d{4}[/.]\d|'\s*[a-z]{3,9}\.?[\s-]+\d"
    r"|'\s*\d{1,2}[\s-]+[a-z]{3}|'\s*\d{1,2}[/.-]\d{1,2}[/.-]\d\d\D", re.IGNORECASE)

_RELATIVE_DAYS = {"today": 0, "tomorrow": 1, "yesterday": -1}


def datetime_literal(text: str, kind: str) -> str | None:
    """A DuckDB expression for PostgreSQL's reading of ``text`` as ``kind`` (``date``,
    ``timestamp``, ``timestamptz`` or ``time``); None when DuckDB reads the text as PostgreSQL
    does or it is no form known here (DuckDB then says what it thinks). SqlError 22008 for a
    date or time out of range."""
    if not LOOKS_PG_ONLY.match(text):
        return None
    word = text.strip().lower()
    duck_type = {"timestamptz": "TIMESTAMPTZ"}.get(kind, kind.upper())
    if word == "now":
        return f"CAST(current_timestamp AS {duck_type})"
    if word in _RELATIVE_DAYS:
        if kind == "time":
            return "TIME '00:00:00'" if word == "today" else None
        days = _RELATIVE_DAYS[word]
        shift = f" + {days}" if days > 0 else f" - {-days}" if days else ""
        return f"CAST(current_date{shift} AS {duck_type})"
    if word == "allballs":
        return "TIME '00:00:00'" if kind == "time" else None
    if kind == "time":
        found = _TIME.fullmatch(text.strip())
        return None if found is None or not found.group("ampm") else f"'{_clock(found)}'"
    for pattern in _DATES:
        found = pattern.match(text.strip())
        if found is None:
            continue
        date = _date(found)
        rest = text.strip()[found.end():].strip().lstrip("Tt").strip()
        if not rest:
            return None if pattern is _DATES[-1] else f"'{date}'"
        clock = _TIME.fullmatch(rest)
        if clock is None or kind == "date" or (pattern is _DATES[-1] and not clock["ampm"]):
            return None
        return f"'{date} {_clock(clock)}'"
    return None


def _date(found: re.Match[str]) -> str:
    fields = found.groupdict()
    month = _MONTHS[fields["mon"].lower()] if fields.get("mon") else int(fields["m"])
    day, year = int(fields["d"]), int(fields["y"])
    if len(fields["y"]) == 2:  # PostgreSQL: 70-99 → 1970-1999, 00-69 → 2000-2069
        year += 1900 if year >= 70 else 2000
    if not (1 <= month <= 12 and 1 <= day <= 31):
        raise SqlError(SqlState.DATETIME_FIELD_OVERFLOW,
                       f'date/time field value out of range: "{found.group(0)}"')
    return f"{year:04d}-{month:02d}-{day:02d}"


def _clock(found: re.Match[str]) -> str:
    """``10:11 PM`` → ``22:11:00`` (its zone kept)."""
    hour, ampm = int(found.group("h")), (found.group("ampm") or "").lower()
    if ampm:
        if not 1 <= hour <= 12:
            raise SqlError(SqlState.DATETIME_FIELD_OVERFLOW,
                           f'date/time field value out of range: "{found.group(0)}"')
        hour = hour % 12 + (12 if ampm.startswith("p") else 0)
    seconds = found.group("s") or "00"
    zone = (found.group("zone") or "").strip()
    return f"{hour:02d}:{found.group('mi')}:{seconds}" + (f" {zone}" if zone else "")
