"""Structured SQL errors that carry a SQLSTATE from where they arise to the wire.

Every error a client can see is an :class:`SqlError` (or subclass). The server turns it into an
ErrorResponse field by field; nothing else about the error needs to be guessed at the protocol
layer. DuckDB's exceptions are translated here, in one table, by :func:`from_duckdb`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb


class SqlState:
    """The SQLSTATE codes PixelSQL raises (PostgreSQL's Appendix A names)."""

    SUCCESSFUL_COMPLETION = "00000"
    WARNING = "01000"
    FEATURE_NOT_SUPPORTED = "0A000"
    INVALID_CATALOG_NAME = "3D000"
    PROTOCOL_VIOLATION = "08P01"
    CONNECTION_EXCEPTION = "08000"
    CARDINALITY_VIOLATION = "21000"
    DATETIME_FIELD_OVERFLOW = "22008"
    INVALID_DATETIME_FORMAT = "22007"
    INTERVAL_FIELD_OVERFLOW = "22015"
    GENERATED_ALWAYS = "428C9"
    AMBIGUOUS_COLUMN = "42702"
    GROUPING_ERROR = "42803"
    DATA_EXCEPTION = "22000"
    NUMERIC_VALUE_OUT_OF_RANGE = "22003"
    DIVISION_BY_ZERO = "22012"
    INVALID_PARAMETER_VALUE = "22023"
    INVALID_TEXT_REPRESENTATION = "22P02"
    INVALID_BINARY_REPRESENTATION = "22P03"
    BAD_COPY_FILE_FORMAT = "22P04"
    CHARACTER_NOT_IN_REPERTOIRE = "22021"
    STRING_DATA_RIGHT_TRUNCATION = "22001"
    INTEGRITY_CONSTRAINT_VIOLATION = "23000"
    NOT_NULL_VIOLATION = "23502"
    FOREIGN_KEY_VIOLATION = "23503"
    UNIQUE_VIOLATION = "23505"
    CHECK_VIOLATION = "23514"
    INVALID_CURSOR_STATE = "24000"
    ACTIVE_SQL_TRANSACTION = "25001"
    READ_ONLY_SQL_TRANSACTION = "25006"
    NO_ACTIVE_SQL_TRANSACTION = "25P01"
    IN_FAILED_SQL_TRANSACTION = "25P02"
    INVALID_SQL_STATEMENT_NAME = "26000"
    INVALID_SAVEPOINT_SPECIFICATION = "3B001"
    INVALID_AUTHORIZATION_SPECIFICATION = "28000"
    INVALID_PASSWORD = "28P01"
    INVALID_CURSOR_NAME = "34000"
    SERIALIZATION_FAILURE = "40001"
    SYNTAX_ERROR = "42601"
    INSUFFICIENT_PRIVILEGE = "42501"
    UNDEFINED_COLUMN = "42703"
    UNDEFINED_FUNCTION = "42883"
    UNDEFINED_TABLE = "42P01"
    UNDEFINED_OBJECT = "42704"
    DUPLICATE_TABLE = "42P07"
    DUPLICATE_OBJECT = "42710"
    DUPLICATE_COLUMN = "42701"
    DUPLICATE_PREPARED_STATEMENT = "42P05"
    DUPLICATE_CURSOR = "42P03"
    INVALID_CURSOR_DEFINITION = "42P11"
    DATATYPE_MISMATCH = "42804"
    UNDEFINED_PARAMETER = "42P02"
    INDETERMINATE_DATATYPE = "42P18"
    PROGRAM_LIMIT_EXCEEDED = "54000"
    TOO_MANY_CONNECTIONS = "53300"
    OUT_OF_MEMORY = "53200"
    OBJECT_NOT_IN_PREREQUISITE_STATE = "55000"
    QUERY_CANCELED = "57014"
    ADMIN_SHUTDOWN = "57P01"
    IO_ERROR = "58030"
    INTERNAL_ERROR = "XX000"


@dataclass
class SqlError(Exception):
    """An error reported to the client as an ErrorResponse (or NoticeResponse for warnings)."""

    sqlstate: str
    message: str
    severity: str = "ERROR"
    detail: str | None = None
    hint: str | None = None
    position: int | None = None  # 1-based character position in the query text, as PostgreSQL
    # PostgreSQL's source function, for the one error drivers recognise by it (asyncpg:
    # RevalidateCachedQuery's "cached plan must not change result type").
    routine: str | None = None

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        return f"{self.sqlstate}: {self.message}"

    def shifted(self, offset: int) -> SqlError:
        """The same error with its position moved by ``offset`` characters (statement → query)."""
        if self.position is None or offset == 0:
            return self
        return SqlError(
            self.sqlstate,
            self.message,
            self.severity,
            self.detail,
            self.hint,
            self.position + offset,
            self.routine,
        )


# DuckDB exception class → default SQLSTATE, refined by message patterns below.
_CLASS_STATES: tuple[tuple[type[BaseException], str], ...] = (
    (duckdb.InterruptException, SqlState.QUERY_CANCELED),
    (duckdb.ParserException, SqlState.SYNTAX_ERROR),
    (duckdb.SyntaxException, SqlState.SYNTAX_ERROR),
    (duckdb.CatalogException, SqlState.UNDEFINED_OBJECT),
    (duckdb.BinderException, SqlState.UNDEFINED_COLUMN),
    (duckdb.ConstraintException, SqlState.INTEGRITY_CONSTRAINT_VIOLATION),
    (duckdb.ConversionException, SqlState.INVALID_TEXT_REPRESENTATION),
    (duckdb.OutOfRangeException, SqlState.NUMERIC_VALUE_OUT_OF_RANGE),
    (duckdb.TypeMismatchException, SqlState.DATATYPE_MISMATCH),
    (duckdb.TransactionException, SqlState.SERIALIZATION_FAILURE),
    (duckdb.PermissionException, SqlState.INSUFFICIENT_PRIVILEGE),
    (duckdb.NotImplementedException, SqlState.FEATURE_NOT_SUPPORTED),
    (duckdb.OutOfMemoryException, SqlState.OUT_OF_MEMORY),
    (duckdb.IOException, SqlState.IO_ERROR),
    (duckdb.InvalidInputException, SqlState.INVALID_PARAMETER_VALUE),
    (duckdb.DataError, SqlState.DATA_EXCEPTION),
    (duckdb.IntegrityError, SqlState.INTEGRITY_CONSTRAINT_VIOLATION),
    (duckdb.ProgrammingError, SqlState.SYNTAX_ERROR),
)

# (pattern over DuckDB's message, SQLSTATE); the first match wins.
_MESSAGE_STATES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p, re.IGNORECASE), s)
    for p, s in (
        # raised by the catalog emulation (engine/catalog.py) in PostgreSQL's words
        (r"^Invalid Input Error: relation \".*\" does not exist", SqlState.UNDEFINED_TABLE),
        (r"^Invalid Input Error: (type|role) \".*\" does not exist", SqlState.UNDEFINED_OBJECT),
        (r"^Invalid Input Error: function \".*\" does not exist", SqlState.UNDEFINED_FUNCTION),
        (r"^Invalid Input Error: schema \".*\" does not exist", "3F000"),
        (r"^Invalid Input Error: unrecognized configuration parameter",
         SqlState.UNDEFINED_OBJECT),
        (r"^Catalog Error: Table with name .* does not exist", SqlState.UNDEFINED_TABLE),
        (r"^Catalog Error: Table Function with name .* does not exist",
         SqlState.UNDEFINED_FUNCTION),
        (r"^Catalog Error: (Scalar|Aggregate|Macro) Function .* does not exist",
         SqlState.UNDEFINED_FUNCTION),
        (r"^Catalog Error: Schema with name .* does not exist", "3F000"),
        (r"^Catalog Error: (Table|View|Index|Sequence|Schema) with name .* already exists",
         SqlState.DUPLICATE_TABLE),
        (r"already exists", SqlState.DUPLICATE_OBJECT),
        (r"^Binder Error: Unknown index type", SqlState.FEATURE_NOT_SUPPORTED),  # USING gin
        (r"^Binder Error: .*No function matches", SqlState.UNDEFINED_FUNCTION),
        (r"^Binder Error: Referenced column .* not found", SqlState.UNDEFINED_COLUMN),
        (r"^Binder Error: Referenced table .* not found", SqlState.UNDEFINED_TABLE),
        (r"^Binder Error: .*(Cannot compare|cannot be cast|explicit cast)",
         SqlState.DATATYPE_MISMATCH),
        (r"^Binder Error: Ambiguous reference to column", SqlState.AMBIGUOUS_COLUMN),
        (r"^Binder Error: Table .* does not have a column (with name|named)",
         SqlState.UNDEFINED_COLUMN),
        (r"^Binder Error: Referenced update column .* not found", SqlState.UNDEFINED_COLUMN),
        (r"^Binder Error: column .* must appear in the GROUP BY clause",
         SqlState.GROUPING_ERROR),
        (r"Cannot insert into a generated column", SqlState.GENERATED_ALWAYS),
        (r"^Binder Error:", SqlState.SYNTAX_ERROR),
        (r"duplicate key|PRIMARY KEY or UNIQUE constraint", SqlState.UNIQUE_VIOLATION),
        (r"NOT NULL constraint failed", SqlState.NOT_NULL_VIOLATION),
        (r"foreign key", SqlState.FOREIGN_KEY_VIOLATION),
        # a varchar(n) limit (engine.translate enforces it as CHECK (length(col) <= n))
        (r"CHECK constraint failed .* CHECK\(\(length\([^()]*\) <= \d+\)\)$",
         SqlState.STRING_DATA_RIGHT_TRUNCATION),
        (r"CHECK constraint failed", SqlState.CHECK_VIOLATION),
        (r"Current transaction is aborted", SqlState.IN_FAILED_SQL_TRANSACTION),
        (r"Values were not provided for the following parameters", SqlState.UNDEFINED_PARAMETER),
        (r"[Dd]ivision by zero", SqlState.DIVISION_BY_ZERO),
        (r"negative substring length not allowed", "22011"),  # engine.pgfunctions
        (r"field position must not be zero", SqlState.INVALID_PARAMETER_VALUE),  # split_part
        (r"cannot concatenate text and an array with \|\| here", "42804"),  # pgfunctions
        (r"cannot call json\w* on a non-object", SqlState.INVALID_PARAMETER_VALUE),  # json_each
        (r"null values cannot be formatted as an SQL identifier", "22004"),  # format('%I')
        # math domain errors (raised with ieee_floating_point_ops off, engine.session)
        (r"cannot take square root of a negative number", "2201F"),  # invalid_argument_for_power
        (r"cannot take logarithm of (zero|a negative number)", "2201E"),  # …_for_logarithm
        (r"invalid input syntax for type", SqlState.INVALID_TEXT_REPRESENTATION),  # arithmetic
        # DuckDB cannot alter a table that an index or other entry depends on
        (r"Cannot alter entry .* because there are entries that depend on it",
         SqlState.FEATURE_NOT_SUPPORTED),
        (r"^Conversion Error: (date|time|timestamp|interval)\w* field value out of range",
         SqlState.DATETIME_FIELD_OVERFLOW),
        (r"^Conversion Error: invalid (date|time|timestamp)\w* field format",
         SqlState.INVALID_DATETIME_FORMAT),
        (r"^Conversion Error: Could not convert string '.*' to INTERVAL",
         SqlState.INVALID_DATETIME_FORMAT),
        (r"^Conversion Error: .*out of range", SqlState.NUMERIC_VALUE_OUT_OF_RANGE),
        # a number too wide for a numeric's precision (PostgreSQL: numeric field overflow);
        # a string that is no number at all stays 22P02
        (r"^Conversion Error: Could not cast value -?[\d.]+ to DECIMAL",
         SqlState.NUMERIC_VALUE_OUT_OF_RANGE),
        (r'^Conversion Error: Could not convert string "\s*[+-]?(\d+\.?\d*|\.\d+)'
         r'([eE][+-]?\d+)?\s*" to DECIMAL', SqlState.NUMERIC_VALUE_OUT_OF_RANGE),
        (r"^Invalid Input Error: More than one row returned by a subquery",
         SqlState.CARDINALITY_VIOLATION),
    )
)

# DuckDB messages PostgreSQL users know in another wording (psql users, ORMs and tests look for
# these); the SQLSTATE is decided above, this only rewords.
_REWORDINGS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), r)
    for p, r in (
        (r'^Table with name "?([^"!]+?)"? does not exist!?$', r'relation "\1" does not exist'),
        (r'^Referenced column "?([^"!]+?)"? not found in FROM clause!?$',
         r'column "\1" does not exist'),
        (r'^Table with name "?([^"!]+?)"? already exists!?$', r'relation "\1" already exists'),
        (r"^Scalar Function with name ([^ !]+) does not exist!?$",
         r"function \1 does not exist"),
        (r"^syntax error at or near (.*)$", r"syntax error at or near \1"),
        (r"^Could not convert string '(.*)' to INTERVAL$",
         r'invalid input syntax for type interval: "\1"'),
        (r"^CHECK constraint failed .* CHECK\(\(length\([^()]*\) <= (\d+)\)\)$",
         r"value too long for type character varying(\1)"),
    )
)

_ERROR_PREFIX = re.compile(r"^[A-Z][A-Za-z ]* Error: ")
_LINE_MARKER = re.compile(r"\n\nLINE (\d+): (.*)\n( *)\^", re.DOTALL)


def _position(message: str, statement: str | None) -> tuple[str, int | None]:
    """Split DuckDB's ``LINE n: …\\n   ^`` marker off the message and turn it into a position."""
    match = _LINE_MARKER.search(message)
    if match is None:
        return message, None
    text = message[: match.start()]
    line_no = int(match.group(1))
    shown = match.group(2).split("\n", 1)[0]
    column = len(match.group(3)) - len(f"LINE {line_no}: ")
    if statement is None:
        return text, None
    lines = statement.split("\n")
    if not 1 <= line_no <= len(lines):
        return text, None
    # DuckDB may shorten a long line with a leading "..."; locate the shown fragment instead.
    line = lines[line_no - 1]
    if shown.startswith("..."):
        found = line.find(shown[3:40])
        if found < 0:
            return text, None
        column = found + column - 3
    offset = sum(len(x) + 1 for x in lines[: line_no - 1]) + max(column, 0)
    return text, offset + 1


class UdfError(Exception):
    """An SqlError raised inside a Python function DuckDB calls (a scalar UDF).

    DuckDB turns it into ``Invalid Input Error: Python exception occurred while executing the
    UDF: UdfError: [SQLSTATE] message``; :func:`from_duckdb` reads the SQLSTATE back.
    """

    def __init__(self, error: SqlError) -> None:
        super().__init__(f"[{error.sqlstate}] {error.message}")


_UDF_ERROR = re.compile(r"Python exception occurred while executing the UDF: "
                        r"UdfError: \[([0-9A-Z]{5})\] (.*)", re.DOTALL)


def from_duckdb(exc: BaseException, statement: str | None = None) -> SqlError:
    """Translate a DuckDB exception into an SqlError with SQLSTATE and, where known, position."""
    raw = str(exc)
    udf = _UDF_ERROR.search(raw)
    if udf is not None:
        return SqlError(udf.group(1), udf.group(2))
    sqlstate = SqlState.INTERNAL_ERROR
    for cls, state in _CLASS_STATES:
        if isinstance(exc, cls):
            sqlstate = state
            break
    for pattern, state in _MESSAGE_STATES:
        if pattern.search(raw):
            sqlstate = state
            break
    if isinstance(exc, duckdb.InterruptException):
        return SqlError(SqlState.QUERY_CANCELED, "canceling statement due to user request")
    text, position = _position(raw, statement)
    hint = None
    if "\nDid you mean" in text or "\nCandidate bindings:" in text:
        text, _, suggestion = text.partition("\n")
        hint = suggestion.strip()
    message = _ERROR_PREFIX.sub("", text.strip(), count=1)
    for pattern, replacement in _REWORDINGS:
        if pattern.match(message):
            message = pattern.sub(replacement, message, count=1)
            break
    return SqlError(sqlstate, message, hint=hint, position=position)


# DuckDB's error type prefixes → its exception classes, for errors that reach us as text only.
_PREFIX_CLASSES: dict[str, type[duckdb.Error]] = {
    "INTERRUPT": duckdb.InterruptException,
    "Interrupt": duckdb.InterruptException,
    "Invalid Input": duckdb.InvalidInputException,
    "Conversion": duckdb.ConversionException,
    "Out of Range": duckdb.OutOfRangeException,
    "Binder": duckdb.BinderException,
    "Catalog": duckdb.CatalogException,
    "Constraint": duckdb.ConstraintException,
    "Out of Memory": duckdb.OutOfMemoryException,
    "IO": duckdb.IOException,
    "Not implemented": duckdb.NotImplementedException,
    "TransactionContext": duckdb.TransactionException,
    "Parser": duckdb.ParserException,
}
_PREFIX = re.compile(r"^([A-Za-z][A-Za-z ]*?) Error: ")


def from_arrow_stream(exc: BaseException, statement: str | None = None) -> SqlError:
    """An error DuckDB met while streaming rows through Arrow's C stream interface.

    pyarrow raises it as ``OSError`` / ``ArrowInvalid`` with DuckDB's message; the message's
    ``… Error:`` prefix says which DuckDB exception it was, which :func:`from_duckdb` then
    translates as usual.
    """
    text = str(exc)
    match = _PREFIX.match(text)
    cls = _PREFIX_CLASSES.get(match.group(1)) if match else None
    return from_duckdb(cls(text) if cls is not None else duckdb.Error(text), statement)
