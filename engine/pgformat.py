"""PostgreSQL's date/time format templates (``to_char``, ``to_date``, ``to_timestamp``) in
DuckDB's terms.

PostgreSQL writes ``to_char(ts, 'FMDay, DD Mon YYYY HH12:MI AM')``; DuckDB has ``strftime`` /
``strptime`` with C-style codes (``%A, %d %b %Y %I:%M %p``). :func:`template_parts` reads a
template into pieces: runs of ``strftime`` codes and literal text, and the few fields C's
codes cannot say (``Month`` blank-padded to nine characters, ``D`` counting from Sunday = 1,
``Q``, ``A.M.``), which the translation writes as small expressions. :func:`strptime_format`
gives the parsing format for ``to_date`` / ``to_timestamp``. A pattern this module does not
know (``TH``, ``RM``, ``J``, ``TZ`` …) is refused with 0A000 rather than printed wrong: an
unknown letter would otherwise pass through as literal text, silently.

Patterns are matched longest first and case-sensitively where PostgreSQL's case says
something (``Month`` / ``MONTH`` / ``month``); ``FM`` before a pattern drops its padding;
text in double quotes is literal; any other character is copied.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from engine.errors import SqlError, SqlState


@dataclass(frozen=True, slots=True)
class Field:
    """A field strftime cannot write alone: ``kind`` in ``month``, ``mon``, ``day``, ``dy``
    (names, with ``case`` 'upper' / 'lower' / 'title' and ``pad`` to nine), ``dow`` (1-7 from
    Sunday), ``quarter``, ``meridiem`` (A.M. / P.M., or a.m. / p.m. with ``dots_lower``),
    ``meridiem_lower`` (am / pm)."""

    kind: str
    case: str = "title"
    pad: bool = True
    dots_lower: bool = False


Part = str | Field  # a str is strftime text (its own % doubled)

# Patterns that map to one strftime code: (PostgreSQL pattern, code, code under FM).
_CODES: list[tuple[str, str, str]] = [
    ("HH24", "%H", "%-H"), ("HH12", "%I", "%-I"), ("HH", "%I", "%-I"), ("MI", "%M", "%-M"),
    ("SS", "%S", "%-S"), ("MS", "%g", "%g"), ("US", "%f", "%f"), ("YYYY", "%Y", "%Y"),
    ("YY", "%y", "%y"), ("IYYY", "%G", "%G"), ("MM", "%m", "%-m"), ("DDD", "%j", "%-j"),
    ("DD", "%d", "%-d"), ("IW", "%V", "%V"), ("ID", "%u", "%u"), ("AM", "%p", "%p"),
    ("PM", "%p", "%p"),
]
# Name patterns, longest first (MONTH before MON), any case (the case of the output).
_NAMES = (("MONTH", "month"), ("MON", "mon"), ("DAY", "day"), ("DY", "dy"))
# Patterns PostgreSQL has that are not translated: refused by name.
_REFUSED = ("Y,YYY", "YYY", "IYY", "IY", "SSSSS", "SSSS", "TZH", "TZM", "TZ", "tz", "OF", "BC",
            "AD", "B.C.", "A.D.", "CC", "WW", "RM", "rm", "TH", "th", "FX", "J", "W", "I", "Y")


def _refuse(pattern: str) -> SqlError:
    return SqlError(SqlState.FEATURE_NOT_SUPPORTED,
                    f'the date/time format pattern "{pattern}" is not supported here',
                    hint="Supported: YYYY YY IYYY MM Month Mon DD DDD D ID Day Dy IW Q HH24 "
                         "HH12 HH MI SS MS US AM PM A.M. P.M., with FM; quoted text.")


def _case(word: str) -> str:
    if word.isupper():
        return "upper"
    return "lower" if word.islower() else "title"


def template_parts(template: str) -> list[Part]:
    """``template`` as strftime text and :class:`Field` pieces, adjacent text merged."""
    parts: list[Part] = []

    def text(s: str) -> None:
        if parts and isinstance(parts[-1], str):
            parts[-1] += s
        else:
            parts.append(s)

    i, fill = 0, False
    while i < len(template):
        rest = template[i:]
        upper = rest.upper()
        if upper.startswith("FM"):
            fill, i = True, i + 2
            continue
        if rest[0] == '"':
            end = template.find('"', i + 1)
            end = len(template) if end < 0 else end
            text(template[i + 1:end].replace("%", "%%"))
            i, fill = end + 1, False
            continue
        if rest[0] == "\\" and len(rest) > 1:
            text(rest[1].replace("%", "%%"))
            i += 2
            continue
        for dotted, lower in (("A.M.", False), ("P.M.", False), ("a.m.", True), ("p.m.", True)):
            if rest.startswith(dotted):
                parts.append(Field("meridiem", dots_lower=lower))
                i += 4
                break
        else:
            step = _one(rest, upper, fill, parts, text)
            if step == 0:
                text(rest[0].replace("%", "%%"))
                step = 1
            i += step
            fill = False
            continue
        fill = False
    return parts


def _one(rest: str, upper: str, fill: bool, parts: list[Part],
         text: Callable[[str], None]) -> int:
    """Consume one pattern at the start of ``rest``; its length, or 0 for a plain character."""
    for word, kind in _NAMES:
        if upper.startswith(word):
            parts.append(Field(kind, _case(rest[:len(word)]), pad=not fill))
            return len(word)
    if rest.startswith(("am", "pm")):
        parts.append(Field("meridiem_lower"))
        return 2
    code = max((c for c in _CODES if rest.startswith(c[0])), key=lambda c: len(c[0]),
               default=None)
    refused = max((r for r in _REFUSED if rest.startswith(r)), key=len, default="")
    if refused and (code is None or len(refused) > len(code[0])):
        raise _refuse(refused)  # SSSS is not SS twice, nor YYY YY and Y
    if code is not None:
        text(code[2] if fill else code[1])
        return len(code[0])
    if rest.startswith("D"):
        parts.append(Field("dow"))
        return 1
    if rest.startswith("Q"):
        parts.append(Field("quarter"))
        return 1
    return 0


def strptime_format(template: str) -> str:
    """The strptime format reading what ``template`` writes (to_date, to_timestamp)."""
    codes = {"month": "%B", "mon": "%b", "day": "%A", "dy": "%a", "meridiem_lower": "%p"}
    out = []
    for part in template_parts(template):
        if isinstance(part, str):
            out.append(part.replace("%-", "%"))  # strptime reads unpadded numbers anyway
        elif part.kind in codes:
            out.append(codes[part.kind])
        else:
            raise _refuse({"dow": "D", "quarter": "Q", "meridiem": "A.M."}[part.kind])
    return "".join(out)
