"""PostgreSQL session parameters (GUCs) that clients expect, and which of them are reported.

Clients read these from ParameterStatus at startup and after ``SET``; pgjdbc refuses a server that
does not report UTF8 and ISO dates. Parameters in :data:`DEFAULTS` are handled by PixelSQL
itself; any other ``SET`` goes to DuckDB (its own settings, e.g. ``threads``).
"""

from __future__ import annotations

import functools
import re

SERVER_VERSION = "16.0"

# name (lower case) -> default value
DEFAULTS: dict[str, str] = {
    "server_version": SERVER_VERSION,
    "server_version_num": "160000",
    "server_encoding": "UTF8",
    "client_encoding": "UTF8",
    "datestyle": "ISO, MDY",
    "intervalstyle": "postgres",
    "timezone": "UTC",
    "integer_datetimes": "on",
    "standard_conforming_strings": "on",
    "application_name": "",
    "is_superuser": "on",
    "session_authorization": "",
    "default_transaction_read_only": "off",
    "default_transaction_isolation": "read committed",
    "transaction_isolation": "read committed",
    "transaction_read_only": "off",
    "default_transaction_deferrable": "off",
    "transaction_deferrable": "off",
    "in_hot_standby": "off",
    "search_path": '"$user", public',
    "extra_float_digits": "1",
    "statement_timeout": "0",
    "lock_timeout": "0",
    "idle_in_transaction_session_timeout": "0",
    "idle_session_timeout": "0",
    "max_identifier_length": "63",
    "bytea_output": "hex",
    "lc_messages": "C",
    "lc_monetary": "C",
    "lc_numeric": "C",
    "lc_time": "C",
    "lc_collate": "C",
    "lc_ctype": "C",
    "max_index_keys": "32",
    "scram_iterations": "4096",
    "row_security": "on",
    "synchronous_commit": "on",
    "client_min_messages": "notice",
    "jit": "off",
    "geqo": "on",
    "work_mem": "4MB",
    # set by pg_dump's scripts (accepted and shown; nothing here reads them)
    "check_function_bodies": "on",
    "xmloption": "content",
    "default_tablespace": "",
    "default_table_access_method": "heap",
    "default_toast_compression": "pglz",
    "escape_string_warning": "on",
    "transaction_timeout": "0",  # PostgreSQL 17's; newer pg_dump versions set it
}

# Reported in ParameterStatus, with the spelling PostgreSQL uses on the wire.
REPORTED: dict[str, str] = {
    "server_version": "server_version",
    "server_encoding": "server_encoding",
    "client_encoding": "client_encoding",
    "datestyle": "DateStyle",
    "intervalstyle": "IntervalStyle",
    "timezone": "TimeZone",
    "integer_datetimes": "integer_datetimes",
    "standard_conforming_strings": "standard_conforming_strings",
    "application_name": "application_name",
    "is_superuser": "is_superuser",
    "session_authorization": "session_authorization",
    "default_transaction_read_only": "default_transaction_read_only",
    "in_hot_standby": "in_hot_standby",
    "scram_iterations": "scram_iterations",
}

# Values PixelSQL cannot honour: a SET to anything else is refused with 22023/0A000.
_FIXED: dict[str, frozenset[str]] = {
    "client_encoding": frozenset({"utf8", "utf-8", "unicode", "sql_ascii"}),
    "server_encoding": frozenset({"utf8"}),
    "standard_conforming_strings": frozenset({"on", "true", "1"}),
    "integer_datetimes": frozenset({"on"}),
}

# Read-only parameters (SET is refused, as in PostgreSQL).
READ_ONLY = frozenset(
    {"server_version", "server_version_num", "server_encoding", "integer_datetimes",
     "is_superuser", "in_hot_standby", "max_identifier_length", "max_index_keys", "lc_collate",
     "lc_ctype"}
)

# Two-word spellings of SHOW (``SHOW TRANSACTION ISOLATION LEVEL`` as DataGrip and Metabase send).
ALIASES = {"time zone": "timezone", "names": "client_encoding",
           "transaction isolation": "transaction_isolation",
           "session authorization": "session_authorization"}


# PostgreSQL reads 'UTC+3' / 'GMT-05' the POSIX way (hours *west* of UTC), which is also how
# pgjdbc sends a JVM zone such as GMT+02:00 ('GMT-02:00'); a bare number (SET TIME ZONE -7) is
# hours east. DuckDB (ICU) would read 'UTC+3' the other way round, and Python and Arrow know a
# fixed offset only as 'Etc/GMT∓h', so whole-hour offsets become that.
_POSIX_OFFSET = re.compile(r"(?i)(?:UTC|GMT)([+-])(\d{1,2})(?::?(\d{2}))?")
_HOURS_EAST = re.compile(r"([+-]?)(\d{1,2})(?:\.0*)?")


def duckdb_time_zone(value: str) -> str | None:
    """The DuckDB TimeZone for a PostgreSQL ``TimeZone`` value: a zone name as it is, a
    whole-hour offset as ``Etc/GMT∓h``; None for an offset with minutes (no such zone)."""
    text = value.strip()
    posix = _POSIX_OFFSET.fullmatch(text)
    if posix is not None:
        if posix[3] and int(posix[3]):
            return None
        return _fixed_zone(-int(posix[2]) if posix[1] == "+" else int(posix[2]))
    east = _HOURS_EAST.fullmatch(text)
    if east is not None:
        return _fixed_zone(-int(east[2]) if east[1] == "-" else int(east[2]))
    return text


def _fixed_zone(hours_east: int) -> str | None:
    if hours_east == 0:
        return "UTC"
    return f"Etc/GMT{-hours_east:+d}" if -12 <= hours_east <= 14 else None


def canonical_value(name: str, value: str) -> str:
    """The value as PostgreSQL reports it after SET (encodings upper-cased to UTF8, etc.)."""
    if name == "client_encoding" and value.lower() in ("utf8", "utf-8", "unicode"):
        return "UTF8"
    if name == "datestyle":
        parts = [p.strip().upper() for p in value.split(",")]
        style = next((p for p in parts if p in ("ISO", "SQL", "POSTGRES", "GERMAN")), "ISO")
        order = next((p for p in parts if p in ("MDY", "DMY", "YMD", "US", "EURO",
                                                "EUROPEAN", "NONEURO", "NONEUROPEAN")), "MDY")
        return f"{'ISO' if style == 'ISO' else style.title()}, {order}"
    return value


TIMEOUTS = frozenset({"statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout",
                      "idle_session_timeout"})
_TIME_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "min": 60_000.0, "h": 3_600_000.0,
               "d": 86_400_000.0}


@functools.lru_cache(maxsize=64)
def milliseconds(value: str) -> float | None:
    """A PostgreSQL time setting (``5000``, ``'5s'``, ``'1.5 min'``) in ms; None if invalid.

    A bare number is milliseconds, as for PostgreSQL's timeouts; 0 means no limit.
    """
    text = value.strip().strip("'").strip().lower()
    number = text.rstrip("abcdefghijklmnopqrstuvwxyz").strip()
    unit = text[len(number):].strip() or "ms"
    try:
        amount = float(number)
    except ValueError:
        return None
    factor = _TIME_UNITS.get(unit)
    if factor is None or amount < 0:
        return None
    return amount * factor


def allowed_value(name: str, value: str) -> bool:
    if name in TIMEOUTS:
        return milliseconds(value) is not None
    fixed = _FIXED.get(name)
    return fixed is None or value.lower() in fixed
