"""PostgreSQL's date/time input forms that DuckDB reads otherwise (DateStyle ``ISO, MDY``).

DuckDB reads ISO 8601 (``2024-01-05 22:11:00+02``); PostgreSQL also reads month names
(``Jan 5, 2024``, ``5 January 2024``), ``MM/DD/YYYY`` (month first, its default DateStyle),
``YYYYMMDD``, a 12-hour clock (``10:11 PM``) and the special values ``now``, ``today``,
``tomorrow``, ``yesterday`` and ``allballs``. DuckDB refuses most of these — and reads
``2024-01-05 10:11 PM`` as 10:11, silently. :func:`datetime_literal` gives the DuckDB
expression for PostgreSQL's reading of such a literal; ISO text is left to DuckDB.

Intervals likewise (:func:`interval_fields`): DuckDB reads ``1 day 2 hours`` but not a field
with a ``+`` sign — PostgreSQL's own output, ``-1 days +02:00:00``, so a value read from the
server could not be written back —, the SQL standard's ``1-2`` (years-months) and
``3 4:05:06`` (days and a time), nor ISO 8601's ``P1DT2H``.
"""

from __future__ import annotations

import re
from fractions import Fraction

from engine.errors import SqlError, SqlState

# DuckDB type → kind of value
KINDS = {"DATE": "date", "TIMESTAMP": "timestamp", "TIMESTAMP WITH TIME ZONE": "timestamptz",
         "TIMESTAMPTZ": "timestamptz", "TIME": "time", "INTERVAL": "interval"}

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
# Interval text DuckDB refuses: a field signed +, years-months, days before a time, ISO 8601,
# minutes:seconds.fraction.
_INTERVAL_FORMS = (r".*\+\s*[\d.]|\s*@?\s*[+-]?\d+-\d+(\s|$)|\s*[+-]?\d+\s+[+-]?\d+:\d"
                   r"|\s*p[\d.t+-]|\s*[+-]?\d+:\d+\.\d")
# What makes a literal worth reading here; other text goes to DuckDB as written.
LOOKS_PG_ONLY = re.compile(
    r"\s*(now|today|tomorrow|yesterday|allballs)\s*$|.*\d\s*[ap]\.?m\b|.*[a-z]{3}|\s*\d{8}\s*$"
    r"|\s*\d{1,2}[/.]\d{1,2}[/.]\d{4}|\s*\d{4}[/.]\d"
    # a two-digit year, which DuckDB would read as the year 24 AD (RE2 also runs this: no
    # look-ahead)
    r"|\s*\d{1,2}[/.-]\d{1,2}[/.-]\d\d(\D|$)|" + _INTERVAL_FORMS, re.IGNORECASE)
# Of those, the interval forms: other interval text is left to DuckDB, which reads it as
# PostgreSQL does (and engine.aggregates reads interval '…' literals as written).
LOOKS_PG_INTERVAL = re.compile(_INTERVAL_FORMS, re.IGNORECASE)

# A cheap look over a whole statement: might one of its literals be such a form?
HINT = re.compile(
    r"'\s*(now|today|tomorrow|yesterday|allballs)\s*'|\d\s*[ap]\.?m\b|'\s*\d{8}\s*'"
    r"|'\s*\d{1,2}[/.]\d{1,2}[/.]\d{4}|'\s*\d{4}[/.]\d|'\s*[a-z]{3,9}\.?[\s-]+\d"
    r"|'\s*\d{1,2}[\s-]+[a-z]{3}|'\s*\d{1,2}[/.-]\d{1,2}[/.-]\d\d\D"
    # intervals (LOOKS_PG_ONLY's last lines)
    r"|'[^'+]*\s\+\s*[\d.]|'\s*@?\s*[+-]?\d+-\d+[\s']|'\s*[+-]?\d+\s+[+-]?\d+:\d"
    r"|'\s*p[\d.t+-]|'\s*[+-]?\d+:\d+\.\d", re.IGNORECASE)

_RELATIVE_DAYS = {"today": 0, "tomorrow": 1, "yesterday": -1}


def datetime_literal(text: str, kind: str) -> str | None:
    """A DuckDB expression for PostgreSQL's reading of ``text`` as ``kind`` (``date``,
    ``timestamp``, ``timestamptz`` or ``time``); None when DuckDB reads the text as PostgreSQL
    does or it is no form known here (DuckDB then says what it thinks). SqlError 22008 for a
    date or time out of range."""
    if not LOOKS_PG_ONLY.match(text):
        return None
    if kind == "interval":
        return interval_literal(text) if LOOKS_PG_INTERVAL.match(text) else None
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


# -- intervals ----------------------------------------------------------------------------------

# unit word → (months, days, microseconds) per unit; a fraction cascades as PostgreSQL's
# DecodeInterval: of years (and decades …) to whole months, rounded; of months and weeks to
# days (a month as 30), then microseconds; of days to microseconds.
_INTERVAL_UNITS: dict[str, tuple[int, int, int]] = {}
for _names, _unit in (
        (("microsecond", "microseconds", "us", "usec", "usecs", "useconds"), (0, 0, 1)),
        (("millisecond", "milliseconds", "ms", "msec", "msecs", "mseconds"), (0, 0, 1000)),
        (("second", "seconds", "s", "sec", "secs"), (0, 0, 1_000_000)),
        (("minute", "minutes", "m", "min", "mins"), (0, 0, 60_000_000)),
        (("hour", "hours", "h", "hr", "hrs"), (0, 0, 3_600_000_000)),
        (("day", "days", "d"), (0, 1, 0)),
        (("week", "weeks", "w"), (0, 7, 0)),
        (("month", "months", "mon", "mons"), (1, 0, 0)),
        (("year", "years", "y", "yr", "yrs"), (12, 0, 0)),
        (("decade", "decades"), (120, 0, 0)),
        (("century", "centuries"), (1200, 0, 0)),
        (("millennium", "millennia", "millenniums"), (12000, 0, 0))):
    for _name in _names:
        _INTERVAL_UNITS[_name] = _unit

_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)"
_FIELD = re.compile(
    r"\s*(?:(?P<clock>[+-]?\d+:\d+(?::\d+)?(?:\.\d*)?)"  # h:m[:s[.f]], or m:s.f
    r"|(?P<ym>[+-]?\d+-\d+)(?=\s|$)"  # SQL standard years-months
    rf"|(?P<num>{_NUMBER})\s*(?P<unit>[a-z]+)?)")
_ISO = re.compile(
    rf"p(?:(?P<y>{_NUMBER})y)?(?:(?P<mo>{_NUMBER})m)?(?:(?P<w>{_NUMBER})w)?"
    rf"(?:(?P<d>{_NUMBER})d)?(?:t(?:(?P<h>{_NUMBER})h)?(?:(?P<mi>{_NUMBER})m)?"
    rf"(?:(?P<s>{_NUMBER})s)?)?")
_ISO_UNITS = {"y": "year", "mo": "month", "w": "week", "d": "day", "h": "hour", "mi": "minute",
              "s": "second"}
_INT32, _INT64 = 2**31, 2**63


class _Interval:
    """Months, days and microseconds being added up, as PostgreSQL's DecodeInterval does."""

    def __init__(self) -> None:
        self.months, self.days, self.us = 0, 0, Fraction(0)

    def add(self, number: str, unit: str) -> None:
        value = Fraction(number)
        whole = int(value)  # towards zero, as C's
        part = value - whole
        months, days, us = _INTERVAL_UNITS[unit]
        if months:  # fractions of years: whole months, rounded; of months: days
            self.months += whole * months
            if months == 1:
                self._fraction_of_days(part * 30)
            else:
                self.months += round(part * months)
        elif days:
            self.days += whole * days
            self._fraction_of_days(part * days)
        else:
            self.us += value * us

    def _fraction_of_days(self, days: Fraction) -> None:
        whole = int(days)
        self.days += whole
        self.us += (days - whole) * 86_400_000_000


def interval_fields(text: str) -> tuple[int, int, int]:
    """PostgreSQL's reading of interval text as (months, days, microseconds): its own output
    (``-1 days +02:00:00``, ``1 year 2 mons``), units with signs and fractions, ``@ … ago``,
    the SQL standard's ``1-2`` and ``3 4:05:06``, ISO 8601's ``P1Y2M3DT4H5M6S``. A number
    without a unit is seconds, or days before a time. SqlError 22007 for text it cannot read,
    22015 for a field out of range."""
    given = text.strip().lower()
    found = given.removeprefix("@").strip()
    ago = found.endswith("ago") and (found == "ago" or not found[-4:-3].isalpha())
    found = found.removesuffix("ago").strip()
    total = _Interval()
    iso = _ISO.fullmatch(found) if text[:1] in "pP" else None  # ( P1D is refused)
    if iso is not None:
        if not any(iso.groups()):
            raise _bad_interval(text)
        for key, unit in _ISO_UNITS.items():
            if iso[key]:
                total.add(iso[key], unit)
    else:
        _add_fields(found, total, text)
    us = round(total.us)
    sign = -1 if ago else 1
    months, days, us = sign * total.months, sign * total.days, sign * us
    if not (-_INT32 <= months < _INT32 and -_INT32 <= days < _INT32 and -_INT64 <= us < _INT64):
        raise SqlError(SqlState.INTERVAL_FIELD_OVERFLOW,
                       f'interval field value out of range: "{text}"')
    return months, days, us


def _add_fields(found: str, total: _Interval, text: str) -> None:
    """The fields of ``found`` (interval text in PostgreSQL's or the SQL standard's form)
    added to ``total``."""
    fields = []
    pos = 0
    while pos < len(found):
        match = _FIELD.match(found, pos)
        if match is None or match.end() == pos:
            raise _bad_interval(text)
        fields.append(match)
        pos = match.end()
    if not fields:
        raise _bad_interval(text)
    for k, match in enumerate(fields):
        if match["clock"]:
            total.us += _clock_us(match["clock"])
        elif match["ym"]:
            sign = -1 if match["ym"].startswith("-") else 1
            years, months = match["ym"].lstrip("+-").split("-")
            total.months += sign * (int(years) * 12 + int(months))
        elif match["unit"]:
            if match["unit"] not in _INTERVAL_UNITS:
                raise _bad_interval(text)
            total.add(match["num"], match["unit"])
        else:  # no unit: days before a time (3 4:05:06), else seconds
            before_clock = k + 1 < len(fields) and fields[k + 1]["clock"]
            total.add(match["num"], "day" if before_clock else "second")


def _clock_us(clock: str) -> Fraction:
    """``[+-]h:m[:s[.f]]`` (or ``m:s.f``) in microseconds."""
    sign = -1 if clock.startswith("-") else 1
    parts = clock.lstrip("+-").split(":")
    if len(parts) == 2 and "." in parts[1]:  # minutes:seconds.fraction
        seconds = Fraction(parts[0]) * 60 + Fraction(parts[1])
    else:
        seconds = (Fraction(parts[0]) * 60 + Fraction(parts[1])) * 60 \
            + (Fraction(parts[2]) if len(parts) > 2 else 0)
    return sign * seconds * 1_000_000


def _bad_interval(text: str) -> SqlError:
    return SqlError(SqlState.INVALID_DATETIME_FORMAT,
                    f'invalid input syntax for type interval: "{text}"')


def interval_literal(text: str) -> str:
    """A DuckDB string literal that DuckDB reads as PostgreSQL reads interval ``text``."""
    months, days, us = interval_fields(text)
    return f"'{months} months {days} days {us} microseconds'"
