"""The notebook client (``pixelsql/``) against a real server.

The ``%thanosql`` magics run through IPython's real InteractiveShell (no mocks): several
statements per cell, placeholders bound as parameters, clean server errors, the progress bar
of BUILD MODEL fed by the server's notices, "interrupt kernel" (a real SIGINT) cancelling the
training job on the server, the PRINT IMAGE grid and the EVALUATE confusion matrix; the helpers
upload DataFrames and image folders. Finally ``examples/image_classification.ipynb`` is executed
headless with nbclient on a kernel running this venv's Python, and its outputs are checked.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd
import psycopg
import pytest
from IPython.core.interactiveshell import ExecutionResult, InteractiveShell
from IPython.utils.capture import CapturedIO, capture_output
from traitlets.config import Config

import pixelsql
from ml.testing import shape_image
from pixelsql.display import ImageFrame
from pixelsql.errors import ParameterError, ServerError, StatementCancelled
from pixelsql.progress import EpochDone, StepProgress, parse_progress
from pixelsql.sqltext import Placeholder, bind, namespace_lookup, placeholder, split
from tests.conftest import ROOT, RunningServer, start_server

pytestmark = [pytest.mark.integration, pytest.mark.slow]

NOTEBOOK = ROOT / "examples" / "image_classification.ipynb"
# Small and short: the magic tests check the plumbing, the notebook checks learning.
TRAIN = "max_epochs=2, input_size=32, learning_rate=1e-3, batch_size=8, max_steps_per_epoch=2"


# -- the client-side SQL text rules (no server) ----------------------------------------------------


@pytest.mark.parametrize(("cell", "statements"), [
    ("SELECT 1; SELECT 2", ["SELECT 1", "SELECT 2"]),
    ("SELECT 'a;b'; SELECT \"x;y\" FROM t;", ["SELECT 'a;b'", 'SELECT "x;y" FROM t']),
    ("SELECT $$;'$$, $q$;$q$ -- c;\n; /* ; /* ; */ */ SELECT E'\\';'",
     ["SELECT $$;'$$, $q$;$q$ -- c;", "/* ; /* ; */ */ SELECT E'\\';'"]),
    ("  ;; -- only a comment\n ; ", []),
    ("SELECT {'a': 1}; SELECT $1", ["SELECT {'a': 1}", "SELECT $1"]),
])
def test_split_respects_quotes_comments_and_dollar_quotes(cell: str,
                                                          statements: list[str]) -> None:
    assert [s.text for s in split(cell)] == statements


def test_bind_sends_values_as_parameters_but_inlines_options() -> None:
    names = {"label": "it's", "n": 3, "lr": 1e-3, "tbl": "public.pets", "flag": True}
    (stmt,) = split("PREDICT USING m OPTIONS (batch_size={n}, device={label}) AS "
                    "SELECT * FROM {tbl!i} WHERE label = {label} AND x < $n AND y = '{n}' "
                    "AND ok = {flag}")
    bound = bind(stmt, namespace_lookup(names), lambda c: c.as_string(None))
    assert bound.text == ("PREDICT USING m OPTIONS (batch_size=3, device='it''s') AS "
                          'SELECT * FROM "public"."pets" WHERE label = $1 AND x < $2 '
                          "AND y = '{n}' AND ok = $3")
    assert bound.params == ("it's", 3, True)
    assert placeholder(split("SELECT {a.b !l}")[0].tokens[1]) == Placeholder("a.b", "l")
    with pytest.raises(ParameterError, match="'missing' is not defined"):
        bind(split("SELECT {missing}")[0], namespace_lookup({}), str)


def test_progress_notices_parse_into_events() -> None:
    step = parse_progress("epoch 1/2 step 3/3: loss 0.7060, accuracy 0.833, 38.8 images/s, "
                          "ETA 1m05s")
    assert step == StepProgress(1, 2, 3, 3, 0.706, 0.833, 38.8, 65)
    done = parse_progress("epoch 1/2 done: loss 0.6818, accuracy 0.833, validation loss 0.8925 "
                          "accuracy 0.750 (best so far)")
    assert done == EpochDone(1, 2, 0.6818, 0.833, 0.8925, 0.75, True)
    assert parse_progress("job 7 started; follow it with SELECT …") is None


def test_the_client_never_imports_the_server_side() -> None:
    code = ("import sys, pixelsql, pixelsql.magics, pixelsql.tables; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'torch', 'torchvision', 'duckdb', 'engine', 'server', 'ml'}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT / "examples", check=True)
    assert done.stdout.strip() == "[]"


# -- a server and an IPython shell -----------------------------------------------------------------


def write_shapes(folder: Path, per_class: int = 12, seed: int = 0) -> None:
    """Red shapes in ``folder/red``, blue ones in ``folder/blue`` (32 px PNGs)."""
    for c, color in enumerate(("red", "blue")):
        (folder / color).mkdir(parents=True)
        for i in range(per_class):
            data = shape_image(color, 32, seed=seed + c * 1000 + i)
            (folder / color / f"{color}_{i}.png").write_bytes(data)


@pytest.fixture(scope="module")
def ml_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    data = tmp_path_factory.mktemp("notebook-data")
    write_shapes(data / "images" / "shapes")
    srv = start_server(data)
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def shell(ml_server: RunningServer) -> Iterator[InteractiveShell]:
    config = Config()
    config.HistoryManager.enabled = False
    sh = InteractiveShell.instance(config=config)
    sh.run_line_magic("load_ext", "pixelsql")
    result, out = run_cell(sh, f"%thanosql {ml_server.url()}")
    assert result.success and "Connected to tester@127.0.0.1" in out.stdout
    yield sh
    pixelsql.get_connection().close()
    InteractiveShell.clear_instance()


def run_cell(sh: InteractiveShell, code: str) -> tuple[ExecutionResult, CapturedIO]:
    with capture_output() as captured:
        result = sh.run_cell(code)
    return result, captured


def server_rows(server: RunningServer, query: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(server.dsn(), autocommit=True) as conn:
        return conn.execute(query).fetchall()


# -- magics: statements, results, parameters, errors -----------------------------------------------


def test_line_magic_result_is_a_dataframe(shell: InteractiveShell) -> None:
    result, _ = run_cell(shell, "df = %thanosql SELECT 1 AS a, 'x' AS b, NULL::BYTEA AS c")
    assert result.success
    df = shell.user_ns["df"]
    assert isinstance(df, pd.DataFrame) and list(df.columns) == ["a", "b", "c"]
    assert df.to_dict("records") == [{"a": 1, "b": "x", "c": None}]
    result, _ = run_cell(shell, "same = %pixelsql SELECT 1 AS a")
    assert result.success and shell.user_ns["same"]["a"].tolist() == [1]
    result, out = run_cell(shell, "%thanosql")
    assert result.result is None and out.stdout.startswith("Connected to tester@")


def test_cell_runs_every_statement_and_returns_the_last_result(shell: InteractiveShell) -> None:
    result, out = run_cell(shell, """%%thanosql
CREATE TABLE notes (id INT, body TEXT);  -- a comment; with a semicolon
INSERT INTO notes VALUES (1, 'a;b'), (2, $$it's; fine$$);  /* ; */
INSERT INTO notes VALUES (3, E'back\\\\slash');
SELECT * FROM notes ORDER BY id""")
    assert result.success, result.error_in_exec
    assert out.stdout.splitlines()[:3] == ["CREATE TABLE", "INSERT 0 2", "INSERT 0 1"]
    df = result.result
    assert isinstance(df, pd.DataFrame)
    assert df["body"].tolist() == ["a;b", "it's; fine", "back\\slash"]
    result, out = run_cell(shell, "%%thanosql -q\nDROP TABLE notes")
    assert result.success and result.result is None and out.stdout == ""


def test_placeholders_are_bound_as_parameters(shell: InteractiveShell) -> None:
    shell.user_ns.update(evil="x'); DROP TABLE people; --", blob=b"\x00\xff'", n=2,
                         table="people")
    result, _ = run_cell(shell, """%%thanosql -q
CREATE TABLE people (name TEXT, data BYTEA, n INT);
INSERT INTO people VALUES ({evil}, {blob}, $n), ('bob', NULL, {n} + 1)""")
    assert result.success, result.error_in_exec
    result, _ = run_cell(shell, "rows = %thanosql SELECT * FROM {table!i} WHERE name = $evil")
    assert result.success, result.error_in_exec
    assert shell.user_ns["rows"].to_dict("records") == [
        {"name": "x'); DROP TABLE people; --", "data": b"\x00\xff'", "n": 2}]
    # Inside a function the function's own variables are seen too.
    result, _ = run_cell(shell, "def count_above(limit):\n"
                                "    rows = %thanosql SELECT count(*) AS c FROM people "
                                "WHERE n > {limit}\n"
                                "    return rows\n"
                                "counted = count_above(2)")
    assert result.success, result.error_in_exec
    assert shell.user_ns["counted"]["c"].tolist() == [1]
    result, out = run_cell(shell, "%thanosql SELECT {nowhere}")
    assert isinstance(result.error_in_exec, ParameterError)
    assert "'nowhere' is not defined" in out.stdout and "Traceback" not in out.stdout


def test_server_errors_show_like_psql(shell: InteractiveShell) -> None:
    result, out = run_cell(shell, "%%thanosql\nSELECT 1;\nSELECT * FROM no_such_table")
    error = result.error_in_exec
    assert isinstance(error, ServerError) and error.sqlstate == "42P01"
    assert out.stdout.startswith('ERROR:  relation "no_such_table" does not exist (SQLSTATE '
                                 "42P01)")
    assert "statement 2 of 2" in out.stdout and "Traceback" not in out.stdout


# -- helpers ---------------------------------------------------------------------------------------


def test_upload_dataframe_round_trips_through_copy(shell: InteractiveShell) -> None:
    df = pd.DataFrame({
        "id": [1, 2, 3], "score": [0.5, float("nan"), -1.25],
        "text": ["plain", "it's\ttab\nnewline", None], "blob": [b"\x00\x01", None, b"'\\"],
        "ok": [True, False, True],
        "at": pd.to_datetime(["2024-01-02 03:04:05", None, "1999-12-31 00:00:00"]),
    })
    assert pixelsql.upload_dataframe(df, "uploaded") == 3
    back = pixelsql.run("SELECT * FROM uploaded ORDER BY id")
    assert back is not None and list(back.columns) == list(df.columns)
    assert back["text"].tolist()[:2] == ["plain", "it's\ttab\nnewline"]
    assert back["text"].isna().tolist() == [False, False, True]
    assert back["blob"].tolist() == [b"\x00\x01", None, b"'\\"]
    assert back["score"].isna().tolist() == [False, True, False]
    assert back["at"].isna().tolist() == [False, True, False]
    types = dict(server_rows_via_client("SELECT column_name, data_type FROM "
                                        "information_schema.columns WHERE table_name = 'uploaded'"))
    assert (types["id"], types["blob"], types["ok"]) == ("bigint", "bytea", "boolean")
    assert pixelsql.upload_dataframe(df, "uploaded", if_exists="append") == 3
    with pytest.raises(pixelsql.PixelSQLError, match="already exists"):
        pixelsql.upload_dataframe(df, "uploaded", if_exists="fail")
    count = pixelsql.run("SELECT count(*) AS n FROM uploaded")
    assert count is not None and count["n"].tolist() == [6]


def server_rows_via_client(query: str) -> list[tuple[Any, ...]]:
    return pixelsql.get_connection().execute(query).fetchall()


def test_image_folder_to_table_on_the_server_and_uploaded(shell: InteractiveShell,
                                                          ml_server: RunningServer,
                                                          tmp_path: Path) -> None:
    assert pixelsql.image_folder_to_table("shapes", "shapes") == 24
    rows = server_rows(ml_server, "SELECT label, count(*) FROM shapes GROUP BY label ORDER BY 1")
    assert rows == [("blue", 12), ("red", 12)]
    write_shapes(tmp_path / "local", per_class=3, seed=500)  # not under any image root
    flat = tmp_path / "flat"
    flat.mkdir()
    (flat / "cat.1.png").write_bytes(shape_image("red", 32, seed=1))
    (flat / "dog_2.png").write_bytes(shape_image("blue", 32, seed=2))
    assert pixelsql.image_folder_to_table(tmp_path / "local", "local_shapes", upload=True) == 6
    assert pixelsql.image_folder_to_table(flat, "flat_shapes", upload=True) == 2
    uploaded = pixelsql.run("SELECT * FROM local_shapes ORDER BY file_name")
    assert uploaded is not None and list(uploaded.columns) == ["image", "label", "file_name"]
    first = uploaded.iloc[0]
    assert first["image"] == (tmp_path / "local" / first["file_name"]).read_bytes()
    assert sorted(set(uploaded["label"])) == ["blue", "red"]
    flat_rows = pixelsql.run("SELECT label, file_name FROM flat_shapes ORDER BY label")
    assert flat_rows is not None
    assert flat_rows.values.tolist() == [["cat", "cat.1.png"], ["dog", "dog_2.png"]]


# -- magics: training, images, confusion matrix, cancel ------------------------------------------


@pytest.fixture(scope="module")
def trained(shell: InteractiveShell) -> CapturedIO:
    """BUILD MODEL through the magic; what it printed (stdout) and drew (stderr)."""
    result, out = run_cell(shell, "%thanosql -q COPY shapes_train OPTIONS (if_exists='replace') "
                                  "FROM 'shapes'")
    assert result.success, result.error_in_exec
    result, out = run_cell(shell, f"%thanosql BUILD MODEL shapes_model USING ConvNeXt_Tiny "
                                  f"OPTIONS ({TRAIN}) AS SELECT * FROM shapes_train")
    assert result.success, result.error_in_exec
    return out


def test_build_model_draws_a_progress_bar(trained: CapturedIO) -> None:
    assert "training epoch 2/2" in trained.stderr and "100%" in trained.stderr
    assert re.search(r"loss \d\.\d{4}, acc \d\.\d{3}, [\d.]+ img/s, ETA (\d+h)?\d+m\d\ds",
                     trained.stderr)
    epochs = [line for line in trained.stdout.splitlines() if " done: " in line]
    assert [line.split()[1] for line in epochs] == ["1/2", "2/2"]
    assert trained.stdout.rstrip().endswith("BUILD MODEL")
    # step notices feed the bar instead of being printed
    assert not [line for line in trained.stdout.splitlines() if " step " in line]


def test_evaluate_with_confusion_matrix(shell: InteractiveShell, trained: CapturedIO) -> None:
    result, out = run_cell(shell, "scores = %thanosql --confusion EVALUATE USING shapes_model "
                                  "AS SELECT * FROM shapes_train")
    assert result.success, result.error_in_exec
    scores = shell.user_ns["scores"]
    assert list(scores.columns) == ["metric", "score"] and "accuracy" in set(scores["metric"])
    matrix = scores.attrs["confusion_matrix"]
    assert list(matrix.index) == list(matrix.columns) == ["blue", "red"]
    assert int(matrix.to_numpy().sum()) == 24
    accuracy = dict(zip(scores["metric"], scores["score"], strict=True))["accuracy"]
    assert int(matrix.to_numpy().trace()) == round(accuracy * 24)
    assert [o for o in out.outputs if "image/png" in o.data]  # the plot
    result, _ = run_cell(shell, "p = %thanosql --confusion PREDICT USING shapes_model "
                                "OPTIONS (result_col='guess') AS SELECT * FROM shapes_train")
    assert result.success, result.error_in_exec
    assert shell.user_ns["p"].attrs["confusion_matrix"].equals(matrix)


def test_print_image_renders_a_captioned_grid(shell: InteractiveShell,
                                              ml_server: RunningServer,
                                              trained: CapturedIO) -> None:
    result, _ = run_cell(shell, "grid = %thanosql PRINT IMAGE AS SELECT * FROM "
                                "(PREDICT USING shapes_model AS SELECT * FROM shapes_train) "
                                "ORDER BY image_path LIMIT 4")
    assert result.success, result.error_in_exec
    grid = shell.user_ns["grid"]
    assert isinstance(grid, ImageFrame) and isinstance(grid, pd.DataFrame)
    assert list(grid.columns) == ["image_path", "label", "predicted", "image_data"]
    assert grid["image_data"][0] == Path(grid["image_path"][0]).read_bytes()
    html = shell.display_formatter.format(grid)[0]["text/html"]
    assert html.count('<img src="data:image/png;base64,') == 4
    assert "<b>label</b>: blue" in html and "<b>predicted</b>:" in html
    assert Path(grid["image_path"][0]).name in html


def test_interrupt_cancels_the_training_job(shell: InteractiveShell, ml_server: RunningServer,
                                            trained: CapturedIO) -> None:
    seen: list[object] = []  # the job's (state, loss) while waiting, for the failure message

    def interrupt_once_training_runs() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            rows = server_rows(ml_server, "SELECT state, loss FROM pixelsql_ml.jobs WHERE "
                                          "model = 'long_model'")
            if not seen or seen[-1] != rows:
                seen.append(rows)
            if rows and rows[0][0] == "running" and rows[0][1] is not None:
                # a step done: the bar has something to show
                os.kill(os.getpid(), signal.SIGINT)  # what Jupyter's "interrupt kernel" sends
                return
            time.sleep(0.1)
        seen.append("gave up after 60 s")
        os.kill(os.getpid(), signal.SIGINT)  # end the cell all the same: the test fails below

    # A kernel takes SIGINT as KeyboardInterrupt; a test process started in the background by
    # a non-interactive shell ignores it (POSIX), and Python then installs no handler.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    interrupter = threading.Thread(target=interrupt_once_training_runs, daemon=True)
    interrupter.start()
    started = time.monotonic()
    try:
        result, out = run_cell(shell, "%thanosql BUILD MODEL long_model USING ConvNeXt_Tiny "
                                      "OPTIONS (max_epochs=500, input_size=32, batch_size=4) "
                                      "AS SELECT * FROM shapes_train")
    finally:
        signal.signal(signal.SIGINT, previous)
    interrupter.join()
    assert seen[-1] != "gave up after 60 s", f"the job never ran a step: {seen}"
    assert isinstance(result.error_in_exec, StatementCancelled)
    assert time.monotonic() - started < 60
    assert "StatementCancelled: interrupted; the server cancelled [BUILD MODEL long_model" \
        in out.stdout and "Traceback" not in out.stdout
    assert "training epoch 1/500" in out.stderr
    assert server_rows(ml_server, "SELECT state FROM pixelsql_ml.jobs "
                                  "WHERE model = 'long_model'") == [("cancelled",)]
    result, _ = run_cell(shell, "after = %thanosql SELECT 42 AS answer")
    assert result.success and shell.user_ns["after"]["answer"].tolist() == [42]


# -- the example notebook --------------------------------------------------------------------------


def python3_kernel_spec(folder: Path) -> Path:
    """A ``python3`` kernelspec running this interpreter (the venv's), whatever is installed
    in the user's Jupyter folders."""
    spec = folder / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (PixelSQL venv)", "language": "python"}))
    return folder


def cell_text(cell: Any) -> str:
    """Everything a code cell printed or displayed, as text."""
    parts: list[str] = []
    for output in cell.get("outputs", []):
        if output["output_type"] == "stream":
            parts.append(output["text"])
        for mime in ("text/plain", "text/html"):
            parts.append(str(output.get("data", {}).get(mime, "")))
    return "\n".join(parts)


def find_cell(nb: Any, source_part: str) -> Any:
    return next(c for c in nb.cells if c.cell_type == "code" and source_part in c.source)


def test_example_notebook_runs_headless(ml_server: RunningServer, tmp_path: Path) -> None:
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    nb = nbformat.read(NOTEBOOK, as_version=4)
    specs = KernelSpecManager(kernel_dirs=[str(python3_kernel_spec(tmp_path / "kernels"))])
    km = KernelManager(kernel_name="python3", kernel_spec_manager=specs,
                       connection_file=str(tmp_path / "kernel-connection.json"))
    client = NotebookClient(nb, km=km, timeout=240, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}})
    env = {**os.environ, "PIXELSQL_DSN": ml_server.url(),
           "PIXELSQL_IMAGE_ROOT": str(ml_server.data_dir / "images")}
    client.execute(env=env)

    errors = [o for c in nb.cells for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert not errors, errors
    assert "Connected to tester@" in cell_text(find_cell(nb, "--connect $DSN"))
    copied = cell_text(find_cell(nb, "image_folder_to_table(dataset"))
    assert copied.split() == ["40", "16"]
    assert "epoch 2/2 done" in cell_text(find_cell(nb, "BUILD MODEL my_image_classifier"))
    predicted = cell_text(find_cell(nb, "test_result = %thanosql"))
    assert "(16, 3) ['image_path', 'label', 'predicted']" in predicted
    accuracy = re.search(r"test accuracy: ([\d.]+)", cell_text(find_cell(nb, "test_accuracy")))
    assert accuracy is not None and float(accuracy.group(1)) >= 0.75
    grid = cell_text(find_cell(nb, "PRINT IMAGE\nAS SELECT * FROM (PREDICT"))
    assert grid.count("<img src=\"data:image/png;base64,") == 8
    evaluate = find_cell(nb, "--confusion")
    assert any("image/png" in o.get("data", {}) for o in evaluate.outputs)
    assert "macro_f1" in cell_text(evaluate)
    assert "my_image_classifier" in cell_text(find_cell(nb, "LIST MODEL"))
