"""PostgreSQL's ``to_char`` of a number (``to_char(1234.5, 'FM9,999.00')`` → ``1,234.50``)
and ``to_number`` (``to_number('12,454.8-', '99G999D9S')`` → ``-12454.8``).

DuckDB has no such function. The translation (``engine.pgfunctions.to_char``) turns a call
whose template is a number template into ``pixelsql_to_char_number(CAST(x AS VARCHAR),
typeof(x), template)``, a Python function registered on the database (:func:`register`); the
value travels as text so that a DECIMAL keeps every digit.

The output follows PostgreSQL's rules (``formatting.c``), checked against PostgreSQL 15 over
many values and templates (tests/test_pgnumber.py):

- the value is rounded to the template's fraction digits — half away from zero for numeric and
  integers; for ``double precision`` / ``real`` as C's ``%.*f`` rounds the binary value, with
  at most 15 (real: 6) significant digits;
- ``9`` is a digit or a blank, ``0`` a digit or a zero; a value with more integer digits than
  the template shows ``#`` in every digit position;
- ``.`` / ``D`` the decimal point, ``,`` / ``G`` a group separator (blank before the first
  digit); ``FM`` drops blanks and trailing fraction zeros (leaving ``1.`` for 1 in ``FM9.99``);
- the sign: a blank or ``-`` just before the first digit, or where ``S``, ``MI``, ``PL``,
  ``SG`` or ``PR`` (``<12>``) put it;
- other characters, and text in double quotes, are copied.

``EEEE``, ``RN``, ``TH``, ``V``, ``L`` and ``B`` are refused with 0A000 rather than printed
differently.

``to_number(text, template)`` becomes ``CAST(pixelsql_to_number(text, template) AS
DECIMAL(p, s))``, ``p`` and ``s`` the template's digit positions and fraction positions (see
:func:`to_number` for how the text is read).
"""

from __future__ import annotations

import functools
import math
import re
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Context, Decimal

import duckdb

from engine.errors import SqlError, SqlState, UdfError

FUNCTION = "pixelsql_to_char_number"

# Template keywords, longest first; matched case-insensitively as PostgreSQL does.
_KEYWORDS = ("FM", "MI", "PL", "SG", "PR", "9", "0", ".", ",", "D", "G", "S")
_REFUSED = re.compile(r"EEEE|RN|TH|SP|[VLBCE]", re.IGNORECASE)
_DIGIT_KEYS = frozenset({"9", "0", ".", "D"})
_FLOAT_DIGITS = {"DOUBLE": 15, "FLOAT": 6}  # DBL_DIG, FLT_DIG
_EXACT = Context(prec=200)  # DuckDB's widest: HUGEINT, DECIMAL(38) — and the fraction digits
_INTEGER_KINDS = frozenset({"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT",
                            "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT"})


def is_number_template(template: str) -> bool:
    """Is ``template`` one for a number (a ``9``, ``0``, ``RN`` or ``EEEE`` outside quoted
    text)? Date/time templates have none of them."""
    return bool(re.search(r"[90]|RN|EEEE", re.sub(r'"[^"]*"?', "", template), re.IGNORECASE))


@dataclass
class _Template:
    """A parsed number template: its items, and what PostgreSQL's NUMDesc records."""

    items: list[tuple[str, str]] = field(default_factory=list)  # (keyword or "", text)
    pre: int = 0  # digit positions before the decimal point
    post: int = 0  # and after it
    decimal: bool = False
    fill: bool = False  # FM
    zero: bool = False  # a 0 before the decimal point
    zero_start: int = 0  # the first of those (1-based, as NUMDesc)
    zero_end: int = 0
    lsign: str = ""  # S: "pre" or "post"
    lsign_pre_count: int = 0  # pre when S was read
    minus: bool = False  # MI (or SG)
    plus: bool = False  # PL (or SG)
    bracket: bool = False  # PR


@functools.lru_cache(maxsize=256)
def _parse(template: str) -> _Template:
    t = _Template()
    i = 0
    while i < len(template):
        if template[i] == '"':
            end = template.find('"', i + 1)
            end = len(template) if end < 0 else end
            t.items.append(("", template[i + 1:end]))
            i = end + 1
            continue
        if template[i] == "\\" and i + 1 < len(template):
            t.items.append(("", template[i + 1]))
            i += 2
            continue
        refused = _REFUSED.match(template, i)
        if refused:
            raise SqlError(SqlState.FEATURE_NOT_SUPPORTED,
                           f'the number format pattern "{refused.group()}" is not supported here',
                           hint="Supported: 9 0 . , D G S MI PL SG PR FM and quoted text.")
        key = next((k for k in _KEYWORDS if template[i:i + len(k)].upper() == k), "")
        if not key:
            t.items.append(("", template[i]))
            i += 1
            continue
        _describe(t, key)
        t.items.append((key, template[i:i + len(key)]))
        i += len(key)
    return t


def check_template(template: str) -> None:
    """Raise PostgreSQL's error for a bad number template, or 0A000 for one not handled."""
    _parse(template)


def _describe(t: _Template, key: str) -> None:
    """Record one keyword in ``t`` as PostgreSQL's NUMDesc_prepare does (same errors)."""
    def error(message: str) -> SqlError:
        return SqlError(SqlState.SYNTAX_ERROR, message)

    if key in ("9", "0"):
        if t.bracket:
            raise error(f'"{key}" must be ahead of "PR"')
        if key == "0" and not t.zero and not t.decimal:
            t.zero, t.zero_start = True, t.pre + 1
        if t.decimal:
            t.post += 1
        else:
            t.pre += 1
        if key == "0":
            t.zero_end = t.pre + t.post
    elif key in (".", "D"):
        if t.decimal:
            raise error("multiple decimal points")
        t.decimal = True
    elif key == "FM":
        t.fill = True
    elif key == "S":
        if t.lsign:
            raise error('cannot use "S" twice')
        if t.plus or t.minus or t.bracket:
            raise error('cannot use "S" and "PL"/"MI"/"SG"/"PR" together')
        if t.decimal:
            t.lsign = "post"
        else:
            t.lsign, t.lsign_pre_count = "pre", t.pre
    elif key in ("MI", "PL", "SG"):
        if t.lsign:
            raise error(f'cannot use "S" and "{key}" together')
        t.minus = t.minus or key in ("MI", "SG")
        t.plus = t.plus or key in ("PL", "SG")
    elif key == "PR":
        if t.lsign or t.plus or t.minus:
            raise error('cannot use "PR" and "S"/"PL"/"MI"/"SG" together')
        t.bracket = True


def _digits(value: str, kind: str, post: int) -> tuple[str, str, int]:
    """(sign '+'/'-', the unsigned digits rounded as PostgreSQL rounds for ``kind``, the
    fraction digits used) of ``value`` (DuckDB's text of it)."""
    float_digits = _FLOAT_DIGITS.get(kind)
    if float_digits is not None:
        x = float(value)
        if kind == "FLOAT":  # DuckDB prints a real's shortest digits: back to its exact value
            x = struct.unpack("f", struct.pack("f", x))[0]
        if math.isnan(x) or math.isinf(x):
            raise SqlError(SqlState.FEATURE_NOT_SUPPORTED,
                           "to_char of NaN or infinity is not supported here")
        whole = len(f"{abs(x):.0f}")
        if whole >= float_digits:
            post = 0
        elif whole + post > float_digits:
            post = float_digits - whole
        text = f"{x:.{post}f}"
    elif kind.startswith("DECIMAL") or kind in _INTEGER_KINDS:
        number = Decimal(value)
        rounded = number.quantize(Decimal(1).scaleb(-post), rounding=ROUND_HALF_UP,
                                  context=_EXACT)
        text = format(rounded if rounded else abs(rounded), "f")
    else:
        raise SqlError(SqlState.UNDEFINED_FUNCTION,
                       f"function to_char({kind.lower()}, unknown) does not exist",
                       hint="No function matches the given name and argument types.")
    if text.startswith("-"):
        return "-", text[1:], post
    return "+", text, post


def to_char(value: str, kind: str, template: str) -> str:
    """PostgreSQL's ``to_char(number, template)`` of DuckDB's text of a value of type
    ``kind`` (``typeof``)."""
    t = _parse(template)
    sign, number, post = _digits(value, kind.upper(), t.post)
    return _Writer(t, sign, number, post).write()


class _Writer:
    """PostgreSQL's NUM_processor for to_char: walks the template, writing the digits of
    ``number`` (already rounded) and the sign where the template puts them."""

    def __init__(self, t: _Template, sign: str, number: str, post: int) -> None:
        self.t = t
        self.sign = sign
        point = number.find(".")
        whole = point if point >= 0 else len(number)
        self.pre_spaces = 0
        if t.pre > whole:
            self.pre_spaces = t.pre - whole
        elif whole > t.pre:  # too many integer digits: '#' in every digit position
            chars = ["#"] * (t.pre + post + 1)
            chars[t.pre] = "."
            number = "".join(chars)
        self.number = number
        self.at = 0  # the next character of number to write
        self.zero_start = max(t.zero_start - 1, 0)
        self.bracket, self.lsign = t.bracket, t.lsign
        if t.plus or t.minus:  # PL / MI / SG write the sign themselves
            self.sign_written = not (t.plus and not t.minus)
        else:
            if sign != "-" and t.bracket and t.fill:
                self.bracket = False
            self.sign_written = sign == "+" and t.fill and not t.lsign
            if t.lsign == "pre" and t.pre == t.lsign_pre_count:
                self.lsign = "post"
        self.count = post + t.pre - 1
        if not self.sign_written and self.pre_spaces == 0:
            self.count += 1
        self.last_relevant: int | None = None
        if t.fill and t.decimal:
            self.last_relevant = _last_relevant(number)
            if self.last_relevant is not None and t.zero_end > self.pre_spaces:
                # A 0 in the template keeps its digit: do not stop before it.
                last_zero = min(len(number) - 1, t.zero_end - self.pre_spaces)
                self.last_relevant = max(self.last_relevant, last_zero)
        self.current = 0  # digit items seen
        self.wrote_digit = False
        self.out: list[str] = []

    def write(self) -> str:
        for key, text in self.t.items:
            upper = key.upper()
            if upper in _DIGIT_KEYS:
                self._digit(upper)
            elif upper in _ACTIONS:
                _ACTIONS[upper](self)
            elif not key:
                self.out.append(text)
        written = "".join(self.out)
        end = written.find("\0")  # PostgreSQL's output ends where it wrote the number's end
        return written if end < 0 else written[:end]

    def _char(self, offset: int = 0) -> str:
        at = self.at + offset
        return self.number[at] if at < len(self.number) else "\0"

    def _predec_space(self) -> bool:
        """A leading 0 before the point, which '9.9' writes as a blank (' .1')."""
        return not self.t.zero and self.at == 0 and self.number[:1] == "0" and self.t.post != 0

    def _last_is_point(self) -> bool:
        return self.last_relevant is not None and self.number[self.last_relevant] == "."

    def _digit(self, key: str) -> None:
        t = self.t
        self.wrote_digit = False
        if not self.sign_written and (
                self.current >= self.pre_spaces or (t.zero and self.zero_start == self.current)) \
                and (not self._predec_space() or self._last_is_point()):
            self._write_sign()
        if self.current < self.pre_spaces and (self.zero_start > self.current or not t.zero):
            if not t.fill:
                self.out.append(" ")
        elif t.zero and self.current < self.pre_spaces and self.zero_start <= self.current:
            self.out.append("0")
            self.wrote_digit = True
        else:
            char = self._char()
            if char == ".":
                if not self._last_is_point() or t.fill:
                    self.out.append(".")
            elif self.last_relevant is not None and self.at > self.last_relevant \
                    and key != "0":
                pass
            elif self._predec_space():
                if not t.fill:
                    self.out.append(" ")
                elif self._last_is_point():
                    self.out.append("0")
            else:
                self.out.append(char)
                self.wrote_digit = True
            if self.at < len(self.number):
                self.at += 1
        end = self.count + (1 if self.pre_spaces else 0) + (1 if t.decimal else 0)
        if self.last_relevant is not None and self.last_relevant == self.at:
            end = self.current
        if self.current + 1 == end:
            if self.sign_written and self.bracket:
                self.out.append(" " if self.sign == "+" else ">")
            elif self.lsign == "post":
                self.out.append(self.sign)
        self.current += 1

    def _write_sign(self) -> None:
        if self.lsign:
            if self.lsign == "pre":
                self.out.append(self.sign)
                self.sign_written = True
        elif self.bracket:
            self.out.append(" " if self.sign == "+" else "<")
            self.sign_written = True
        elif self.sign == "+":
            if not self.t.fill:
                self.out.append(" ")
            self.sign_written = True
        else:
            self.out.append("-")
            self.sign_written = True

    def _group(self) -> None:
        if self.wrote_digit:
            self.out.append(",")
        elif not self.t.fill:
            self.out.append(" ")

    def _mi(self) -> None:
        if self.sign == "-":
            self.out.append("-")
        elif not self.t.fill:
            self.out.append(" ")

    def _pl(self) -> None:
        if self.sign == "+":
            self.out.append("+")
        elif not self.t.fill:
            self.out.append(" ")

    def _sg(self) -> None:
        self.out.append(self.sign)


# What the other keywords write (S and PR are written with the digits).
_ACTIONS: dict[str, Callable[[_Writer], None]] = {
    ",": _Writer._group, "G": _Writer._group, "MI": _Writer._mi, "PL": _Writer._pl,
    "SG": _Writer._sg,
}


def _last_relevant(number: str) -> int | None:
    """The last non-zero fraction digit of ``number`` (or its point), as an index."""
    point = number.find(".")
    if point < 0:
        return None
    last = point
    for i in range(point + 1, len(number)):
        if number[i] != "0":
            last = i
    return last


# -- to_number -------------------------------------------------------------------------------

_ASCII_DIGITS = frozenset("0123456789")
_DATA_CHARS = frozenset("0123456789.,+-")  # what a sign keyword never skips over
_MAX_DIGITS = 38  # DuckDB's widest DECIMAL
_SIGN_KEYS = {"MI": "-", "PL": "+", "SG": "+-"}  # the signs each sign keyword reads


def to_number(text: str, template: str) -> str | None:
    """PostgreSQL's ``to_number(text, template)``, as the text of the numeric it returns.

    Read as PostgreSQL reads it (formatting.c in from-char mode): each template item takes its
    share of the input — a digit position one character (a digit, or the decimal point where
    the template has one, or anything else, skipped), other template text one character
    whatever it is, ``,`` / ``G`` a comma only where there is one (none in ``FM`` mode), a
    sign keyword the sign or one non-data character. The digits read then go through numeric
    input with precision = the template's integer positions + the fraction digits read (22003
    when the integer part is longer, 22P02 when no digit was read)."""
    if not template:
        return None  # PostgreSQL answers NULL for an empty template
    t = _parse(template)
    sign, number, read_post = _NumberReader(t, text).read()
    return _numeric_text(sign, number, t.pre + read_post, read_post)


def to_number_type(template: str) -> tuple[int, int]:
    """The DECIMAL (precision, scale) that holds every ``to_number`` result of ``template``:
    at most its integer positions before the point and its fraction positions after it."""
    t = _parse(template)
    if t.pre + t.post > _MAX_DIGITS:
        raise SqlError(SqlState.FEATURE_NOT_SUPPORTED,
                       f"to_number templates of more than {_MAX_DIGITS} digit positions are "
                       "not supported")
    return max(1, t.pre + t.post), t.post


class _NumberReader:
    """PostgreSQL's NUM_processor reading a number: a cursor ``i`` over the input, the sign
    (``" "`` while none was read) and the digits (and point) read so far."""

    def __init__(self, t: _Template, text: str) -> None:
        self.t = t
        self.text = text
        self.i = 0
        self.sign = " "
        self.number: list[str] = []
        self.read_pre = 0
        self.read_post = 0
        self.read_dec = False

    def _at(self, offset: int = 0) -> str:
        j = self.i + offset
        return self.text[j] if j < len(self.text) else ""

    def _done(self) -> bool:
        return self.i >= len(self.text)

    def read(self) -> tuple[str, str, int]:
        for key, text in self.t.items:
            for k in ([key] if key else [""] * len(text)):
                if self._done():
                    break
                if self._item(k):
                    self.i += 1  # the item took its character
        number = "".join(self.number)
        return self.sign, number.removesuffix("."), self.read_post

    def _item(self, key: str) -> bool:
        """Read what item ``key`` ("" for template text) stands for; True when the character
        under the cursor is taken by it (the caller steps over it)."""
        if key == "":
            self.i += 1  # template text skips one input character, whatever it is
            return False
        if key in _DIGIT_KEYS:
            self._digit(key)
            return True
        if key in (",", "G"):
            return not self.t.fill and self._at() == ","
        signs = _SIGN_KEYS.get(key)
        if signs is None:  # FM, S, PR: nothing to read here
            return False
        if self._at() in signs and self._at():
            self.sign = self._at()
            return True
        self._skip_non_data()
        return False

    def _skip_non_data(self) -> None:
        if not self._done() and self._at() not in _DATA_CHARS:
            self.i += 1

    def _digit(self, key: str) -> None:
        """A digit position or the decimal point (NUM_numpart_from_char)."""
        t = self.t
        if self._at() == " ":  # a blank before it
            self.i += 1
        if self._done():
            return
        if self.sign == " " and key in ("9", "0") and self.read_pre + self.read_post == 0:
            if self._at() == "-" or (t.bracket and self._at() == "<"):
                self.sign = "-"
                self.i += 1
            elif self._at() == "+":
                self.sign = "+"
                self.i += 1
            if self._done():
                return
        took = False
        char = self._at()
        if char in _ASCII_DIGITS:
            if self.read_dec and self.read_post == t.post:
                return
            self.number.append(char)
            if self.read_dec:
                self.read_post += 1
            else:
                self.read_pre += 1
            took = True
        elif t.decimal and not self.read_dec and char == ".":
            self.number.append(".")
            self.read_dec = took = True
        if self.sign != " " or self.read_pre + self.read_post == 0:
            return
        if t.lsign:
            # S reads a sign right after the last digit (or the point) taken.
            if took and self._at(1) in ("-", "+"):
                self.i += 1
                self.sign = self._at()
        elif not took and (t.plus or t.minus) and char in ("-", "+"):
            self.sign = char  # MI/PL/SG somewhere after the digits (FM9.99MI: '5.01-')


def _numeric_text(sign: str, number: str, precision: int, scale: int) -> str:
    """``sign + number`` through PostgreSQL's numeric input with typmod (precision, scale)."""
    if not any(c in _ASCII_DIGITS for c in number):
        raise SqlError(SqlState.INVALID_TEXT_REPRESENTATION,
                       f'invalid input syntax for type numeric: "{sign}{number}"')
    value = Decimal(number)
    whole = len(str(abs(int(value)))) if int(value) else 0
    allowed = precision - scale
    if whole > allowed:
        bound = f"10^{allowed}" if allowed else "1"
        raise SqlError(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "numeric field overflow",
                       detail=f"A field with precision {precision}, scale {scale} must round "
                              f"to an absolute value less than {bound}.")
    text = format(value.quantize(Decimal(1).scaleb(-scale), context=_EXACT), "f")
    return "-" + text if sign == "-" and value else text


# -- the functions on the database --------------------------------------------------------------

TO_NUMBER_FUNCTION = "pixelsql_to_number"


def register(con: duckdb.DuckDBPyConnection) -> None:
    """Make ``pixelsql_to_char_number(text, type, template)`` and
    ``pixelsql_to_number(text, template)`` callable from SQL on the database ``con`` belongs
    to. (DuckDB reads each Python function's parameters, hence one small function each.)"""
    varchar = duckdb.sqltype("VARCHAR")
    con.create_function(FUNCTION, _to_char_udf,  # type: ignore[call-overload]
                        [varchar, varchar, varchar], varchar, side_effects=False)
    con.create_function(TO_NUMBER_FUNCTION, _to_number_udf,  # type: ignore[call-overload]
                        [varchar, varchar], varchar, side_effects=False)


def _to_char_udf(value: str, kind: str, template: str) -> str | None:
    return _answer(to_char, value, kind, template)


def _to_number_udf(text: str, template: str) -> str | None:
    return _answer(to_number, text, template)


def _answer(function: Callable[..., str | None], *args: str) -> str | None:
    try:
        return function(*args)
    except SqlError as exc:  # its SQLSTATE survives DuckDB's wrapping (engine.errors)
        raise UdfError(exc) from None
