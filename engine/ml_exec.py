"""Running the ThanoSQL statements: the bridge from SQL sessions to the ML worker pool.

``MLService`` (one per server, hung on the ``Database``) owns the model catalog table
``pixelsql_ml.models``, the model artifact directories (``<data>/models/<name>``), the image roots
and the ``WorkerPool``. A session hands it a parsed command (``engine.thanosql``); it runs the
command's AS query on the session's own cursor, checks the options and columns, sends a job
to a worker (the server process never imports torch), relays progress as NOTICEs while the job
runs, and turns the answer into an ordinary result:

* PREDICT / EVALUATE / PRINT IMAGE / LIST MODEL produce an Arrow table, registered on the
  session's DuckDB connection under a private name and then read with a plain
  ``SELECT * FROM <name>``, so types, row limits, binary format and cursors behave exactly like
  any query; ``(PREDICT …)`` inside another statement is replaced by that name the same way.
* BUILD / FIT / DELETE MODEL and COPY of an image folder complete with a command tag.

Catalog rows are written on a connection of their own (autocommit), so a model that finished
training is recorded even when the client's transaction later rolls back.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa

from engine.arithmetic import TRAILING_ZEROS, unconstrained
from engine.errors import SqlError, SqlState, UdfError
from engine.layout import FILES_DIR, MODELS_DIR
from engine.results import Column
from engine.thanosql import (
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
)
from ml.errors import MLError, PathOutsideRootsError
from ml.jobs import PredictJob, PredictOutcome, Progress, TrainJob, TrainOutcome
from ml.pool import WorkerPool
from ml.roots import ImageFileTooLargeError, ImageRoots, read_image_file

if TYPE_CHECKING:
    from engine.session import Session

log = logging.getLogger("pixelsql.ml")

CATALOG_SCHEMA = "pixelsql_ml"  # (a schema named "pixelsql" would clash with the database)
MODELS_TABLE = f"{CATALOG_SCHEMA}.models"
JOBS_TABLE = f"{CATALOG_SCHEMA}.jobs"
SCALAR_PREDICT = "pixelsql_predict"
DELETE_WAIT_S = 60.0  # DELETE MODEL of a model in training: how long to wait for the cancel
MIN_IMAGES_PER_PART = 256  # a PREDICT is split across workers only in parts at least this big
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".tif", ".tiff"})
MAX_FOLDER_IMAGES = 1_000_000
MAX_PRINT_IMAGES = 1000
MAX_PRINT_BYTES = 64 << 20

ASYNC_COLUMNS = (Column("job_id", "BIGINT"), Column("model", "VARCHAR"),
                 Column("state", "VARCHAR"))
LIST_COLUMNS = (
    Column("name", "VARCHAR"), Column("class_name", "VARCHAR"),
    Column("last_updated_utc", "TIMESTAMP"), Column("status", "VARCHAR"),
    Column("accuracy", "DOUBLE"), Column("classes", "VARCHAR[]"),
    Column("created_utc", "TIMESTAMP"), Column("error", "VARCHAR"),
)

# The base models a BUILD MODEL may name (ml.models' registry, spelled for messages). The
# worker checks again; this list gives the user the error before any data is read.
KNOWN_BASES = ("ConvNeXt_Tiny", "ConvNeXt_Base", "EfficientNetV2S", "EfficientNetV2M")


# -- options ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OptionSpec:
    kind: type
    choices: tuple[str, ...] = ()
    alias_of: str | None = None
    bool_as: tuple[str, str] | None = None  # a str option that also takes true / false


# compile = 'auto' | true | false ('on' / 'off' too): torch.compile where it pays (ml.compiling)
_COMPILE = OptionSpec(str, ("auto", "on", "off"), bool_as=("on", "off"))


_TRAIN_OPTIONS: dict[str, OptionSpec] = {
    "image_col": OptionSpec(str), "label_col": OptionSpec(str), "overwrite": OptionSpec(bool),
    "batch_size": OptionSpec(int), "max_epochs": OptionSpec(int),
    "epochs": OptionSpec(int, alias_of="max_epochs"), "learning_rate": OptionSpec(float),
    "input_size": OptionSpec(int), "color": OptionSpec(str, ("RGB", "GRAY")),
    "weight_decay": OptionSpec(float), "label_smoothing": OptionSpec(float),
    "warmup_fraction": OptionSpec(float), "validation_split": OptionSpec(float),
    "seed": OptionSpec(int), "patience": OptionSpec(int),
    "max_failure_fraction": OptionSpec(float), "weights": OptionSpec(str),
    "use_pretrained": OptionSpec(bool), "device": OptionSpec(str),
    "decode": OptionSpec(str, ("pil", "device", "workers")),
    "max_steps_per_epoch": OptionSpec(int), "async": OptionSpec(bool), "gpus": OptionSpec(int),
    "compile": _COMPILE,
}
_PREDICT_OPTIONS: dict[str, OptionSpec] = {
    "image_col": OptionSpec(str), "result_col": OptionSpec(str),
    "probability": OptionSpec(bool), "batch_size": OptionSpec(int), "device": OptionSpec(str),
    "compile": _COMPILE,
}
_EVALUATE_OPTIONS: dict[str, OptionSpec] = {
    "image_col": OptionSpec(str), "label_col": OptionSpec(str), "batch_size": OptionSpec(int),
    "device": OptionSpec(str), "compile": _COMPILE,
}
_PRINT_OPTIONS: dict[str, OptionSpec] = {"image_col": OptionSpec(str)}
_COPY_OPTIONS: dict[str, OptionSpec] = {
    "if_exists": OptionSpec(str, ("fail", "replace", "append")),
}
# Options the engine itself uses; the rest go to the trainer.
_STATEMENT_OPTIONS = frozenset({"image_col", "label_col", "overwrite", "async"})

_TYPE_NAMES = {int: "an integer", float: "a number", str: "a string", bool: "true or false"}


def check_options(options: Options, specs: dict[str, OptionSpec],
                  statement: str) -> dict[str, OptionValue]:
    """Options with aliases resolved and types checked; 22023 errors point at the option."""
    out: dict[str, OptionValue] = {}
    for key, value in options.values.items():
        position = options.positions.get(key)
        spec = specs.get(key)
        if spec is None:
            raise SqlError(SqlState.INVALID_PARAMETER_VALUE,
                           f'unrecognized option "{key}" for {statement}',
                           hint="valid options: " + ", ".join(sorted(specs)), position=position)
        if value is not None:
            value = _coerce(key, value, spec, position)
        out[spec.alias_of or key] = value
    return out


def _coerce(key: str, value: OptionValue, spec: OptionSpec, position: int | None) -> OptionValue:
    if spec.bool_as is not None and isinstance(value, bool):
        value = spec.bool_as[0] if value else spec.bool_as[1]
    ok = ((isinstance(value, spec.kind) and not (spec.kind is int and isinstance(value, bool)))
          or (spec.kind is float and isinstance(value, int) and not isinstance(value, bool)))
    if not ok:
        wanted = (f"true, false or one of {', '.join(spec.choices)}" if spec.bool_as
                  else _TYPE_NAMES[spec.kind])
        raise SqlError(SqlState.INVALID_PARAMETER_VALUE,
                       f'option "{key}" must be {wanted}, got {value!r}', position=position)
    if spec.kind is float:
        value = float(value)  # type: ignore[arg-type]
    if spec.choices:
        match = next((c for c in spec.choices if c.lower() == str(value).lower()), None)
        if match is None:
            raise SqlError(SqlState.INVALID_PARAMETER_VALUE,
                           f'option "{key}" must be one of {", ".join(spec.choices)}, '
                           f"got {value!r}", position=position)
        value = match
    return value


# -- the service -----------------------------------------------------------------------------------


class MLService:
    """Model catalog, artifacts, image roots and worker pool of one server."""

    def __init__(self, con: duckdb.DuckDBPyConnection, data_dir: Path,
                 image_roots: Sequence[Path], pool: WorkerPool, *,
                 max_predict_rows: int = 1_000_000) -> None:
        self.max_predict_rows = max_predict_rows
        self.models_dir = data_dir / MODELS_DIR
        self.roots = ImageRoots.of(*image_roots)
        # COPY … FROM 'file.csv' may also read the SQL files folder (as DuckDB's COPY may).
        self.copy_roots = ImageRoots.of(*image_roots, data_dir / FILES_DIR)
        self.pool = pool
        self._con = con.cursor()  # catalog writes: autocommit, apart from client transactions
        self._lock = threading.Lock()
        self._cancels: dict[int, threading.Event] = {}  # running job id → its cancel flag
        self._job_models: dict[int, str] = {}  # running job id → the model it writes
        self._install()
        # The scalar form for BI tools: SELECT image, pixelsql_predict('model', image) FROM t.
        # (DuckDB keeps functions per database instance, so every session sees it.)
        varchar = duckdb.sqltype("VARCHAR")
        self._con.create_function(SCALAR_PREDICT, self._scalar_predict,  # type: ignore[call-overload]
                                  [varchar, varchar], varchar, type="arrow")

    def _install(self) -> None:
        self._con.execute(f"CREATE SCHEMA IF NOT EXISTS {CATALOG_SCHEMA}")
        self._con.execute(f"""
            CREATE TABLE IF NOT EXISTS {MODELS_TABLE} (
                name VARCHAR PRIMARY KEY, base VARCHAR NOT NULL, classes VARCHAR[],
                options VARCHAR, metrics VARCHAR, status VARCHAR NOT NULL,
                accuracy DOUBLE, created_utc TIMESTAMP, last_updated_utc TIMESTAMP,
                artifact_bytes BIGINT, error VARCHAR)""")
        self._con.execute(f"CREATE SEQUENCE IF NOT EXISTS {CATALOG_SCHEMA}.job_ids")
        self._con.execute(f"""
            CREATE TABLE IF NOT EXISTS {JOBS_TABLE} (
                id BIGINT PRIMARY KEY, kind VARCHAR NOT NULL, model VARCHAR,
                state VARCHAR NOT NULL, progress DOUBLE, epoch INTEGER, loss DOUBLE,
                accuracy DOUBLE, images_per_s DOUBLE, eta_s DOUBLE, metrics VARCHAR,
                error VARCHAR, worker INTEGER, device VARCHAR, user_name VARCHAR,
                created_utc TIMESTAMP, started_utc TIMESTAMP, finished_utc TIMESTAMP)""")
        # A server that died mid-job left 'training' models and 'running' jobs behind: they
        # will never finish. Say so rather than show them running forever.
        self._con.execute(f"""UPDATE {MODELS_TABLE} SET status = 'failed',
            error = 'the server stopped while the model was training'
            WHERE status = 'training'""")
        self._con.execute(f"""UPDATE {JOBS_TABLE} SET state = 'failed',
            error = 'the server stopped while the job ran', finished_utc = now()
            WHERE state IN ('queued', 'running')""")
        self._repair_artifacts()

    def _repair_artifacts(self) -> None:
        """Make the catalog and the model directories agree after a crash.

        ``save_model`` writes into ``.<name>.tmp-*`` and renames; a crash can leave such a
        directory (or a ``.<name>.old-*`` one) behind: they are removed. A ready model whose
        directory is gone is marked ``missing`` rather than failing at its next PREDICT.
        """
        if self.models_dir.is_dir():
            for leftover in self.models_dir.iterdir():
                if leftover.name.startswith(".") and (".tmp-" in leftover.name
                                                      or ".old-" in leftover.name):
                    shutil.rmtree(leftover, ignore_errors=True)
        rows = self._con.execute(f"SELECT name FROM {MODELS_TABLE} WHERE status = 'ready'"
                                 ).fetchall()
        for (name,) in rows:
            if not (self.models_dir / name / "weights.pt").is_file():
                self._con.execute(
                    f"UPDATE {MODELS_TABLE} SET status = 'missing', error = ? WHERE name = ?",
                    [f"its files are gone from {self.models_dir / name}", name])

    def close(self) -> None:
        self.pool.close()
        self._con.close()

    # -- dispatch ------------------------------------------------------------------------------

    def execute(self, session: Session, command: Command,
                params: Sequence[object] = ()) -> tuple[str, pa.Table | None, list[SqlError]]:
        """Run ``command``: (command tag, result table or None, notices)."""
        notices: list[SqlError] = []
        session.cancel_requested = False
        try:
            if isinstance(command, BuildModel | FitModel):
                trained = self._train(session, command, params, notices)
                if isinstance(trained, pa.Table):
                    return "SELECT", trained, notices
                return trained, None, notices
            if isinstance(command, CancelJob):
                return self._cancel_job(command.job_id), None, notices
            if isinstance(command, DeleteModel):
                return self._delete(command), None, notices
            if isinstance(command, CopyFrom):
                return self._copy(session, command, notices), None, notices
            return "SELECT", self.query_table(session, command, params, notices), notices
        except MLError as exc:
            raise SqlError(exc.sqlstate, str(exc)) from exc

    def query_table(self, session: Session, command: Command, params: Sequence[object],
                    notices: list[SqlError]) -> pa.Table:
        """The rows of a PREDICT / EVALUATE / PRINT IMAGE / LIST MODEL."""
        if isinstance(command, Predict):
            return self._predict(session, command, params, notices)
        if isinstance(command, Evaluate):
            return self._evaluate(session, command, params, notices)
        if isinstance(command, PrintImage):
            return self._print_image(session, command, params)
        if isinstance(command, ListModels):
            return self._list()
        raise SqlError(SqlState.FEATURE_NOT_SUPPORTED, f"{type(command).__name__} returns no rows")

    def result_columns(self, session: Session, command: Command) -> tuple[Column, ...] | None:
        """The columns ``command`` returns, without running it (Describe); None: no rows."""
        if isinstance(command, BuildModel | FitModel):
            if check_options(command.options, _TRAIN_OPTIONS, "BUILD MODEL").get("async"):
                return ASYNC_COLUMNS
            return None
        if isinstance(command, DeleteModel | CopyFrom | CancelJob):
            return None
        if isinstance(command, Evaluate):
            return (Column("metric", "VARCHAR"), Column("score", "DOUBLE"))
        if isinstance(command, ListModels):
            return LIST_COLUMNS
        assert isinstance(command, Predict | PrintImage)
        columns = list(session.describe_query(command.query))
        if isinstance(command, Predict):
            opts = check_options(command.options, _PREDICT_OPTIONS, "PREDICT")
            columns.append(Column(str(opts.get("result_col") or "predicted"), "VARCHAR"))
            if opts.get("probability"):
                columns.append(Column("probability", "DOUBLE"))
        else:
            columns.append(Column("image_data", "BLOB"))
        return tuple(columns)

    # -- catalog -------------------------------------------------------------------------------

    def model_row(self, name: str) -> dict[str, Any] | None:
        with self._lock:
            cur = self._con.execute(f"SELECT * FROM {MODELS_TABLE} WHERE name = ?", [name])
            rows = cur.fetchall()  # all: DuckDB refuses the next statement after a partial fetch
            names = [d[0] for d in cur.description or []]
        return dict(zip(names, rows[0], strict=True)) if rows else None

    def _check_gpus(self, gpus: OptionValue | None, position: int | None) -> None:
        """``OPTIONS (gpus=N)``: at least 1 and no more than the GPUs the workers use."""
        if gpus is None:
            return
        have = self.pool.gpu_count
        if not isinstance(gpus, int) or gpus < 1:
            problem = "gpus must be at least 1"
        elif have == 0:
            problem = "gpus needs GPUs, but this server's ML workers run on the CPU"
        elif have is not None and gpus > have:
            problem = f"gpus={gpus}, but the server has {have} GPUs"
        else:
            return
        raise SqlError(SqlState.INVALID_PARAMETER_VALUE, problem, position=position)

    def _ready_model(self, name: str) -> dict[str, Any]:
        row = self.model_row(name)
        if row is None:
            raise SqlError(SqlState.UNDEFINED_OBJECT, f'model "{name}" does not exist',
                           hint="LIST MODEL shows the models there are")
        if row["status"] != "ready":
            raise SqlError(SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE,
                           f'model "{name}" is not ready (status {row["status"]})')
        return row

    def _write_row(self, sql: str, args: list[Any]) -> None:
        with self._lock:
            self._con.execute(sql, args)

    def _list(self) -> pa.Table:
        names = ", ".join(c.name for c in LIST_COLUMNS)
        with self._lock:
            return _arrow(self._con, f"""
                SELECT {names} FROM (SELECT *, base AS class_name FROM {MODELS_TABLE})
                ORDER BY name""")

    # -- BUILD / FIT MODEL -----------------------------------------------------------------------

    def _train(self, session: Session, command: BuildModel | FitModel,
               params: Sequence[object], notices: list[SqlError]) -> str | pa.Table:
        """BUILD / FIT MODEL: the command tag, or with async=True a row (job_id, model,
        state) returned at once while the job goes on in the background."""
        statement = "BUILD MODEL" if isinstance(command, BuildModel) else "FIT MODEL"
        opts = check_options(command.options, _TRAIN_OPTIONS, statement)
        name = command.name  # the parser lowercased it unless it was double-quoted
        init_dir: str | None = None
        if isinstance(command, FitModel):
            source = self._ready_model(command.existing)
            base, init_dir = str(source["base"]), str(self.models_dir / command.existing)
        else:
            base = _known_base(command.base)
        self._check_gpus(opts.get("gpus"), command.options.positions.get("gpus"))
        existing = self.model_row(name)
        if existing is not None and not opts.get("overwrite"):
            raise SqlError(SqlState.DUPLICATE_OBJECT, f'model "{name}" already exists',
                           hint="add OPTIONS (overwrite=True) to replace it")
        if existing is not None and existing["status"] == "training":
            raise SqlError(SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE,
                           f'model "{name}" is being trained by another job')
        table = self._run_query(session, command.query, command.query_position, params)
        if table.num_rows == 0:
            raise SqlError(SqlState.INVALID_PARAMETER_VALUE,
                           f"the training query of {statement} returned no rows")
        image_col = _image_column(table, opts.get("image_col"), command.query_position)
        label_col = _column(table, str(opts.get("label_col") or "label"), "label")
        refs, keep = _image_refs(table.column(image_col).to_pylist())
        labels = _label_values(table.column(label_col))
        labels = [labels[i] for i in keep]
        if len(keep) < table.num_rows:
            notices.append(_notice(f"{table.num_rows - len(keep)} rows with a NULL "
                                   f"{image_col} were ignored"))
        train_options = {k: v for k, v in opts.items()
                         if k not in _STATEMENT_OPTIONS and v is not None}
        now = _utc_now()
        self._write_row(
            f"""INSERT OR REPLACE INTO {MODELS_TABLE} (name, base, classes, options, metrics,
                status, accuracy, created_utc, last_updated_utc, artifact_bytes, error)
                VALUES (?, ?, ?, ?, ?, 'training', ?, ?, ?, ?, NULL)""",
            [name, base, existing["classes"] if existing else None,
             json.dumps(opts), existing["metrics"] if existing else None,
             existing["accuracy"] if existing else None,
             existing["created_utc"] if existing else now, now,
             existing["artifact_bytes"] if existing else None])
        job = TrainJob(str(self.models_dir / name), base, refs, labels,
                       tuple(str(r) for r in self.roots.roots), train_options, init_dir)
        job_id = self._new_job("train", name, session.user)

        def done(outcome: TrainOutcome | PredictOutcome) -> None:
            assert isinstance(outcome, TrainOutcome)
            self._training_done(name, outcome, image_col, label_col)

        def run() -> TrainOutcome:
            try:
                outcome = self._run_job(session, job, job_id, background=bool(opts.get("async")),
                                        on_success=done)
            except BaseException as exc:
                self._training_failed(name, existing, exc)
                raise
            assert isinstance(outcome, TrainOutcome)
            return outcome

        if opts.get("async"):
            threading.Thread(target=_quietly(run), name=f"ml-job-{job_id}", daemon=True).start()
            notices.append(_notice(f"job {job_id} started; follow it with SELECT * FROM "
                                   f"{JOBS_TABLE} WHERE id = {job_id}"))
            return pa.table({"job_id": pa.array([job_id], pa.int64()),
                             "model": pa.array([name], pa.string()),
                             "state": pa.array(["started"], pa.string())})
        outcome = run()
        notices.extend(_notice(n) for n in outcome.notices)
        return statement

    def _training_done(self, name: str, outcome: TrainOutcome, image_col: str,
                       label_col: str) -> None:
        metrics = outcome.metrics
        accuracy = metrics.get("val_accuracy")
        if accuracy is None:
            accuracy = metrics.get("train_accuracy")
        options = {"image_col": image_col, "label_col": label_col, **outcome.options}
        self._write_row(
            f"""UPDATE {MODELS_TABLE} SET base = ?, classes = ?, options = ?, metrics = ?,
                status = 'ready', accuracy = ?, last_updated_utc = ?, artifact_bytes = ?,
                error = NULL WHERE name = ?""",
            [outcome.base, outcome.classes, json.dumps(options, default=str),
             json.dumps(metrics, default=str), accuracy, _utc_now(), outcome.artifact_bytes,
             name])

    def _training_failed(self, name: str, existing: dict[str, Any] | None,
                         exc: BaseException) -> None:
        if existing is None:
            self._write_row(f"DELETE FROM {MODELS_TABLE} WHERE name = ?", [name])
        else:  # the old model is untouched on disk: it stays usable
            self._write_row(f"UPDATE {MODELS_TABLE} SET status = ?, error = ? WHERE name = ?",
                            [existing["status"], f"last retraining failed: {exc}", name])

    # -- PREDICT / EVALUATE --------------------------------------------------------------------

    def _predict(self, session: Session, command: Predict, params: Sequence[object],
                 notices: list[SqlError]) -> pa.Table:
        opts = check_options(command.options, _PREDICT_OPTIONS, "PREDICT")
        self._ready_model(command.model)
        table = self._run_query(session, command.query, command.query_position, params)
        result_col = str(opts.get("result_col") or "predicted")
        if result_col in table.column_names:
            raise SqlError(SqlState.DUPLICATE_COLUMN,
                           f'column "{result_col}" already exists in the query',
                           hint="choose another name with OPTIONS (result_col='…')")
        labels: list[str | None] = [None] * table.num_rows
        probs: list[float | None] = [None] * table.num_rows
        if table.num_rows:
            image_col = _image_column(table, opts.get("image_col"), command.query_position)
            refs, keep = _image_refs(table.column(image_col).to_pylist())
            if refs:
                outcome = self._predict_spread(session, command.model, refs, opts)
                for j, i in enumerate(keep):
                    labels[i], probs[i] = outcome.labels[j], outcome.probabilities[j]
                _failure_notice(outcome, keep, notices)
        table = table.append_column(result_col, pa.array(labels, pa.string()))
        if opts.get("probability"):
            table = table.append_column("probability", pa.array(probs, pa.float64()))
        return table

    def _predict_spread(self, session: Session, model: str, refs: list[str | bytes],
                        opts: dict[str, OptionValue]) -> PredictOutcome:
        """Predict ``refs``, split across the pool's idle workers when there are several and
        enough images (each part is a job of its own); the parts come back in order. Only
        workers already running count: starting one (torch, CUDA, the model) takes longer
        than a PREDICT of this size, and would take it from a job that needs it."""
        parts = max(1, min(self.pool.idle_workers, len(refs) // MIN_IMAGES_PER_PART))
        size = -(-len(refs) // parts)
        chunks = [refs[i:i + size] for i in range(0, len(refs), size)]

        def run(chunk: list[str | bytes]) -> PredictOutcome:
            outcome = self._run_job(session, PredictJob(
                str(self.models_dir / model), chunk, tuple(str(r) for r in self.roots.roots),
                batch_size=_opt_int(opts, "batch_size"), device=_opt_str(opts, "device"),
                compile=_opt_str(opts, "compile")),
                self._new_job("predict", model, session.user))
            assert isinstance(outcome, PredictOutcome)
            return outcome

        if len(chunks) == 1:
            return run(chunks[0])
        with ThreadPoolExecutor(len(chunks), thread_name_prefix="predict-part") as executor:
            outcomes = list(executor.map(run, chunks))
        return PredictOutcome(
            [label for o in outcomes for label in o.labels],
            [p for o in outcomes for p in o.probabilities],
            [e for o in outcomes for e in o.errors])

    def _evaluate(self, session: Session, command: Evaluate, params: Sequence[object],
                  notices: list[SqlError]) -> pa.Table:
        opts = check_options(command.options, _EVALUATE_OPTIONS, "EVALUATE")
        self._ready_model(command.model)
        table = self._run_query(session, command.query, command.query_position, params)
        if table.num_rows == 0:
            raise SqlError(SqlState.INVALID_PARAMETER_VALUE,
                           "the query of EVALUATE returned no rows")
        image_col = _image_column(table, opts.get("image_col"), command.query_position)
        label_col = _column(table, str(opts.get("label_col") or "label"), "label")
        refs, keep = _image_refs(table.column(image_col).to_pylist())
        all_labels = _label_values(table.column(label_col))
        outcome = self._run_job(session, PredictJob(
            str(self.models_dir / command.model), refs, tuple(str(r) for r in self.roots.roots),
            labels=[all_labels[i] for i in keep], batch_size=_opt_int(opts, "batch_size"),
            device=_opt_str(opts, "device"), compile=_opt_str(opts, "compile")),
            self._new_job("evaluate", command.model, session.user))
        assert isinstance(outcome, PredictOutcome) and outcome.metrics is not None
        _failure_notice(outcome, keep, notices)
        m = outcome.metrics
        rows = [("accuracy", m["accuracy"]), ("macro_precision", m["macro_precision"]),
                ("macro_recall", m["macro_recall"]), ("macro_f1", m["macro_f1"]),
                ("evaluated", float(m["evaluated"])), ("skipped", float(m["skipped"]))]
        rows += [(f"f1[{name}]", float(v["f1"])) for name, v in m["per_class"].items()]
        return pa.table({"metric": pa.array([r[0] for r in rows], pa.string()),
                         "score": pa.array([r[1] for r in rows], pa.float64())})

    def _scalar_predict(self, models: pa.Array, images: pa.Array) -> pa.Array:
        """``pixelsql_predict(model, image_path)`` over one DuckDB chunk (≤ 2048 rows): one
        job per distinct model; an image that cannot be used gives NULL. Errors leave through
        DuckDB as :class:`UdfError`, which keeps their SQLSTATE."""
        try:
            return self._scalar_predict_chunk(models, images)
        except MLError as exc:
            raise UdfError(SqlError(exc.sqlstate, str(exc))) from exc
        except SqlError as exc:
            raise UdfError(exc) from exc

    def _scalar_predict_chunk(self, models: pa.Array, images: pa.Array) -> pa.Array:
        names, refs = models.to_pylist(), images.to_pylist()
        out: list[str | None] = [None] * len(names)
        for model in sorted({m for m in names if m is not None}):
            self._ready_model(model)
            rows = [i for i, m in enumerate(names) if m == model and refs[i] is not None]
            if not rows:
                continue
            outcome = self.pool.run(PredictJob(
                str(self.models_dir / model), [str(refs[i]) for i in rows],
                tuple(str(r) for r in self.roots.roots)))
            assert isinstance(outcome, PredictOutcome)
            for i, label in zip(rows, outcome.labels, strict=True):
                out[i] = label
        return pa.array(out, pa.string())

    # -- PRINT IMAGE ---------------------------------------------------------------------------

    def _print_image(self, session: Session, command: PrintImage,
                     params: Sequence[object]) -> pa.Table:
        opts = check_options(command.options, _PRINT_OPTIONS, "PRINT IMAGE")
        table = self._run_query(session, command.query, command.query_position, params)
        if table.num_rows > MAX_PRINT_IMAGES:
            raise SqlError(SqlState.PROGRAM_LIMIT_EXCEEDED,
                           f"PRINT IMAGE shows at most {MAX_PRINT_IMAGES} images; "
                           f"the query returned {table.num_rows}", hint="add a LIMIT")
        data: list[bytes | None] = []
        if table.num_rows:
            image_col = _image_column(table, opts.get("image_col"), command.query_position)
            total = 0
            for value in table.column(image_col).to_pylist():
                blob = self._image_bytes(value)
                total += len(blob or b"")
                if total > MAX_PRINT_BYTES:
                    raise SqlError(SqlState.PROGRAM_LIMIT_EXCEEDED,
                                   f"PRINT IMAGE returns at most {MAX_PRINT_BYTES >> 20} MiB "
                                   "of images", hint="add a LIMIT")
                data.append(blob)
        return table.append_column("image_data", pa.array(data, pa.binary()))

    def _image_bytes(self, value: object) -> bytes | None:
        if value is None:
            return None
        if isinstance(value, bytes | bytearray | memoryview):
            return bytes(value)
        path = self.roots.resolve(str(value))  # PathOutsideRootsError: 42501
        try:
            return read_image_file(path)
        except ImageFileTooLargeError as exc:
            raise SqlError(SqlState.PROGRAM_LIMIT_EXCEEDED,
                           f'image "{value}" is {exc}') from exc
        except OSError as exc:
            raise SqlError(SqlState.IO_ERROR,
                           f'could not read image "{value}": {exc.strerror}') from exc

    # -- DELETE MODEL --------------------------------------------------------------------------

    def _delete(self, command: DeleteModel) -> str:
        row = self.model_row(command.name)
        if row is None:
            if command.if_exists:
                return "DROP MODEL"
            raise SqlError(SqlState.UNDEFINED_OBJECT, f'model "{command.name}" does not exist')
        if row["status"] == "training" and not self._cancel_training_of(command.name):
            raise SqlError(SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE,
                           f'model "{command.name}" is still training; its job did not stop '
                           f"within {DELETE_WAIT_S:.0f} s")
        self._write_row(f"DELETE FROM {MODELS_TABLE} WHERE name = ?", [command.name])
        shutil.rmtree(self.models_dir / command.name, ignore_errors=True)
        return "DROP MODEL"

    # -- COPY table FROM 'folder' ----------------------------------------------------------------

    def _copy(self, session: Session, command: CopyFrom, notices: list[SqlError]) -> str:
        opts = check_options(command.options, _COPY_OPTIONS, "COPY")
        mode = str(opts.get("if_exists") or "fail")
        source = self._copy_source(command.path)
        exists = session.table_exists(command.table)
        if exists and mode == "fail":
            raise SqlError(SqlState.DUPLICATE_TABLE,
                           f'relation "{command.table}" already exists',
                           hint="use OPTIONS (if_exists='replace') or (if_exists='append')")
        table = image_folder_table(source, self.roots) if source.is_dir() else None
        name = f"__pixelsql_copy_{id(command)}"
        cur = session.cursor
        try:
            if table is not None:
                cur.register(name, table)
                select = f"SELECT * FROM {name}"
            else:
                select = f"SELECT * FROM {_reader(source)}"
            if exists and mode == "append":
                sql = f"INSERT INTO {command.table} {select}"
            else:
                replace = "OR REPLACE " if exists else ""
                sql = f"CREATE {replace}TABLE {command.table} AS {select}"
            session.run_guarded(sql)
            count = session.run_guarded(f"SELECT count(*) FROM ({select})")
        finally:
            if table is not None:
                cur.unregister(name)
        session.db.bump_schema_version()
        return f"COPY {count[0][0]}"

    def is_image_folder(self, path: str) -> bool:
        """Whether ``path`` names a folder under the image roots (COPY's image form)."""
        try:
            return self.roots.resolve(path).is_dir()
        except (PathOutsideRootsError, OSError):
            return False

    def _copy_source(self, path: str) -> Path:
        try:
            return self.copy_roots.resolve(path)
        except PathOutsideRootsError:
            raise
        except OSError as exc:
            raise SqlError(SqlState.IO_ERROR, f'could not open "{path}": {exc}') from exc

    # -- plumbing ------------------------------------------------------------------------------

    def _run_query(self, session: Session, query: str, position: int,
                   params: Sequence[object]) -> pa.Table:
        try:
            table = session.query_arrow(query, params)
        except SqlError as exc:
            raise exc.shifted(position - 1) from exc
        if table.num_rows > self.max_predict_rows:
            raise SqlError(SqlState.PROGRAM_LIMIT_EXCEEDED,
                           f"the query returned {table.num_rows} rows; one ML statement takes "
                           f"at most {self.max_predict_rows}",
                           hint="split the work with WHERE / LIMIT, or raise --max-predict-rows")
        return table

    def _new_job(self, kind: str, model: str, user: str) -> int:
        with self._lock:
            row = self._con.execute(f"""
                INSERT INTO {JOBS_TABLE} (id, kind, model, state, progress, user_name,
                                          created_utc)
                VALUES (nextval('{CATALOG_SCHEMA}.job_ids'), ?, ?, 'queued', 0, ?, ?)
                RETURNING id""", [kind, model, user, _utc_now()]).fetchall()
        return int(row[0][0])

    def _run_job(self, session: Session, job: TrainJob | PredictJob, job_id: int,
                 background: bool = False,
                 on_success: Callable[[TrainOutcome | PredictOutcome], None] | None = None,
                 ) -> TrainOutcome | PredictOutcome:
        """Run ``job`` on a worker, keeping its row in the jobs table current.

        Progress goes to the client as NOTICEs (not for a background job, whose client may be
        gone) and into the row; the job stops when the session is cancelled (CancelRequest)
        or ``CANCEL JOB`` / ``DELETE MODEL`` sets its flag. ``on_success`` records the
        outcome (the model's row) before the job is marked succeeded, so that a client that
        sees the job done finds its model ready.
        """
        cancel = threading.Event()
        with self._lock:
            self._cancels[job_id] = cancel
            if isinstance(job, TrainJob):
                self._job_models[job_id] = Path(job.model_dir).name

        def started(pid: int, device: str) -> None:
            self._write_row(f"UPDATE {JOBS_TABLE} SET state = 'running', worker = ?, "
                            "device = ?, started_utc = ? WHERE id = ?",
                            [pid, device, _utc_now(), job_id])

        def relay(progress: Progress) -> None:
            if not background:
                session.notify(_notice(progress.message))
            f = progress.fields
            self._write_row(
                f"""UPDATE {JOBS_TABLE} SET progress = coalesce(?, progress),
                    epoch = coalesce(?, epoch), loss = coalesce(?, loss),
                    accuracy = coalesce(?, accuracy), images_per_s = coalesce(?, images_per_s),
                    eta_s = coalesce(?, eta_s) WHERE id = ?""",
                [progress.fraction, f.get("epoch"), f.get("loss"), f.get("accuracy"),
                 f.get("images_per_s"), f.get("eta_s"), job_id])

        def cancelled() -> bool:
            return cancel.is_set() or (not background and session.cancel_requested)

        try:
            outcome = self.pool.run(job, relay, cancelled, on_start=started)
            if on_success is not None:
                on_success(outcome)
        except MLError as exc:
            state = "cancelled" if exc.sqlstate == "57014" else "failed"
            message = "canceling statement due to user request" if state == "cancelled" \
                else str(exc)
            self._finish_job(job_id, state, error=message)
            raise SqlError(exc.sqlstate, message) from exc
        except BaseException as exc:
            self._finish_job(job_id, "failed", error=f"{type(exc).__name__}: {exc}")
            raise
        finally:
            with self._lock:
                self._cancels.pop(job_id, None)
                self._job_models.pop(job_id, None)
        metrics = outcome.metrics if outcome.metrics is not None else None
        self._finish_job(job_id, "succeeded", metrics=metrics)
        return outcome

    def _finish_job(self, job_id: int, state: str, *, error: str | None = None,
                    metrics: dict[str, Any] | None = None) -> None:
        self._write_row(
            f"""UPDATE {JOBS_TABLE} SET state = ?, error = ?, finished_utc = ?,
                progress = CASE WHEN ? = 'succeeded' THEN 1 ELSE progress END,
                metrics = coalesce(?, metrics) WHERE id = ?""",
            [state, error, _utc_now(), state,
             json.dumps(metrics, default=str) if metrics is not None else None, job_id])

    def _cancel_job(self, job_id: int) -> str:
        with self._lock:
            flag = self._cancels.get(job_id)
        if flag is None:
            with self._lock:
                rows = self._con.execute(f"SELECT state FROM {JOBS_TABLE} WHERE id = ?",
                                         [job_id]).fetchall()
            if not rows:
                raise SqlError(SqlState.UNDEFINED_OBJECT, f"job {job_id} does not exist")
            raise SqlError(SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE,
                           f"job {job_id} is not running (state {rows[0][0]})")
        flag.set()
        return "CANCEL JOB"

    def _cancel_training_of(self, model: str) -> bool:
        """Cancel the job training ``model`` and wait for it to stop; False if it did not."""
        with self._lock:
            jobs = [j for j, m in self._job_models.items() if m == model]
            flags = [self._cancels[j] for j in jobs if j in self._cancels]
        for flag in flags:
            flag.set()
        deadline = time.monotonic() + DELETE_WAIT_S
        while time.monotonic() < deadline:
            with self._lock:
                if not any(j in self._cancels for j in jobs):
                    return True
            time.sleep(0.05)
        return False


# -- helpers -----------------------------------------------------------------------------------


def image_folder_table(folder: Path, roots: ImageRoots) -> pa.Table:
    """A folder of images as rows ``image_path, label``, as the tutorial's ``make_df`` builds.

    Images in sub-folders take the sub-folder's name as label (``training_set/cats/1.jpg`` →
    ``cats``); images directly in the folder take their file-name prefix before the first ``.``
    or ``_`` (``cat.1.jpg`` → ``cat``). Symlinks leading outside the image roots are skipped.
    """
    paths: list[str] = []
    labels: list[str] = []
    for path in sorted(folder.rglob("*")):
        if path.suffix.lower() not in IMAGE_SUFFIXES or not path.is_file():
            continue
        try:
            real = roots.resolve(path)
        except PathOutsideRootsError:
            continue
        rel = path.relative_to(folder)
        label = rel.parts[0] if len(rel.parts) > 1 else path.name.replace("_", ".").split(".")[0]
        paths.append(str(real))
        labels.append(label)
        if len(paths) > MAX_FOLDER_IMAGES:
            raise SqlError(SqlState.PROGRAM_LIMIT_EXCEEDED,
                           f"the folder holds more than {MAX_FOLDER_IMAGES} images")
    if not paths:
        raise SqlError(SqlState.INVALID_PARAMETER_VALUE, f'no images found in "{folder}"')
    return pa.table({"image_path": pa.array(paths, pa.string()),
                     "label": pa.array(labels, pa.string())})


def _reader(path: Path) -> str:
    quoted = "'" + str(path).replace("'", "''") + "'"
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return f"read_parquet({quoted})"
    if suffix in (".csv", ".tsv", ".txt"):
        return f"read_csv({quoted})"
    if suffix in (".json", ".ndjson", ".jsonl"):
        return f"read_json_auto({quoted})"
    raise SqlError(SqlState.INVALID_PARAMETER_VALUE,
                   f'cannot COPY from "{path.name}": expected a folder of images or a '
                   ".csv/.parquet/.json file")


def _known_base(base: str) -> str:
    key = base.replace("_", "").replace("-", "").lower()
    for known in KNOWN_BASES:
        if known.replace("_", "").lower() == key:
            return known
    raise SqlError(SqlState.UNDEFINED_OBJECT, f'unknown base model "{base}"',
                   hint="known base models: " + ", ".join(KNOWN_BASES))


def _column(table: pa.Table, name: str, what: str) -> str:
    if name in table.column_names:
        return name
    lowered: dict[str, str] = {str(c).lower(): str(c) for c in table.column_names}
    if name.lower() in lowered:
        return lowered[name.lower()]
    raise SqlError(SqlState.UNDEFINED_COLUMN,
                   f'{what} column "{name}" does not exist in the query',
                   hint="the query returns: " + ", ".join(table.column_names))


def _image_column(table: pa.Table, given: OptionValue, position: int) -> str:
    if given is not None:
        return _column(table, str(given), "image")
    for candidate in ("image_path", "image"):  # both spellings ThanoSQL has shipped
        if candidate in table.column_names:
            return candidate
    raise SqlError(SqlState.UNDEFINED_COLUMN,
                   'the query has no "image_path" or "image" column',
                   hint="name the image column with OPTIONS (image_col='…'); the query returns: "
                   + ", ".join(table.column_names))


def _label_values(column: pa.ChunkedArray) -> list[object]:
    """A label column's values as the model's classes are named: a numeric without a precision
    as PostgreSQL writes it (``1``, not its DECIMAL(38,10) digits ``1.0000000000``), anything
    else as it comes (``str`` names the class: ``cat``, ``3``)."""
    values: list[object] = column.to_pylist()
    kind = column.type
    if pa.types.is_decimal(kind) and unconstrained(kind.precision, kind.scale):
        return [v if not isinstance(v, Decimal) else _plain_number(v) for v in values]
    return values


def _plain_number(value: Decimal) -> str:
    """A decimal's digits without trailing fraction zeros (never in exponent form)."""
    return re.sub(TRAILING_ZEROS, "", format(value, "f"))


def _image_refs(values: list[object]) -> tuple[list[str | bytes], list[int]]:
    """Non-NULL image references and the row indices they came from."""
    refs: list[str | bytes] = []
    keep: list[int] = []
    for i, value in enumerate(values):
        if value is None:
            continue
        refs.append(bytes(value) if isinstance(value, bytes | bytearray | memoryview)
                    else str(value))
        keep.append(i)
    return refs, keep


def _failure_notice(outcome: PredictOutcome, keep: list[int], notices: list[SqlError]) -> None:
    failed = [(keep[j], err) for j, err in enumerate(outcome.errors) if err is not None]
    if failed:
        shown = "; ".join(f"row {row + 1}: {err}" for row, err in failed[:5])
        more = f"; and {len(failed) - 5} more" if len(failed) > 5 else ""
        notices.append(_notice(f"{len(failed)} images could not be used (their result is "
                               f"NULL): {shown}{more}"))


def _opt_int(opts: dict[str, OptionValue], key: str) -> int | None:
    value = opts.get(key)
    return int(value) if isinstance(value, int) else None


def _opt_str(opts: dict[str, OptionValue], key: str) -> str | None:
    value = opts.get(key)
    return str(value) if value is not None else None


def _quietly(fn: Callable[[], object]) -> Callable[[], None]:
    """``fn`` for a background thread: its errors are already in the jobs table."""

    def run() -> None:
        try:
            fn()
        except SqlError as exc:  # cancelled, bad images, …: an outcome, not a bug of ours
            log.info("background ML job ended: %s", exc)
        except Exception:
            log.exception("background ML job ended with an internal error")

    return run


def _notice(message: str) -> SqlError:
    return SqlError(SqlState.SUCCESSFUL_COMPLETION, message, severity="NOTICE")


def _utc_now() -> Any:
    import datetime

    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


def _arrow(con: duckdb.DuckDBPyConnection, sql: str) -> pa.Table:
    relation = con.sql(sql)
    assert relation is not None, sql
    table: pa.Table = relation.to_arrow_table()
    return table


def arrow_schema(columns: Sequence[Column]) -> pa.Schema:
    """Arrow types for DuckDB column types (Describe's empty stand-in tables)."""
    con = duckdb.connect(":memory:")
    try:
        select = ", ".join(f'CAST(NULL AS {c.duck_type}) AS "{i}"' for i, c in enumerate(columns))
        types = _arrow(con, f"SELECT {select}").schema.types
    finally:
        con.close()
    return pa.schema([pa.field(c.name, t) for c, t in zip(columns, types, strict=True)])
