"""The ThanoSQL grammar (engine.thanosql) as tables: statement → command, statement → None (left
to DuckDB), statement → 42601 error with its position; then ``find_embedded``'s spans.

Option values are compared with their types, since ``True == 1 == 1.0`` in Python.
"""

from __future__ import annotations

import dataclasses

import pytest

from engine.errors import SqlError
from engine.thanosql import (
    LEADING_WORDS,
    BuildModel,
    CancelJob,
    Command,
    CopyFrom,
    DeleteModel,
    Evaluate,
    FitModel,
    ListModels,
    Options,
    OptionValue,
    Predict,
    PrintImage,
    find_embedded,
    parse,
)

TUTORIAL_BUILD = """BUILD MODEL my_image_classifier
USING ConvNeXt_Tiny
OPTIONS (image_col='image', label_col='label')
AS SELECT * FROM cat_and_dog_train"""


def opts(**values: OptionValue) -> Options:
    """Options with these values; positions are checked separately (see test_option_positions)."""
    return Options(dict(values))


def without_positions(command: Command) -> Command:
    """The command with its options' positions dropped, for comparing with the tables."""
    options = getattr(command, "options", None)
    if options is None:
        return command
    return dataclasses.replace(command, options=Options(dict(options.values)))  # type: ignore


def typed(options: Options) -> list[tuple[str, str, OptionValue]]:
    return [(k, type(v).__name__, v) for k, v in options.values.items()]


# --- statement → command ------------------------------------------------------------------------

PARSED: list[tuple[str, Command]] = [
    # the DESIGN tutorial, verbatim
    (TUTORIAL_BUILD,
     BuildModel("my_image_classifier", "ConvNeXt_Tiny", opts(image_col="image", label_col="label"),
                "SELECT * FROM cat_and_dog_train", 103)),
    ("PREDICT USING my_image_classifier AS SELECT * FROM cat_and_dog_test;",
     Predict("my_image_classifier", opts(), "SELECT * FROM cat_and_dog_test", 38)),
    # mixed-case keywords, names lowercased, base spelling kept
    ("build Model MyModel using ConvNeXt_Tiny as select 1",
     BuildModel("mymodel", "ConvNeXt_Tiny", opts(), "select 1", 44)),
    ("Predict Using M As Select * From T", Predict("m", opts(), "Select * From T", 20)),
    ("EVALUATE USING m AS SELECT * FROM t", Evaluate("m", opts(), "SELECT * FROM t", 21)),
    ("evaluate using m options (label_col='y') as select * from t",
     Evaluate("m", opts(label_col="y"), "select * from t", 45)),
    # quoted names
    ('BUILD MODEL "My Model" USING "resnet18" AS SELECT 1',
     BuildModel("My Model", "resnet18", opts(), "SELECT 1", 44)),
    ('PREDICT USING "M" AS SELECT 1', Predict("M", opts(), "SELECT 1", 22)),
    # parenthesised AS queries: one pair around the whole rest is removed
    ("PREDICT USING m AS (SELECT * FROM t)", Predict("m", opts(), "SELECT * FROM t", 21)),
    ("PREDICT USING m AS ( SELECT 1 ) ;", Predict("m", opts(), "SELECT 1", 22)),
    ("PREDICT USING m AS ((SELECT 1))", Predict("m", opts(), "(SELECT 1)", 21)),
    ("PREDICT USING m AS (SELECT 1) UNION (SELECT 2)",
     Predict("m", opts(), "(SELECT 1) UNION (SELECT 2)", 20)),
    ("PREDICT USING m AS SELECT * FROM (SELECT 1) s",
     Predict("m", opts(), "SELECT * FROM (SELECT 1) s", 20)),
    ("PREDICT USING m AS SELECT ';' AS semi;", Predict("m", opts(), "SELECT ';' AS semi", 20)),
    ("PREDICT USING m AS\n  SELECT 1 -- trailing comment\n",
     Predict("m", opts(), "SELECT 1", 22)),
    # option value types
    ("FIT MODEL m2 USING m1 OPTIONS (epochs=5) AS SELECT * FROM t",
     FitModel("m2", "m1", opts(epochs=5), "SELECT * FROM t", 45)),
    ("PREDICT USING m OPTIONS (s='it''s', i=16, n=-3, p=+7, f=0.5, e=1e-4, g=-2.5E3, h=.25) "
     "AS SELECT 1",
     Predict("m", opts(s="it's", i=16, n=-3, p=7, f=0.5, e=1e-4, g=-2500.0, h=0.25), "SELECT 1",
             90)),
    ("PREDICT USING m OPTIONS (a=True, b=FALSE, c=true, d=NULL, e=None, f=none) AS SELECT 1",
     Predict("m", opts(a=True, b=False, c=True, d=None, e=None, f=None), "SELECT 1", 78)),
    ("PREDICT USING m OPTIONS (image_col=image, Label_Col=Label) AS SELECT 1",
     Predict("m", opts(image_col="image", label_col="Label"), "SELECT 1", 63)),
    ('PREDICT USING m OPTIONS (image_col="Image Path") AS SELECT 1',
     Predict("m", opts(image_col="Image Path"), "SELECT 1", 53)),
    ("PREDICT USING m OPTIONS (a=E'x\\ny\\'z\\\\', b=$$raw 'q'$$, c=$t$v$t$) AS SELECT 1",
     Predict("m", opts(a="x\ny'z\\", b="raw 'q'", c="v"), "SELECT 1", 71)),
    ("PREDICT USING m OPTIONS () AS SELECT 1", Predict("m", opts(), "SELECT 1", 31)),
    ("PREDICT USING m OPTIONS ( a = 1 , b = 'x' ) AS SELECT 1",
     Predict("m", opts(a=1, b="x"), "SELECT 1", 48)),
    # model administration
    ("DROP MODEL IF EXISTS x", DeleteModel("x", if_exists=True)),
    ("drop model if exists X;", DeleteModel("x", if_exists=True)),
    ("DELETE MODEL my_image_classifier", DeleteModel("my_image_classifier")),
    ('DELETE MODEL "Mixed"', DeleteModel("Mixed")),
    ("DROP MODEL if", DeleteModel("if")),
    ("LIST MODELS", ListModels()),
    ("list model;", ListModels()),
    ("CANCEL JOB 17", CancelJob(17)),
    ("cancel job 3;", CancelJob(3)),
    # images
    ("PRINT IMAGE OPTIONS (image_col='image_path') AS SELECT * FROM cat_and_dog_test LIMIT 3",
     PrintImage(opts(image_col="image_path"), "SELECT * FROM cat_and_dog_test LIMIT 3", 49)),
    ("print image as (select image from t)", PrintImage(opts(), "select image from t", 17)),
    # COPY … FROM 'path'
    ("COPY cat_and_dog_train OPTIONS (if_exists='replace') FROM 'training_set'",
     CopyFrom("cat_and_dog_train", opts(if_exists="replace"), "training_set")),
    ("COPY t FROM 'x.csv'", CopyFrom("t", opts(), "x.csv")),
    ("copy T from 'x.parquet';", CopyFrom("t", opts(), "x.parquet")),
    ('COPY Sch."My T" FROM \'/data/imgs\'', CopyFrom("sch.My T", opts(), "/data/imgs")),
    ("COPY t OPTIONS () FROM 'it''s'", CopyFrom("t", opts(), "it's")),
]


@pytest.mark.parametrize(("statement", "expected"), PARSED)
def test_parse(statement: str, expected: Command) -> None:
    got = parse(statement)
    assert got is not None
    assert without_positions(got) == expected
    options = getattr(expected, "options", None)
    if options is not None:
        assert typed(got.options) == typed(options)  # type: ignore[union-attr]


@pytest.mark.parametrize(("statement", "expected"), PARSED)
def test_positions_point_into_the_statement(statement: str, expected: Command) -> None:
    """query_position locates the query text; each option position locates its key."""
    got = parse(statement)
    query = getattr(got, "query", None)
    if query is not None:
        start = got.query_position - 1  # type: ignore[union-attr]
        assert statement[start : start + len(query)] == query
    options: Options | None = getattr(got, "options", None)
    if options is not None:
        assert list(options.positions) == list(options.values)
        for key, pos in options.positions.items():
            assert statement[pos - 1 : pos - 1 + len(key)].lower() == key


def test_option_positions() -> None:
    got = parse(TUTORIAL_BUILD)
    assert isinstance(got, BuildModel)
    assert got.options.positions == {"image_col": 62, "label_col": 81}


# --- statement → None (ordinary SQL) ------------------------------------------------------------

NOT_THANOSQL = [
    "SELECT 1",
    "",
    "-- only a comment",
    "DELETE FROM t",
    "DELETE FROM model",
    "DROP TABLE t",
    "DROP VIEW model",
    "COPY t FROM STDIN",
    "COPY t FROM STDIN WITH (FORMAT csv)",
    "COPY t (a,b) FROM '/x'",
    "COPY t TO '/x'",
    "COPY t FROM '/x' WITH (FORMAT csv)",
    "COPY t FROM '/x' (FORMAT csv)",
    "COPY t FROM '/x' CSV HEADER",
    "COPY t FROM PROGRAM 'cat /x'",
    "COPY (SELECT 1) TO STDOUT",
    "COPY t",
    "PREPARE p AS SELECT 1",
    "PREPARE p AS PREDICT USING m AS SELECT 1",
    "SELECT list_value(1)",
    "SELECT * FROM list(1)",
    "SELECT 'PREDICT USING m'",
    "SELECT 1 AS predict",
    "PREDICT m AS SELECT 1",
    "EXPLAIN PREDICT USING m AS SELECT 1",
    "WITH a AS (EVALUATE USING m AS SELECT 1) SELECT * FROM a",
    "SELECT * FROM (PREDICT USING m AS SELECT 1) x",
    "BUILD TABLE t",
    "LIST",
    "PRINT 'image'",
    "SELECT 'unterminated",
]


@pytest.mark.parametrize("statement", NOT_THANOSQL)
def test_not_thanosql(statement: str) -> None:
    assert parse(statement) is None


@pytest.mark.parametrize(("statement", "expected"), PARSED)
def test_leading_words_cover_every_statement(statement: str, expected: Command) -> None:
    assert statement.split()[0].upper() in LEADING_WORDS


# --- statement → syntax error -------------------------------------------------------------------

ERRORS: list[tuple[str, int, str]] = [
    ("BUILD MODEL USING x AS SELECT 1", 13, 'at or near "USING"'),
    ("BUILD MODEL m USING AS SELECT 1", 21, 'at or near "AS"'),
    ("BUILD MODEL m USING b OPTIONS (x=1) SELECT 1", 37, 'at or near "SELECT"'),
    ("BUILD MODEL m b AS SELECT 1", 15, 'at or near "b"'),
    ("BUILD MODEL", 12, "at end of input"),
    ("FIT MODEL m2 USING AS SELECT 1", 20, 'at or near "AS"'),
    ("PREDICT USING m OPTIONS (a=) AS SELECT 1", 28, 'at or near ")"'),
    ("PREDICT USING m OPTIONS (a=1, a=2) AS SELECT 1", 31,
     'option "a" specified more than once'),
    ("PREDICT USING m OPTIONS (A=1, a=2) AS SELECT 1", 31,
     'option "a" specified more than once'),
    ("PREDICT USING m AS", 19, "at end of input"),
    ("PREDICT USING m AS ;", 19, "at end of input"),
    ("PREDICT USING m AS ()", 21, 'at or near ")"'),
    ("PREDICT USING m AS (SELECT 1", 29, "at end of input"),
    ("PREDICT USING m AS SELECT 1)", 28, 'at or near ")"'),
    ("PREDICT USING m OPTIONS (a=1 AS SELECT 1", 30, 'at or near "AS"'),
    ("PREDICT USING m OPTIONS a=1 AS SELECT 1", 25, 'at or near "a"'),
    ("PREDICT USING m OPTIONS (a:=1) AS SELECT 1", 27, 'at or near ":"'),
    ("PREDICT USING m OPTIONS (a=1,) AS SELECT 1", 30, 'at or near ")"'),
    ("PREDICT USING m OPTIONS ('a'=1) AS SELECT 1", 26, "at or near \"'a'\""),
    ("PREDICT USING m OPTIONS (a=-x) AS SELECT 1", 29, 'at or near "x"'),
    ("PREDICT USING m OPTIONS (a=1.2.3) AS SELECT 1", 28, 'at or near "1.2.3"'),
    ("PREDICT USING m OPTIONS (a=t.col) AS SELECT 1", 29, 'at or near "."'),
    ("PREDICT USING m OPTIONS (a=$1) AS SELECT 1", 28, 'at or near "$1"'),
    ("PREDICT USING m OPTIONS (a=E'\\x41') AS SELECT 1", 28, "unsupported escape"),
    ("PREDICT USING AS SELECT 1", 15, 'at or near "AS"'),
    ("EVALUATE USING m SELECT 1", 18, 'at or near "SELECT"'),
    ("LIST MODEL extra", 12, 'at or near "extra"'),
    ("LIST MODELS;x", 13, 'at or near "x"'),
    ("DROP MODEL IF EXISTS", 21, "at end of input"),
    ("DELETE MODEL a b", 16, 'at or near "b"'),
    ("CANCEL JOB", 11, "at end of input"),
    ("CANCEL JOB x", 12, 'at or near "x"'),
    ("CANCEL JOB 1.5", 12, 'at or near "1.5"'),
    ("CANCEL JOB 1 2", 14, 'at or near "2"'),
    ("PRINT IMAGE SELECT 1", 13, 'at or near "SELECT"'),
    ("COPY t OPTIONS (a=1) FROM '/x' WITH (FORMAT csv)", 32, 'at or near "WITH"'),
    ("COPY t OPTIONS (a=1) FROM STDIN", 27, 'at or near "STDIN"'),
    ("COPY t OPTIONS (a=1) TO '/x'", 22, 'at or near "TO"'),
    ("COPY t OPTIONS (a=1, a=2) FROM '/x'", 22, 'option "a" specified more than once'),
]


@pytest.mark.parametrize(("statement", "position", "message"), ERRORS)
def test_syntax_errors(statement: str, position: int, message: str) -> None:
    with pytest.raises(SqlError) as info:
        parse(statement)
    err = info.value
    assert err.sqlstate == "42601"
    assert err.position == position
    assert message in err.message


# --- find_embedded ------------------------------------------------------------------------------


def replaced(text: str, spans: list[tuple[int, int, Predict | Evaluate]]) -> str:
    """``text`` with each span replaced by a table name, as the caller does."""
    for n, (start, end, _) in reversed(list(enumerate(spans))):
        text = text[:start] + f"_pred{n}" + text[end:]
    return text


def test_embedded_predict_in_select() -> None:
    text = "SELECT * FROM (PREDICT USING m AS SELECT * FROM t) WHERE predicted <> label"
    [(start, end, command)] = find_embedded(text)
    assert text[start:end] == "(PREDICT USING m AS SELECT * FROM t)"
    assert command == Predict("m", Options(), "SELECT * FROM t", 35)
    assert replaced(text, find_embedded(text)) == (
        "SELECT * FROM _pred0 WHERE predicted <> label")


def test_embedded_in_create_table_as_with_options() -> None:
    text = ("CREATE TABLE p AS SELECT * FROM (PREDICT USING m OPTIONS (result_col='y') "
            "AS (SELECT * FROM t)) x")
    [(start, end, command)] = find_embedded(text)
    assert text[start:end] == (
        "(PREDICT USING m OPTIONS (result_col='y') AS (SELECT * FROM t))")
    assert isinstance(command, Predict)
    assert command.options.values == {"result_col": "y"}
    assert text[command.options.positions["result_col"] - 1:].startswith("result_col")
    assert command.query == "SELECT * FROM t"
    assert text[command.query_position - 1:].startswith(command.query)
    assert replaced(text, find_embedded(text)) == "CREATE TABLE p AS SELECT * FROM _pred0 x"


def test_embedded_evaluate_in_cte() -> None:
    text = "WITH a AS (EVALUATE USING m AS SELECT * FROM (SELECT 1) s) SELECT * FROM a"
    [(start, end, command)] = find_embedded(text)
    assert text[start:end] == "(EVALUATE USING m AS SELECT * FROM (SELECT 1) s)"
    assert isinstance(command, Evaluate)
    assert command.query == "SELECT * FROM (SELECT 1) s"
    assert text[command.query_position - 1:].startswith(command.query)
    assert replaced(text, find_embedded(text)) == "WITH a AS _pred0 SELECT * FROM a"


def test_two_embedded_commands() -> None:
    text = ("SELECT * FROM (predict using m1 as select * from t) a "
            "JOIN (Evaluate Using m2 As (select * from (select 1) u)) b ON true")
    spans = find_embedded(text)
    assert [text[s:e] for s, e, _ in spans] == [
        "(predict using m1 as select * from t)",
        "(Evaluate Using m2 As (select * from (select 1) u))",
    ]
    assert [type(c).__name__ for _, _, c in spans] == ["Predict", "Evaluate"]
    assert [c.query for _, _, c in spans] == ["select * from t", "select * from (select 1) u"]
    for _, _, command in spans:
        assert text[command.query_position - 1:].startswith(command.query)
    assert replaced(text, spans) == "SELECT * FROM _pred0 a JOIN _pred1 b ON true"


def test_nested_embedded_returns_the_outer_one() -> None:
    text = "SELECT * FROM (PREDICT USING a AS SELECT * FROM (PREDICT USING b AS SELECT 1) x) y"
    [(start, end, command)] = find_embedded(text)
    assert text[start:end] == text[14:-2]
    assert command.query == "SELECT * FROM (PREDICT USING b AS SELECT 1) x"
    [(_, _, inner)] = find_embedded(command.query)
    assert inner == Predict("b", Options(), "SELECT 1", 35)


@pytest.mark.parametrize("text", [
    "SELECT 1",
    "SELECT '(PREDICT USING m AS SELECT 1)' FROM t",
    "SELECT $$(EVALUATE USING m AS SELECT 1)$$",
    "SELECT 1 -- (PREDICT USING m AS SELECT 1)",
    'SELECT "(PREDICT USING m AS SELECT 1)" FROM t',
    "SELECT predict, evaluate FROM t",
    "SELECT * FROM (SELECT predict FROM t) x",
    "SELECT f(predict) FROM t",
    "SELECT 'unterminated (PREDICT USING m AS SELECT 1)",
])
def test_no_embedded(text: str) -> None:
    assert find_embedded(text) == []


@pytest.mark.parametrize(("text", "position", "message"), [
    ("SELECT * FROM (PREDICT USING m AS) x", 34, 'at or near ")"'),
    ("SELECT * FROM (PREDICT USING m OPTIONS (a=) AS SELECT 1) x", 43, 'at or near ")"'),
    ("SELECT * FROM (EVALUATE USING AS SELECT 1) x", 31, 'at or near "AS"'),
])
def test_embedded_errors_are_positioned_in_the_whole_text(text: str, position: int,
                                                          message: str) -> None:
    with pytest.raises(SqlError) as info:
        find_embedded(text)
    assert info.value.sqlstate == "42601"
    assert info.value.position == position
    assert message in info.value.message
