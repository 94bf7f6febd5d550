"""The ThanoSQL tutorial end to end against a real server with a real ML worker process.

A two-class image folder laid out like the tutorial's (``training_set/cats|dogs``,
``test_set/…``; coloured shapes, 32 px) is loaded both with ``COPY … FROM 'folder'`` and with
the tutorial's pandas ``make_df`` + ``to_sql``; then BUILD MODEL (real ConvNeXt_Tiny, 32 px, two
epochs), PREDICT, EVALUATE, LIST MODEL, DELETE MODEL through psycopg and through ``psql -f``,
plus composition (subquery, CTAS), the extended protocol and binary results, and the errors a
tutorial user can make.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import psycopg
import pytest
from psycopg import sql as pgsql
from sklearn.metrics import accuracy_score

from ml.testing import shape_image
from tests.conftest import RunningServer, start_server
from tests.test_psql import psql

pytestmark = [pytest.mark.integration, pytest.mark.slow]

CLASSES = {"cats": "red", "dogs": "blue"}
TRAIN_OPTIONS = "max_epochs=2, input_size=32, learning_rate=1e-3, batch_size=16"


def write_tutorial_images(images: Path) -> None:
    for split, per_class, seed in (("training_set", 20, 1), ("test_set", 8, 2)):
        for c, (cls, color) in enumerate(CLASSES.items()):
            folder = images / split / cls
            folder.mkdir(parents=True)
            for i in range(per_class):
                data = shape_image(color, 32, seed=seed * 10_000 + c * 1000 + i)
                (folder / f"{cls[:-1]}.{i}.png").write_bytes(data)


def make_df(folder: Path) -> pd.DataFrame:
    """The tutorial's helper: one row per image, label from the file name."""
    paths = sorted(str(p) for p in folder.rglob("*.png"))
    return pd.DataFrame({"image_path": paths,
                         "label": [Path(p).name.split(".")[0] + "s" for p in paths]})


@pytest.fixture(scope="module")
def ml_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    data = tmp_path_factory.mktemp("ml-data")
    write_tutorial_images(data / "images")
    srv = start_server(data)
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def trained(ml_server: RunningServer) -> list[str]:
    """The tutorial up to BUILD MODEL; returns the NOTICE lines BUILD MODEL sent."""
    notices: list[str] = []
    with psycopg.connect(ml_server.dsn(), autocommit=True) as conn:
        assert conn.execute("COPY cat_and_dog_train OPTIONS (if_exists='replace') "
                            "FROM 'training_set'").statusmessage == "COPY 40"
        conn.execute("COPY cat_and_dog_test OPTIONS (if_exists='replace') FROM 'test_set'")
        conn.add_notice_handler(lambda diag: notices.append(diag.message_primary or ""))
        cur = conn.execute(f"""
            BUILD MODEL my_image_classifier
            USING ConvNeXt_Tiny
            OPTIONS (image_col='image_path', label_col='label', {TRAIN_OPTIONS})
            AS SELECT * FROM cat_and_dog_train""")
        assert cur.statusmessage == "BUILD MODEL"
    return notices


def test_copy_folder_gives_rows_like_the_tutorials_make_df(ml_server: RunningServer,
                                                           trained: list[str]) -> None:
    with psycopg.connect(ml_server.dsn(), autocommit=True) as conn:
        rows = conn.execute("SELECT label, count(*) FROM cat_and_dog_train "
                            "GROUP BY label ORDER BY label").fetchall()
        assert rows == [("cats", 20), ("dogs", 20)]
        path = conn.execute("SELECT image_path FROM cat_and_dog_test LIMIT 1").fetchone()
        assert path is not None and Path(path[0]).is_file()


def test_build_model_reports_progress_in_order(trained: list[str]) -> None:
    epochs = [n for n in trained if " done: " in n]
    assert [n.split(" ")[1] for n in epochs] == ["1/2", "2/2"]
    steps = [n for n in trained if " step " in n]
    assert steps and all("loss" in n and "images/s" in n and "ETA" in n for n in steps)
    assert trained.index(steps[0]) < trained.index(epochs[0])
    assert any("random initialisation" in n for n in trained)


def test_predict_returns_input_columns_plus_predicted(ml_server: RunningServer,
                                                     trained: list[str]) -> None:
    with psycopg.connect(ml_server.dsn(), autocommit=True) as conn:
        for table in ("cat_and_dog_train", "cat_and_dog_test"):
            cur = conn.execute(f"PREDICT USING my_image_classifier AS SELECT * FROM {table}")
            df = pd.DataFrame(cur.fetchall(), columns=[d.name for d in cur.description or []])
            assert list(df.columns) == ["image_path", "label", "predicted"]
            assert accuracy_score(df["label"], df["predicted"]) >= 0.75, table


def test_numeric_labels_are_classes_named_as_postgresql_writes_them(
        ml_server: RunningServer, trained: list[str]) -> None:
    """A numeric label column (DECIMAL(38,10) here) names its classes ``0`` and ``1`` as
    PostgreSQL prints the values, not ``0.0000000000``; EVALUATE matches them."""
    query = ("SELECT image_path, CASE WHEN label = 'cats' THEN 0 ELSE 1 END::numeric AS label "
             "FROM cat_and_dog_{}")
    with psycopg.connect(ml_server.dsn(), autocommit=True) as conn:
        conn.execute(f"BUILD MODEL numeric_labels USING ConvNeXt_Tiny OPTIONS ({TRAIN_OPTIONS}) "
                     f"AS {query.format('train')}")
        predicted = {row[0] for row in conn.execute(
            f"SELECT predicted FROM (PREDICT USING numeric_labels AS {query.format('test')})")}
        assert predicted <= {"0", "1"} and predicted
        scores = dict(conn.execute(
            f"EVALUATE USING numeric_labels AS {query.format('test')}").fetchall())
        assert scores["accuracy"] >= 0.75
        conn.execute("DELETE MODEL numeric_labels")


def test_compile_option_is_passed_and_results_do_not_change(ml_server: RunningServer,
                                                           trained: list[str]) -> None:
    # On the CPU "auto" never compiles; "off" is the same path, spelled out.
    with psycopg.connect(ml_server.dsn(), autocommit=True) as conn:
        query = "AS SELECT * FROM cat_and_dog_test ORDER BY image_path"
        default = conn.execute(f"PREDICT USING my_image_classifier {query}").fetchall()
        for value in ("false", "'off'", "'AUTO'"):
            assert conn.execute(f"PREDICT USING my_image_classifier OPTIONS (compile={value}) "
                                f"{query}").fetchall() == default, value
        scores = dict(conn.execute("EVALUATE USING my_image_classifier OPTIONS (compile=false) "
                                   "AS SELECT * FROM cat_and_dog_test").fetchall())
        assert scores["evaluated"] > 0


def test_evaluate_list_and_the_catalog_table(ml_server: RunningServer, trained: list[str]) -> None:
    with psycopg.connect(ml_server.dsn(), autocommit=True) as conn:
        scores = dict(conn.execute("EVALUATE USING my_image_classifier "
                                   "AS SELECT * FROM cat_and_dog_test").fetchall())
        assert scores["accuracy"] >= 0.75 and scores["evaluated"] == 16
        assert {"macro_precision", "macro_recall", "macro_f1", "f1[cats]"} <= set(scores)
        cur = conn.execute("LIST MODEL")
        names = [d.name for d in cur.description or []]
        assert names[:3] == ["name", "class_name", "last_updated_utc"]
        row = dict(zip(names, cur.fetchone() or (), strict=True))
        assert row["name"] == "my_image_classifier" and row["class_name"] == "ConvNeXt_Tiny"
        assert row["status"] == "ready" and row["classes"] == ["cats", "dogs"]
        catalog = conn.execute("SELECT base, status, artifact_bytes > 0 FROM pixelsql_ml.models "
                               "WHERE name = 'my_image_classifier'").fetchall()
        assert catalog == [("ConvNeXt_Tiny", "ready", True)]


def test_predict_composes_with_sql(ml_server: RunningServer, trained: list[str]) -> None:
    predict = "PREDICT USING my_image_classifier AS SELECT * FROM cat_and_dog_test"
    with psycopg.connect(ml_server.dsn(), autocommit=True) as conn:
        wrong = conn.execute(f"SELECT count(*) FROM ({predict}) WHERE predicted <> label")
        direct = conn.execute(predict).fetchall()
        assert (wrong.fetchone() or (0,))[0] == sum(r[1] != r[2] for r in direct)
        conn.execute(f"CREATE OR REPLACE TABLE preds AS SELECT * FROM ({predict})")
        assert conn.execute("SELECT * FROM preds ORDER BY image_path").fetchall() == sorted(direct)
        # parenthesised AS query, renamed result column, probability
        cur = conn.execute("PREDICT USING my_image_classifier OPTIONS (result_col='guess', "
                           "probability=True) AS (SELECT image_path FROM cat_and_dog_test)")
        assert [d.name for d in cur.description or []] == ["image_path", "guess", "probability"]
        assert all(0.5 <= r[2] <= 1.0 for r in cur.fetchall())


def test_results_identical_across_protocols_and_formats(ml_server: RunningServer,
                                                        trained: list[str]) -> None:
    query = ("PREDICT USING my_image_classifier AS SELECT * FROM cat_and_dog_test "
             "WHERE label = %s ORDER BY image_path")
    simple = ("PREDICT USING my_image_classifier AS SELECT * FROM cat_and_dog_test "
              "WHERE label = 'dogs' ORDER BY image_path")
    with psycopg.connect(ml_server.dsn(), autocommit=True) as conn:
        expected = conn.execute(simple).fetchall()  # simple protocol, text
        assert len(expected) == 8
        assert conn.execute(query, ["dogs"], prepare=True).fetchall() == expected  # extended
        with conn.cursor(binary=True) as cur:  # extended, binary results
            assert cur.execute(query, ["dogs"]).fetchall() == expected
        # Describe of a PREDICT without running it (psycopg's describe of a prepared statement)
        prepared = conn.pgconn.prepare(b"p1", simple.encode())
        assert prepared.status == psycopg.pq.ExecStatus.COMMAND_OK
        described = conn.pgconn.describe_prepared(b"p1")
        assert [described.fname(i) for i in range(described.nfields)] == [
            b"image_path", b"label", b"predicted"]


@pytest.mark.parametrize(("statement", "sqlstate", "words"), [
    ("BUILD MODEL my_image_classifier USING ConvNeXt_Tiny AS SELECT * FROM cat_and_dog_train",
     "42710", "already exists"),
    ("BUILD MODEL m2 USING ResNet9000 AS SELECT * FROM cat_and_dog_train", "42704",
     "unknown base model"),
    ("PREDICT USING no_such_model AS SELECT * FROM cat_and_dog_test", "42704", "does not exist"),
    ("BUILD MODEL m2 USING ConvNeXt_Tiny OPTIONS (label_col='kind') "
     "AS SELECT * FROM cat_and_dog_train", "42703", '"kind" does not exist'),
    ("BUILD MODEL m2 USING ConvNeXt_Tiny AS SELECT label FROM cat_and_dog_train", "42703",
     '"image_path" or "image"'),
    ("BUILD MODEL m2 USING ConvNeXt_Tiny AS SELECT image_path, 'cats' AS label "
     "FROM cat_and_dog_train", "22023", "at least 2 distinct labels"),
    ("BUILD MODEL m2 USING ConvNeXt_Tiny AS SELECT * FROM cat_and_dog_train WHERE false",
     "22023", "returned no rows"),
    ("BUILD MODEL m2 USING ConvNeXt_Tiny AS SELECT '/etc/passwd' AS image_path, label "
     "FROM cat_and_dog_train", "42501", "outside the allowed image roots"),
    ("BUILD MODEL m2 USING ConvNeXt_Tiny OPTIONS (colour='RGB') AS SELECT * FROM t", "22023",
     'unrecognized option "colour"'),
    ("BUILD MODEL m2 USING ConvNeXt_Tiny OPTIONS (max_epochs='three') AS SELECT * FROM t",
     "22023", "must be an integer"),
    ("BUILD MODEL m2 USING ConvNeXt_Tiny OPTIONS (color='CMYK') AS SELECT * FROM t",
     "22023", "must be one of RGB, GRAY"),
    ("BUILD MODEL m2 USING ConvNeXt_Tiny OPTIONS (compile='sometimes') AS SELECT * FROM t",
     "22023", "must be one of auto, on, off"),
    ("PREDICT USING my_image_classifier OPTIONS (compile=1) AS SELECT * FROM t", "22023",
     'option "compile" must be true, false or one of auto, on, off'),
    ("BUILD MODEL m2 USING ConvNeXt_Tiny OPTIONS (gpus=2) AS SELECT * FROM t", "22023",
     "ML workers run on the CPU"),
    ("BUILD MODEL m2 USING ConvNeXt_Tiny OPTIONS (gpus=0) AS SELECT * FROM t", "22023",
     "gpus must be at least 1"),
    ("BUILD MODEL m2 USING ConvNeXt_Tiny AS", "42601", "syntax error"),
    ("PRINT IMAGE AS SELECT '../../etc/passwd' AS image", "42501", "outside"),
    ("DELETE MODEL no_such_model", "42704", "does not exist"),
])
def test_user_errors_have_clear_messages_and_sqlstates(
        ml_server: RunningServer, trained: list[str], statement: str, sqlstate: str,
        words: str) -> None:
    with psycopg.connect(ml_server.dsn(), autocommit=True) as conn:
        with pytest.raises(psycopg.Error) as err:
            conn.execute(statement)
        assert err.value.sqlstate == sqlstate, err.value
        assert words in str(err.value)
        assert conn.execute("SELECT 1").fetchone() == (1,)  # the session goes on


def test_pandas_make_df_route_fit_model_and_delete(ml_server: RunningServer,
                                                   trained: list[str]) -> None:
    from sqlalchemy import create_engine

    engine = create_engine(f"postgresql+psycopg://tester@{ml_server.host}:{ml_server.port}"
                           "/pixelsql")
    try:
        make_df(ml_server.data_dir / "images" / "test_set").to_sql(
            "test_df", engine, if_exists="replace", index=False)
    finally:
        engine.dispose()
    with psycopg.connect(ml_server.dsn(), autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM test_df").fetchone() == (16,)
        cur = conn.execute("FIT MODEL tuned USING my_image_classifier "
                           "OPTIONS (max_epochs=1, input_size=32) AS SELECT * FROM test_df")
        assert cur.statusmessage == "FIT MODEL"
        listed = [r[0] for r in conn.execute("LIST MODEL").fetchall()]
        assert listed == ["my_image_classifier", "tuned"]
        assert conn.execute("DROP MODEL tuned").statusmessage == "DROP MODEL"
        assert conn.execute("DROP MODEL IF EXISTS tuned").statusmessage == "DROP MODEL"
        assert not (ml_server.data_dir / "models" / "tuned").exists()
        assert [r[0] for r in conn.execute("LIST MODEL").fetchall()] == ["my_image_classifier"]


def test_print_image_returns_the_image_bytes(ml_server: RunningServer,
                                            trained: list[str]) -> None:
    with psycopg.connect(ml_server.dsn(), autocommit=True) as conn:
        rows = conn.execute(pgsql.SQL("PRINT IMAGE OPTIONS (image_col='image_path') "
                                      "AS SELECT image_path FROM cat_and_dog_test LIMIT 2")
                            ).fetchall()
    assert len(rows) == 2
    for path, data in rows:
        assert bytes(data) == Path(path).read_bytes()


def test_psql_runs_the_tutorial_script(tmp_path: Path,
                                       tmp_path_factory: pytest.TempPathFactory) -> None:
    data = tmp_path_factory.mktemp("psql-ml")
    write_tutorial_images(data / "images")
    script = tmp_path / "tutorial.sql"
    script.write_text(f"""\\set ON_ERROR_STOP on
COPY cat_and_dog_train OPTIONS (if_exists='replace') FROM 'training_set';
COPY cat_and_dog_test FROM 'test_set';
BUILD MODEL my_image_classifier
USING ConvNeXt_Tiny
OPTIONS (image_col='image_path', label_col='label', {TRAIN_OPTIONS})
AS SELECT * FROM cat_and_dog_train;
PREDICT USING my_image_classifier AS SELECT * FROM cat_and_dog_test ORDER BY image_path LIMIT 3;
EVALUATE USING my_image_classifier AS SELECT * FROM cat_and_dog_test;
LIST MODEL;
DELETE MODEL my_image_classifier;
""")
    srv = start_server(data)
    try:
        done = psql(srv.dsn(), "-f", str(script), timeout=240)
    finally:
        srv.stop()
    assert done.returncode == 0, done.stderr
    notices = [line for line in done.stderr.splitlines() if "NOTICE:" in line]
    assert any("epoch 2/2 done" in line for line in notices), done.stderr
    out = done.stdout
    for expected in ("COPY 40", "COPY 16", "BUILD MODEL", "(3 rows)", "accuracy",
                     "my_image_classifier | ConvNeXt_Tiny", "DROP MODEL"):
        assert expected in out, out
    assert "image_path" in out and "predicted" in out


def test_scalar_predict_for_bi_tools_agrees_with_predict(ml_server: RunningServer,
                                                         trained: list[str]) -> None:
    with psycopg.connect(ml_server.dsn(), autocommit=True) as conn:
        scalar = conn.execute("SELECT image_path, pixelsql_predict('my_image_classifier', "
                              "image_path) FROM cat_and_dog_test ORDER BY image_path").fetchall()
        table = conn.execute("SELECT image_path, predicted FROM (PREDICT USING "
                             "my_image_classifier AS SELECT * FROM cat_and_dog_test) "
                             "ORDER BY image_path").fetchall()
        assert scalar == table and len(scalar) == 16
        with pytest.raises(psycopg.Error, match="does not exist"):
            conn.execute("SELECT pixelsql_predict('nope', image_path) FROM cat_and_dog_test")


def test_model_catalog_is_browsable_with_psql(ml_server: RunningServer,
                                              trained: list[str]) -> None:
    listed = psql(ml_server.dsn(), "-c", r"\dt pixelsql_ml.*")
    assert listed.returncode == 0, listed.stderr
    assert "pixelsql_ml | models" in listed.stdout


def test_copy_loads_csv_files_and_predicts_on_bytea_images(ml_server: RunningServer,
                                                           trained: list[str]) -> None:
    (ml_server.data_dir / "files" / "labels.csv").write_text("id,label\n1,cats\n2,dogs\n")
    images = sorted((ml_server.data_dir / "images" / "test_set").rglob("*.png"))[::4]
    with psycopg.connect(ml_server.dsn(), autocommit=True) as conn:
        assert conn.execute("COPY labels OPTIONS (if_exists='replace') FROM 'labels.csv'"
                            ).statusmessage == "COPY 2"
        assert conn.execute("COPY labels OPTIONS (if_exists='append') FROM 'labels.csv'"
                            ).statusmessage == "COPY 2"
        assert conn.execute("SELECT count(*) FROM labels").fetchone() == (4,)
        with pytest.raises(psycopg.errors.DuplicateTable):
            conn.execute("COPY labels OPTIONS (if_exists='fail') FROM 'labels.csv'")
        conn.execute("CREATE OR REPLACE TABLE uploaded (image BLOB, label VARCHAR)")
        with conn.cursor() as cur:
            cur.executemany("INSERT INTO uploaded VALUES (%s, %s)",
                            [(p.read_bytes(), p.parent.name) for p in images]
                            + [(b"not an image", "cats")])
        rows = conn.execute("PREDICT USING my_image_classifier "
                            "AS SELECT label, image FROM uploaded").fetchall()
        assert [r[0] for r in rows] == [p.parent.name for p in images] + ["cats"]
        assert all(r[2] in CLASSES for r in rows[:-1]) and rows[-1][2] is None


def test_print_image_refuses_a_huge_file_without_reading_it(ml_server: RunningServer) -> None:
    huge = ml_server.data_dir / "images" / "huge.png"
    with open(huge, "wb") as out:
        out.truncate((64 << 20) + 1)  # sparse: one byte over the 64 MiB limit
    try:
        with psycopg.connect(ml_server.dsn(), autocommit=True) as conn:
            with pytest.raises(psycopg.Error) as err:
                conn.execute("PRINT IMAGE AS SELECT 'huge.png' AS image")
            assert err.value.sqlstate == "54000" and "larger than 64 MiB" in str(err.value)
    finally:
        huge.unlink()
