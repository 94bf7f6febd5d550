"""The worker pool on a GPU, through a real server: the device check of issue 6.

Starts ``pixelsql serve`` on a fresh data directory of generated 500x375 JPEGs and, over
psycopg:

1. trains a first model (so that PREDICT has one);
2. runs two BUILD MODEL jobs and a stream of PREDICTs at the same time, sampling GPU memory
   (nvidia-smi) before, during and after, and timing a plain ``SELECT 1`` meanwhile;
3. trains once more with ``OPTIONS (gpus=1)``: the DistributedDataParallel path on one GPU
   (and checks that ``gpus`` beyond the machine's GPUs is refused with 22023);
4. cancels a running asynchronous job with ``CANCEL JOB`` and times how long it takes to end;
5. stops the server and reads GPU memory once more.

Prints one line per check and a JSON summary. Works on the CPU too (small sizes), so it can be
tried before spending device time: ``python bench/gpu_server.py --images 64 --input-size 32``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.ml import write_jpegs  # noqa: E402


def gpu_memory_mib() -> int | None:
    """Memory in use on the first GPU, or None without nvidia-smi."""
    if shutil.which("nvidia-smi") is None:
        return None
    out = subprocess.run(["nvidia-smi", "--query-gpu=memory.used", "--format=csv,noheader,"
                          "nounits"], capture_output=True, text=True, check=False).stdout
    return int(out.split()[0]) if out.strip() else None


class MemorySampler(threading.Thread):
    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            used = gpu_memory_mib()
            if used is not None:
                self.peak = max(self.peak, used)
            self.stop.wait(0.5)


def start_server(data: Path, workers: int) -> tuple[subprocess.Popen[str], str, list[str]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "server.cli", "serve", "--host", "127.0.0.1", "--port", "0",
         "--data-dir", str(data), "--ml-workers", str(workers)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    log: list[str] = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        log.append(line)
        match = re.search(r"PixelSQL ready on ([\d.]+):(\d+)", line)
        if match:
            threading.Thread(target=lambda: log.extend(proc.stdout or []), daemon=True).start()
            return proc, f"postgresql://bench@{match.group(1)}:{match.group(2)}/pixelsql", log
    proc.kill()
    raise RuntimeError("server did not start:\n" + "".join(log))


def build(dsn: str, name: str, options: str, notices: list[str] | None = None) -> float:
    started = time.perf_counter()
    with psycopg.connect(dsn, autocommit=True) as conn:
        if notices is not None:
            conn.add_notice_handler(lambda d: notices.append(d.message_primary or ""))
        conn.execute(f"BUILD MODEL {name} USING ConvNeXt_Tiny OPTIONS ({options}) "
                     "AS SELECT * FROM train")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=2048)
    parser.add_argument("--input-size", type=int, default=224)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--workers", type=int, default=3, help="ML workers (share the GPU)")
    args = parser.parse_args()
    out: dict[str, Any] = {"images": args.images, "input_size": args.input_size}
    train_opts = (f"max_epochs=1, input_size={args.input_size}, batch_size={args.batch_size}, "
                  "overwrite=True")

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        folder = data / "images" / "train"
        folder.mkdir(parents=True)
        paths, labels = write_jpegs(folder, args.images)
        for path, label in zip(paths, labels, strict=True):  # label from the sub-folder
            (folder / label).mkdir(exist_ok=True)
            os.rename(path, folder / label / Path(path).name)
        out["gpu_mib_before_server"] = gpu_memory_mib()
        proc, dsn, log = start_server(data, args.workers)
        try:
            with psycopg.connect(dsn, autocommit=True) as conn:
                conn.execute("COPY train OPTIONS (if_exists='replace') FROM 'train'")
            first_notices: list[str] = []
            out["first_build_s"] = build(dsn, "first", train_opts, first_notices)
            out["first_build_notices"] = len(first_notices)
            print(f"first BUILD MODEL: {out['first_build_s']:.1f} s, "
                  f"{len(first_notices)} notices; last: {first_notices[-1:]}", flush=True)
            out["gpu_mib_idle_workers"] = gpu_memory_mib()

            # Two trainings and a stream of predictions at once.
            sampler = MemorySampler()
            sampler.start()
            results: dict[str, Any] = {}
            predictions: list[float] = []
            done = threading.Event()

            def predict_loop() -> None:
                with psycopg.connect(dsn, autocommit=True) as conn:
                    while not done.is_set():
                        started = time.perf_counter()
                        rows = conn.execute("PREDICT USING first AS SELECT * FROM train").fetchall()
                        predictions.append(time.perf_counter() - started)
                        correct = sum(r[1] == r[-1] for r in rows)
                        results["predict_accuracy"] = correct / len(rows)

            def train(name: str) -> None:
                results[name] = build(dsn, name, train_opts)

            threads = [threading.Thread(target=train, args=(n,)) for n in ("left", "right")]
            predictor = threading.Thread(target=predict_loop, daemon=True)
            started = time.perf_counter()
            for t in [*threads, predictor]:
                t.start()
            select_ms = []
            with psycopg.connect(dsn, autocommit=True) as conn:
                while any(t.is_alive() for t in threads):
                    t0 = time.perf_counter()
                    conn.execute("SELECT 1").fetchone()
                    select_ms.append((time.perf_counter() - t0) * 1000)
                    time.sleep(0.05)
                jobs = conn.execute(
                    "SELECT model, state, device, worker, images_per_s FROM pixelsql_ml.jobs "
                    "WHERE model IN ('left', 'right') ORDER BY id").fetchall()
            out["concurrent_wall_s"] = time.perf_counter() - started
            done.set()
            predictor.join()
            sampler.stop.set()
            out["concurrent_build_s"] = {k: results.get(k) for k in ("left", "right")}
            out["predicts_during"] = len(predictions)
            out["predict_s_median"] = sorted(predictions)[len(predictions) // 2] \
                if predictions else None
            out["predict_accuracy"] = results.get("predict_accuracy")
            out["select1_ms_median_during"] = sorted(select_ms)[len(select_ms) // 2]
            out["select1_ms_max_during"] = max(select_ms)
            out["gpu_mib_peak"] = sampler.peak
            out["jobs"] = [list(j) for j in jobs]
            print(f"two BUILDs + PREDICT loop: wall {out['concurrent_wall_s']:.1f} s, builds "
                  f"{out['concurrent_build_s']}, {len(predictions)} PREDICTs (median "
                  f"{out['predict_s_median']} s, accuracy {out['predict_accuracy']}), SELECT 1 "
                  f"median {out['select1_ms_median_during']:.2f} ms max "
                  f"{out['select1_ms_max_during']:.1f} ms; GPU peak {sampler.peak} MiB; "
                  f"jobs {jobs}", flush=True)
            time.sleep(1)
            out["gpu_mib_after_jobs"] = gpu_memory_mib()

            # DistributedDataParallel on one GPU, and a refusal beyond the machine's GPUs.
            try:
                out["ddp_build_s"] = build(dsn, "ddp", train_opts + ", gpus=1")
            except psycopg.Error as exc:  # a server without a GPU refuses it
                out["ddp_build_s"] = float("nan")
                out["ddp_refused"] = f"{exc.sqlstate}: {exc.diag.message_primary}"
            with psycopg.connect(dsn, autocommit=True) as conn:
                row = conn.execute("SELECT status, accuracy FROM pixelsql_ml.models "
                                   "WHERE name = 'ddp'").fetchone()
                out["ddp_model"] = list(row) if row else None
                try:
                    conn.execute(f"BUILD MODEL ddp2 USING ConvNeXt_Tiny OPTIONS "
                                 f"({train_opts}, gpus=64) AS SELECT * FROM train")
                    out["gpus_64"] = "accepted?!"
                except psycopg.Error as exc:
                    out["gpus_64"] = f"{exc.sqlstate}: {exc.diag.message_primary}"
            print(f"BUILD MODEL OPTIONS (gpus=1): {out['ddp_build_s']:.1f} s, model "
                  f"{out['ddp_model']}; gpus=64: {out['gpus_64']}", flush=True)

            # Cancel a running job.
            with psycopg.connect(dsn, autocommit=True) as conn:
                job_id = conn.execute(
                    f"BUILD MODEL long USING ConvNeXt_Tiny OPTIONS (max_epochs=50, "
                    f"input_size={args.input_size}, batch_size={args.batch_size}, "
                    "async=True) AS SELECT * FROM train").fetchone()[0]  # type: ignore[index]
                while conn.execute("SELECT coalesce(progress, 0) FROM pixelsql_ml.jobs "
                                   "WHERE id = %s", (job_id,)).fetchone()[0] <= 0:  # type: ignore[index]
                    time.sleep(0.2)
                out["gpu_mib_training"] = gpu_memory_mib()
                t0 = time.perf_counter()
                conn.execute(f"CANCEL JOB {job_id}")
                state = ""
                while state not in ("cancelled", "failed", "succeeded"):
                    state = conn.execute("SELECT state FROM pixelsql_ml.jobs WHERE id = %s",
                                         (job_id,)).fetchone()[0]  # type: ignore[index]
                    time.sleep(0.1)
                out["cancel_s"] = time.perf_counter() - t0
                out["cancel_state"] = state
            time.sleep(1)
            out["gpu_mib_after_cancel"] = gpu_memory_mib()
            print(f"CANCEL JOB: {state} after {out['cancel_s']:.2f} s; GPU memory while "
                  f"training {out['gpu_mib_training']} MiB, after {out['gpu_mib_after_cancel']} "
                  "MiB", flush=True)
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
            errors = [i for i, line in enumerate(log)
                      if "Traceback" in line or "internal error" in line]
            out["server_log_errors"] = len(errors)
            for i in errors[:3]:
                print("server log:", "".join(log[max(0, i - 2):i + 12]), flush=True)
            if os.environ.get("OUT"):
                Path(os.environ["OUT"], "gpu_server_log.txt").write_text("".join(log))
        time.sleep(2)
        out["gpu_mib_after_server"] = gpu_memory_mib()
        print(f"GPU memory: before server {out['gpu_mib_before_server']} MiB, idle workers "
              f"{out['gpu_mib_idle_workers']}, peak {out['gpu_mib_peak']}, after jobs "
              f"{out['gpu_mib_after_jobs']}, after server stop {out['gpu_mib_after_server']}; "
              f"server log errors {out['server_log_errors']}", flush=True)
    print(json.dumps(out, default=str))


if __name__ == "__main__":
    main()
