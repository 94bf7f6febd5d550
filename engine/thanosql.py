"""The ThanoSQL statements (DESIGN §2) as typed commands, parsed from tokens.

    BUILD MODEL name USING base [OPTIONS (k=v, …)] AS query
    FIT MODEL new USING existing [OPTIONS (…)] AS query
    PREDICT USING name [OPTIONS (…)] AS query
    EVALUATE USING name [OPTIONS (…)] AS query
    LIST MODEL[S]
    DELETE MODEL [IF EXISTS] name        (DROP MODEL … too)
    PRINT IMAGE [OPTIONS (…)] AS query
    CANCEL JOB id
    COPY table [OPTIONS (…)] FROM 'path'  (a folder of images, or a csv/parquet file)

``AS`` takes a bare query or a parenthesised one. Keywords are case-insensitive; model names
are identifiers (lowercased unless double-quoted), base names keep their spelling (the registry
matches them case-insensitively). Option values are SQL/Python-like literals: 'text', True /
False, integers, floats (1e-4), NULL/None. Errors are SqlErrors with SQLSTATE 42601 and the
1-based character position of the offending token.

``parse`` returns None for a statement that is not ThanoSQL (so ordinary SQL goes on to DuckDB);
``find_embedded`` locates ``(PREDICT …)`` / ``(EVALUATE …)`` used as subqueries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from engine.errors import SqlError, SqlState
from engine.lexer import Tok, Token, TokenReader

OptionValue = str | int | float | bool | None


@dataclass(frozen=True)
class Options:
    """``OPTIONS (k=v, …)`` in source order; keys lowercased. ``positions`` maps each key to
    the 1-based character position of its name, for errors about one option."""

    values: dict[str, OptionValue] = field(default_factory=dict)
    positions: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class BuildModel:
    name: str
    base: str
    options: Options
    query: str  # the AS query's text, without surrounding parentheses
    query_position: int  # 1-based position of the query's first character in the statement


@dataclass(frozen=True)
class FitModel:
    name: str  # the new model
    existing: str
    options: Options
    query: str
    query_position: int


@dataclass(frozen=True)
class Predict:
    model: str
    options: Options
    query: str
    query_position: int


@dataclass(frozen=True)
class Evaluate:
    model: str
    options: Options
    query: str
    query_position: int


@dataclass(frozen=True)
class ListModels:
    pass


@dataclass(frozen=True)
class DeleteModel:
    name: str
    if_exists: bool = False


@dataclass(frozen=True)
class PrintImage:
    options: Options
    query: str
    query_position: int


@dataclass(frozen=True)
class CopyFrom:
    table: str
    options: Options
    path: str


@dataclass(frozen=True)
class CancelJob:
    job_id: int


Command = (BuildModel | FitModel | Predict | Evaluate | ListModels | DeleteModel | PrintImage
           | CancelJob
           | CopyFrom)


# --- grammar decisions --------------------------------------------------------------------------
#
# * A statement is ThanoSQL when its first two words say so (BUILD MODEL, PREDICT USING, …).
#   COPY is ThanoSQL when OPTIONS follows the table name, or when the whole statement is exactly
#   ``COPY table FROM 'string'``; any other COPY (column list, TO, STDIN, WITH …) is PostgreSQL's.
# * Names cannot be the grammar's own keywords (AS, USING, OPTIONS, FROM); quote them to use one.
# * Option values: 'text' (also E'…' with the simple backslash escapes, and $$…$$), integers,
#   floats, True/False, NULL/None. A bare word (``image_col=image``) or a double-quoted name is
#   taken as the string it spells, as ThanoSQL users write it.
# * ``find_embedded`` returns the outermost ``(PREDICT …)`` / ``(EVALUATE …)`` spans only; one
#   nested inside another stays in the outer command's query text.
# * Text the lexer cannot read (an unterminated string, …) is not recognised here; the ordinary
#   path reports it.

_NOT_NAMES = frozenset({"AS", "USING", "OPTIONS", "FROM"})
_EMBEDDED_VERBS = frozenset({"PREDICT", "EVALUATE"})
_SIMPLE_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_UNSUPPORTED_ESCAPES = frozenset("01234567xuU")


def _syntax_error(message: str, tok: Token) -> SqlError:
    """A 42601 error at ``tok``."""
    return SqlError(SqlState.SYNTAX_ERROR, message, position=tok.start + 1)


def _is_op(tok: Token | None, text: str) -> bool:
    """Whether ``tok`` is the punctuation ``text``."""
    return tok is not None and tok.kind is Tok.OP and tok.text == text


class _Reader(TokenReader):
    """A TokenReader over ``tokens[start:stop]`` of the whole text, so that every position is
    relative to the whole text; past ``stop`` it reports the token there (an embedded command's
    closing parenthesis) rather than the end of input."""

    def __init__(self, text: str, start: int = 0, stop: int | None = None) -> None:
        super().__init__(text)
        self.i = start
        self.stop = len(self.tokens) if stop is None else stop

    def peek(self, ahead: int = 0) -> Token | None:
        j = self.i + ahead
        return self.tokens[j] if j < self.stop else None

    def at_end(self) -> bool:
        return self.i >= self.stop

    def error(self) -> SqlError:
        if self.at_end() and self.stop < len(self.tokens):
            tok = self.tokens[self.stop]
            return _syntax_error(f'syntax error at or near "{self.text[tok.start:tok.end]}"', tok)
        return super().error()

    def name(self) -> str:
        """An identifier: a word lowercased, a double-quoted name as written."""
        return self.identifier(_NOT_NAMES)

    def base_name(self) -> str:
        """A base model's name, spelt as written (the registry matches it case-insensitively)."""
        tok = self.peek()
        if tok is None or tok.kind not in (Tok.WORD, Tok.IDENT) or tok.upper in _NOT_NAMES:
            raise self.error()
        self.i += 1
        return tok.text

    def table_name(self) -> str:
        """``name [. name …]`` as dotted text."""
        parts = [self.name()]
        while _is_op(self.peek(), "."):
            self.i += 1
            parts.append(self.name())
        return ".".join(parts)


# --- values -------------------------------------------------------------------------------------


def _unescape_e(body: str, tok: Token) -> str:
    """The value of an ``E'…'`` string's body: ``''``, ``\\'`` and the one-letter escapes
    (``\\n``, ``\\t``, …); octal, hex and Unicode escapes are rejected."""
    out: list[str] = []
    k = 0
    while k < len(body):
        ch = body[k]
        if ch == "\\":
            nxt = body[k + 1]
            if nxt in _UNSUPPORTED_ESCAPES:
                raise _syntax_error(f'unsupported escape "\\{nxt}" in an E\'\' string', tok)
            out.append(_SIMPLE_ESCAPES.get(nxt, nxt))
            k += 2
        elif ch == "'":  # the lexer only lets '' through
            out.append("'")
            k += 2
        else:
            out.append(ch)
            k += 1
    return "".join(out)


def _string_value(tok: Token) -> str:
    """The value of a string literal token: '…', E'…' or $tag$…$tag$."""
    raw = tok.text
    if raw.startswith("$"):
        tag_len = raw.index("$", 1) + 1
        return raw[tag_len : len(raw) - tag_len]
    if raw[0] in "eE":
        return _unescape_e(raw[2:-1], tok)
    return raw[1:-1].replace("''", "'")


def _number_value(tok: Token, negative: bool) -> int | float:
    """An integer, or a float when the literal has a point or an exponent."""
    is_float = any(c in tok.text for c in ".eE")
    try:
        value: int | float = float(tok.text) if is_float else int(tok.text)
    except ValueError:
        raise _syntax_error(f'syntax error at or near "{tok.text}"', tok) from None
    return -value if negative else value


def _word_value(tok: Token) -> OptionValue:
    """True/False, NULL/None, or a bare word taken as the string it spells."""
    upper = tok.upper
    if upper in ("TRUE", "FALSE"):
        return upper == "TRUE"
    if upper in ("NULL", "NONE"):
        return None
    return tok.text


def _option_value(r: _Reader) -> OptionValue:
    """One option value (see the grammar decisions above)."""
    tok = r.peek()
    if tok is not None and tok.kind is Tok.OP and tok.text in "+-":
        r.i += 1
        number = r.peek()
        if number is None or number.kind is not Tok.NUMBER:
            raise r.error()
        r.i += 1
        return _number_value(number, negative=tok.text == "-")
    if tok is None or tok.kind not in (Tok.STRING, Tok.NUMBER, Tok.WORD, Tok.IDENT):
        raise r.error()
    r.i += 1
    if tok.kind is Tok.STRING:
        return _string_value(tok)
    if tok.kind is Tok.NUMBER:
        return _number_value(tok, negative=False)
    if tok.kind is Tok.WORD:
        return _word_value(tok)
    return tok.text  # a double-quoted name


def _options(r: _Reader) -> Options:
    """``[OPTIONS ( [key = value [, key = value]*] )]``."""
    if r.accept("OPTIONS") is None:
        return Options()
    if not r.is_op("("):
        raise r.error()
    r.i += 1
    values: dict[str, OptionValue] = {}
    positions: dict[str, int] = {}
    if r.is_op(")"):
        r.i += 1
        return Options(values, positions)
    while True:
        key = r.peek()
        if key is None or key.kind is not Tok.WORD:
            raise r.error()
        name = key.text.lower()
        if name in values:
            raise _syntax_error(f'option "{name}" specified more than once', key)
        r.i += 1
        if not r.is_op("="):
            raise r.error()
        r.i += 1
        values[name] = _option_value(r)
        positions[name] = key.start + 1
        if r.is_op(")"):
            r.i += 1
            return Options(values, positions)
        if not r.is_op(","):
            raise r.error()
        r.i += 1


# --- the AS query -------------------------------------------------------------------------------


def _closing_paren(r: _Reader) -> int | None:
    """Check the parentheses from here to the end balance; return the index of the token that
    closes the first one when the query starts with ``(``."""
    depth = 0
    starts_with_paren = r.is_op("(")
    close_of_first: int | None = None
    for j in range(r.i, r.stop):
        tok = r.tokens[j]
        if _is_op(tok, "("):
            depth += 1
        elif _is_op(tok, ")"):
            if depth == 0:
                r.i = j
                raise r.error()
            depth -= 1
            if depth == 0 and starts_with_paren and close_of_first is None:
                close_of_first = j
    if depth:
        r.i = r.stop
        raise r.error()
    return close_of_first


def _as_query(r: _Reader) -> tuple[str, int]:
    """``AS query`` up to the end: the query's text (one pair of parentheses around all of it
    removed) and the 1-based position of its first character."""
    r.expect("AS")
    if r.at_end():
        raise r.error()
    first, last = r.i, r.stop - 1
    if _closing_paren(r) == last:
        if last == first + 1:  # AS ()
            r.i = last
            raise r.error()
        first, last = first + 1, last - 1
    r.i = r.stop
    start = r.tokens[first].start
    return r.text[start : r.tokens[last].end], start + 1


# --- statements ---------------------------------------------------------------------------------


def _build(r: _Reader) -> BuildModel:
    """After BUILD MODEL: ``name USING base [OPTIONS (…)] AS query``."""
    name = r.name()
    r.expect("USING")
    base = r.base_name()
    options = _options(r)
    return BuildModel(name, base, options, *_as_query(r))


def _fit(r: _Reader) -> FitModel:
    """After FIT MODEL: ``new USING existing [OPTIONS (…)] AS query``."""
    name = r.name()
    r.expect("USING")
    existing = r.name()
    options = _options(r)
    return FitModel(name, existing, options, *_as_query(r))


def _predict(r: _Reader) -> Predict:
    """After PREDICT USING: ``model [OPTIONS (…)] AS query``."""
    model = r.name()
    options = _options(r)
    return Predict(model, options, *_as_query(r))


def _evaluate(r: _Reader) -> Evaluate:
    """After EVALUATE USING: ``model [OPTIONS (…)] AS query``."""
    model = r.name()
    options = _options(r)
    return Evaluate(model, options, *_as_query(r))


def _list(r: _Reader) -> ListModels:
    """After LIST MODEL[S]: nothing."""
    return ListModels()


def _delete(r: _Reader) -> DeleteModel:
    """After DELETE MODEL / DROP MODEL: ``[IF EXISTS] name``."""
    if_exists = r.word() == "IF" and r.word(1) == "EXISTS"
    if if_exists:
        r.i += 2
    return DeleteModel(r.name(), if_exists)


def _cancel_job(r: _Reader) -> CancelJob:
    """After CANCEL JOB: the job's id (an integer)."""
    tok = r.peek()
    if tok is None or tok.kind is not Tok.NUMBER or not tok.text.isdigit():
        raise r.error()
    r.i += 1
    return CancelJob(int(tok.text))


def _print_image(r: _Reader) -> PrintImage:
    """After PRINT IMAGE: ``[OPTIONS (…)] AS query``."""
    options = _options(r)
    return PrintImage(options, *_as_query(r))


_STATEMENTS: dict[tuple[str, str], Callable[[_Reader], Command]] = {
    ("BUILD", "MODEL"): _build,
    ("FIT", "MODEL"): _fit,
    ("PREDICT", "USING"): _predict,
    ("EVALUATE", "USING"): _evaluate,
    ("LIST", "MODEL"): _list,
    ("LIST", "MODELS"): _list,
    ("DELETE", "MODEL"): _delete,
    ("DROP", "MODEL"): _delete,
    ("PRINT", "IMAGE"): _print_image,
    ("CANCEL", "JOB"): _cancel_job,
}

LEADING_WORDS: frozenset[str] = frozenset({first for first, _ in _STATEMENTS} | {"COPY"})
"""The upper-cased first words of ThanoSQL statements: a cheap test before :func:`parse`."""


def _copy(r: _Reader) -> CopyFrom | None:
    """After COPY: ``table OPTIONS (…) FROM 'path'`` or exactly ``table FROM 'path'``; None for
    PostgreSQL's COPY."""
    try:
        table = r.table_name()
    except SqlError:
        return None
    if r.word() == "OPTIONS":
        options = _options(r)
        r.expect("FROM")
        path = r.peek()
        if path is None or path.kind is not Tok.STRING:
            raise r.error()
        r.i += 1
        r.end()
        return CopyFrom(table, options, _string_value(path))
    path = r.peek(1)
    if r.word() == "FROM" and path is not None and path.kind is Tok.STRING and r.i + 2 == r.stop:
        return CopyFrom(table, Options(), _string_value(path))
    return None


def parse(text: str) -> Command | None:
    """The ThanoSQL command ``text`` (one statement) states, or None when it is not ThanoSQL.

    Raises a 42601 SqlError with a position when the leading keywords are ThanoSQL's but the
    rest does not follow the grammar.
    """
    try:
        r = _Reader(text)
    except SqlError:
        return None
    if r.word() == "COPY":
        r.i += 1
        return _copy(r)
    statement = _STATEMENTS.get((r.word(), r.word(1)))
    if statement is None:
        return None
    r.i += 2
    command = statement(r)
    r.end()
    return command


# --- embedded commands --------------------------------------------------------------------------


def _paren_pairs(tokens: list[Token]) -> dict[int, int]:
    """Opening-parenthesis token index → its closing one's, for the pairs that balance."""
    pairs: dict[int, int] = {}
    open_at: list[int] = []
    for j, tok in enumerate(tokens):
        if _is_op(tok, "("):
            open_at.append(j)
        elif _is_op(tok, ")") and open_at:
            pairs[open_at.pop()] = j
    return pairs


def _embedded_at(text: str, tokens: list[Token], open_i: int, close_i: int,
                 ) -> Predict | Evaluate | None:
    """The command inside the parentheses at ``open_i``…``close_i`` when they hold
    ``PREDICT USING …`` or ``EVALUATE USING …``; None otherwise."""
    if close_i - open_i < 3:
        return None
    verb, using = tokens[open_i + 1], tokens[open_i + 2]
    if verb.upper not in _EMBEDDED_VERBS or using.upper != "USING":
        return None
    r = _Reader(text, start=open_i + 3, stop=close_i)
    return _predict(r) if verb.upper == "PREDICT" else _evaluate(r)


def find_embedded(text: str) -> list[tuple[int, int, Predict | Evaluate]]:
    """Each outermost ``( PREDICT USING … )`` / ``( EVALUATE USING … )`` in an ordinary SQL
    statement, as ``(start, end, command)``: ``text[start:end]`` spans the parentheses, and
    the command's positions are relative to ``text``."""
    lowered = text.lower()
    if "predict" not in lowered and "evaluate" not in lowered:
        return []
    try:
        tokens = _Reader(text).tokens
    except SqlError:
        return []
    if not any(tok.upper in _EMBEDDED_VERBS for tok in tokens):
        return []
    pairs = _paren_pairs(tokens)
    found: list[tuple[int, int, Predict | Evaluate]] = []
    covered = -1  # index of the last token inside a span already found
    for open_i, close_i in sorted(pairs.items()):
        if open_i <= covered:
            continue
        command = _embedded_at(text, tokens, open_i, close_i)
        if command is not None:
            found.append((tokens[open_i].start, tokens[close_i].end, command))
            covered = close_i
    return found
