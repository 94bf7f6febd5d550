"""ML job lifecycle against a real server with real worker processes (CPU).

The jobs table, async BUILD MODEL, CANCEL JOB, CancelRequest, DELETE MODEL of a model in
training, a worker killed with SIGKILL mid-job, a server killed mid-job and restarted, the
queue bound, and ordinary SQL staying fast while a job trains.
"""

from __future__ import annotations

import os
import signal
import statistics
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.conftest import RunningServer, start_server
from tests.test_thanosql_e2e import write_tutorial_images

pytestmark = [pytest.mark.integration, pytest.mark.slow]

# Long enough to still be running when the test acts (each epoch takes a second or more).
LONG = "max_epochs=200, input_size=32, batch_size=8"
QUICK = "max_epochs=1, input_size=32"
QUERY = "AS SELECT * FROM train"


@pytest.fixture(scope="module")
def jobs_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    data = tmp_path_factory.mktemp("ml-jobs")
    write_tutorial_images(data / "images")
    srv = start_server(data, "--ml-workers", "1", "--max-queued-jobs", "1")
    with psycopg.connect(srv.dsn(), autocommit=True) as conn:
        conn.execute("COPY train FROM 'training_set'")
    yield srv
    srv.stop()


def _job(conn: psycopg.Connection[tuple[object, ...]], job_id: int) -> dict[str, object]:
    cur = conn.execute("SELECT * FROM pixelsql_ml.jobs WHERE id = %s", [job_id])
    names = [d.name for d in cur.description or []]
    return dict(zip(names, cur.fetchone() or (), strict=True))


def _wait_state(conn: psycopg.Connection[tuple[object, ...]], job_id: int, states: set[str],
                timeout: float = 120) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = _job(conn, job_id)
        if job["state"] in states:
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} never reached {states}: {_job(conn, job_id)}")


def _start(conn: psycopg.Connection[tuple[object, ...]], model: str,
           options: str = LONG) -> int:
    row = conn.execute(f"BUILD MODEL {model} USING ConvNeXt_Tiny "
                       f"OPTIONS (async=True, {options}) {QUERY}").fetchone()
    assert row is not None and row[1] == model and row[2] == "started"
    return int(str(row[0]))


def _running_with_progress(conn: psycopg.Connection[tuple[object, ...]],
                           job_id: int) -> dict[str, object]:
    _wait_state(conn, job_id, {"running"})
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job = _job(conn, job_id)
        if job["epoch"] is not None:
            return job
        time.sleep(0.2)
    raise AssertionError(f"no progress: {_job(conn, job_id)}")


def test_async_build_and_the_jobs_table(jobs_server: RunningServer) -> None:
    with psycopg.connect(jobs_server.dsn(), autocommit=True) as conn:
        job_id = _start(conn, "quick", QUICK)
        job = _wait_state(conn, job_id, {"succeeded", "failed"})
        assert job["state"] == "succeeded", job
        assert job["kind"] == "train" and job["model"] == "quick" and job["progress"] == 1.0
        assert job["worker"] and job["started_utc"] and job["finished_utc"]
        assert job["device"] == "cpu"  # where it ran: this machine's workers have no GPU
        assert conn.execute("SELECT status FROM pixelsql_ml.models WHERE name = 'quick'"
                            ).fetchone() == ("ready",)
        conn.execute("PREDICT USING quick AS SELECT * FROM train LIMIT 2").fetchall()
        kinds = conn.execute("SELECT kind, state FROM pixelsql_ml.jobs WHERE model = 'quick' "
                             "ORDER BY id").fetchall()
        assert kinds == [("train", "succeeded"), ("predict", "succeeded")]


def test_cancel_job_stops_training_and_sql_stays_fast(jobs_server: RunningServer) -> None:
    with psycopg.connect(jobs_server.dsn(), autocommit=True) as conn:
        job_id = _start(conn, "long_one")
        job = _running_with_progress(conn, job_id)
        assert isinstance(job["loss"], float) and isinstance(job["eta_s"], float)
        # Ordinary SQL while the worker trains: the server process is not the one computing.
        latencies = []
        for _ in range(50):
            start = time.perf_counter()
            conn.execute("SELECT count(*) FROM train").fetchone()
            latencies.append(time.perf_counter() - start)
        assert statistics.median(latencies) < 0.05, statistics.median(latencies)
        stopped = time.monotonic()
        assert conn.execute(f"CANCEL JOB {job_id}").statusmessage == "CANCEL JOB"
        job = _wait_state(conn, job_id, {"cancelled", "failed", "succeeded"}, timeout=30)
        assert job["state"] == "cancelled" and time.monotonic() - stopped < 15
        assert conn.execute("SELECT count(*) FROM pixelsql_ml.models WHERE name = 'long_one'"
                            ).fetchone() == (0,)
        with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState, match="cancelled"):
            conn.execute(f"CANCEL JOB {job_id}")
        with pytest.raises(psycopg.errors.UndefinedObject):
            conn.execute("CANCEL JOB 999999")


def test_cancel_request_stops_a_synchronous_build(jobs_server: RunningServer) -> None:
    with psycopg.connect(jobs_server.dsn(), autocommit=True) as conn:
        notices: list[str] = []
        conn.add_notice_handler(lambda d: notices.append(d.message_primary or ""))

        def cancel_after_progress() -> None:
            deadline = time.monotonic() + 120
            while not notices and time.monotonic() < deadline:
                time.sleep(0.1)
            conn.cancel_safe()

        helper = threading.Thread(target=cancel_after_progress)
        helper.start()
        with pytest.raises(psycopg.errors.QueryCanceled):
            conn.execute(f"BUILD MODEL sync_one USING ConvNeXt_Tiny OPTIONS ({LONG}) {QUERY}")
        helper.join()
        assert notices and "epoch 1/200" in notices[0]
        last = conn.execute("SELECT state FROM pixelsql_ml.jobs WHERE model = 'sync_one'"
                            ).fetchall()
        assert last == [("cancelled",)]


def test_delete_model_cancels_its_training(jobs_server: RunningServer) -> None:
    with psycopg.connect(jobs_server.dsn(), autocommit=True) as conn:
        job_id = _start(conn, "doomed")
        _running_with_progress(conn, job_id)
        assert conn.execute("DELETE MODEL doomed").statusmessage == "DROP MODEL"
        assert _job(conn, job_id)["state"] == "cancelled"
        assert not (jobs_server.data_dir / "models" / "doomed").exists()


def test_killed_worker_fails_its_job_and_is_replaced(jobs_server: RunningServer) -> None:
    with psycopg.connect(jobs_server.dsn(), autocommit=True) as conn:
        job_id = _start(conn, "victim")
        job = _running_with_progress(conn, job_id)
        os.kill(int(str(job["worker"])), signal.SIGKILL)
        job = _wait_state(conn, job_id, {"failed", "cancelled", "succeeded"}, timeout=30)
        assert job["state"] == "failed" and "died" in str(job["error"]), job
        # The next job gets a new worker.
        rows = conn.execute("PREDICT USING quick AS SELECT * FROM train LIMIT 3").fetchall()
        assert len(rows) == 3


def test_queue_bound_is_enforced(jobs_server: RunningServer) -> None:
    with psycopg.connect(jobs_server.dsn(), autocommit=True) as conn:
        first = _start(conn, "busy_a")  # takes the one worker
        _wait_state(conn, first, {"running"})
        second = _start(conn, "busy_b")  # the one queue place
        time.sleep(0.5)
        assert _job(conn, second)["state"] == "queued"
        with pytest.raises(psycopg.errors.ConfigurationLimitExceeded, match="queued"):
            conn.execute("PREDICT USING quick AS SELECT * FROM train LIMIT 1")
        conn.execute(f"CANCEL JOB {first}")
        conn.execute(f"CANCEL JOB {second}")
        assert _wait_state(conn, second, {"cancelled", "failed", "succeeded"})["state"] in (
            "cancelled", "succeeded")


def test_server_killed_mid_job_leaves_nothing_running(tmp_path: Path) -> None:
    data = tmp_path / "data"
    write_tutorial_images(data / "images")
    srv = start_server(data)
    try:
        with psycopg.connect(srv.dsn(), autocommit=True) as conn:
            conn.execute("COPY train FROM 'training_set'")
            job_id = _start(conn, "interrupted")
            _running_with_progress(conn, job_id)
    finally:
        srv.stop(signal.SIGKILL)
    srv = start_server(data)
    try:
        with psycopg.connect(srv.dsn(), autocommit=True) as conn:
            job = _job(conn, job_id)
            assert job["state"] == "failed" and "stopped" in str(job["error"])
            assert conn.execute("SELECT status FROM pixelsql_ml.models "
                                "WHERE name = 'interrupted'").fetchone() == ("failed",)
            assert conn.execute("SELECT count(*) FROM pixelsql_ml.jobs "
                                "WHERE state IN ('queued', 'running')").fetchone() == (0,)
    finally:
        srv.stop()


def test_a_large_predict_spreads_over_idle_workers(tmp_path: Path) -> None:
    data = tmp_path / "data"
    write_tutorial_images(data / "images")
    srv = start_server(data, "--ml-workers", "2")
    try:
        with psycopg.connect(srv.dsn(), autocommit=True) as conn:
            conn.execute("COPY train FROM 'training_set'")
            conn.execute(f"BUILD MODEL m USING ConvNeXt_Tiny OPTIONS ({QUICK}) {QUERY}")
            big = ("PREDICT USING m AS SELECT t.image_path, r.range AS copy "
                   "FROM train t, range(13) r ORDER BY r.range, t.image_path")
            assert len(conn.execute(big).fetchall()) == 520
            assert conn.execute("SELECT count(*) FROM pixelsql_ml.jobs WHERE kind = 'predict'"
                                ).fetchone() == (1,)  # one part: no worker is started for it
            conn.execute("DELETE FROM pixelsql_ml.jobs WHERE kind = 'predict'")
            # Two jobs at once start the second worker: only running, idle workers take parts.
            warm = [_start(conn, name, QUICK) for name in ("warm_a", "warm_b")]
            for job_id in warm:
                assert _wait_state(conn, job_id, {"succeeded", "failed"})["state"] == "succeeded"
            single = dict(conn.execute("PREDICT USING m AS SELECT image_path FROM train"
                                       ).fetchall())
            rows = conn.execute(big).fetchall()
            assert len(rows) == 520
            assert all(predicted == single[path] for path, _, predicted in rows)
            parts = conn.execute("SELECT count(*), count(DISTINCT worker) FROM pixelsql_ml.jobs "
                                 "WHERE kind = 'predict' AND state = 'succeeded'").fetchone()
            assert parts == (3, 2)  # the 40-row PREDICT, then two parts of 260 on two workers
    finally:
        srv.stop()


def test_startup_repairs_the_model_directory(tmp_path: Path) -> None:
    data = tmp_path / "data"
    write_tutorial_images(data / "images")
    srv = start_server(data)
    try:
        with psycopg.connect(srv.dsn(), autocommit=True) as conn:
            conn.execute("COPY train FROM 'training_set'")
            for name in ("kept", "lost"):
                conn.execute(f"BUILD MODEL {name} USING ConvNeXt_Tiny OPTIONS ({QUICK}) {QUERY}")
    finally:
        srv.stop()
    models = data / "models"
    (models / ".kept.tmp-crash").mkdir()  # a save interrupted by a crash
    (models / ".kept.tmp-crash" / "weights.pt").write_bytes(b"partial")
    import shutil

    shutil.rmtree(models / "lost")
    srv = start_server(data)
    try:
        with psycopg.connect(srv.dsn(), autocommit=True) as conn:
            status = dict(conn.execute("SELECT name, status FROM pixelsql_ml.models").fetchall())
            assert status == {"kept": "ready", "lost": "missing"}
            with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState, match="missing"):
                conn.execute("PREDICT USING lost AS SELECT * FROM train")
            assert len(conn.execute("PREDICT USING kept AS SELECT * FROM train").fetchall()) == 40
        assert not (models / ".kept.tmp-crash").exists()
    finally:
        srv.stop()
