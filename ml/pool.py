"""A pool of ML worker processes, driven from the server's session threads (torch-free).

Each worker is a process started with the *spawn* method (never fork: the server has threads
and must not hand CUDA state or locks to a child) running ``ml.worker.main``; the server
process itself never imports torch. Workers start on first use, one at a time as jobs need
them, up to ``workers`` — or all at once with ``prestart()``, which a server with GPUs calls
when it starts: a worker's start (importing torch, making its CUDA context) takes tens of
seconds there, which the first jobs would otherwise wait for.

``WorkerPool.run(job, on_progress, cancelled)`` blocks the calling session thread: it takes an
idle worker (waiting in a bounded queue when all are busy), sends the job, relays ``Progress``
messages to ``on_progress`` as they arrive, sets the worker's cancel event once
``cancelled()`` turns true, and returns the ``JobDone`` value or raises ``JobError`` with the
worker's SQLSTATE. A worker that dies mid-job (segfault, OOM kill) is replaced and its job
fails with a clear error.
"""

from __future__ import annotations

import contextlib
import dataclasses
import multiprocessing as mp
import os
import threading
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from multiprocessing.synchronize import Event
from typing import Any

from ml.errors import MLError
from ml.jobs import (
    Job,
    JobDone,
    JobFailed,
    PredictJob,
    PredictOutcome,
    Progress,
    TrainJob,
    TrainOutcome,
)

POLL_S = 0.1


class JobError(MLError):
    """A job that failed in its worker; carries the worker's SQLSTATE."""

    def __init__(self, sqlstate: str, message: str) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


class QueueFullError(MLError):
    sqlstate = "53400"  # configuration_limit_exceeded


def _entry(conn: Connection, cancel: Event, device: str | None, threads: int | None,
           visible_gpus: str | None) -> None:
    """Runs in the child: only here is torch imported (after the GPU it may see is set)."""
    if visible_gpus is not None:
        os.environ["CUDA_VISIBLE_DEVICES"] = visible_gpus
    from ml.worker import main

    main(conn, cancel, device, threads)


class _Worker:
    def __init__(self, ctx: Any, device: str | None, threads: int | None,
                 visible_gpus: str | None) -> None:
        self.conn, child = ctx.Pipe()
        self.cancel: Event = ctx.Event()
        self.process: BaseProcess = ctx.Process(
            target=_entry, args=(child, self.cancel, device, threads, visible_gpus),
            # Not a daemon: a daemonic process may not start children, and a worker starts
            # DataLoader decode workers and DDP ranks. It still ends with the server: pool
            # shutdown stops it, and it exits at EOF on its pipe. (No PR_SET_PDEATHSIG: the
            # kernel would fire it when the *thread* that started the worker ends.)
            daemon=False, name="pixelsql-ml-worker")
        self.gpu: int | None = None
        self.process.start()
        child.close()

    def stop(self, timeout: float = 5.0) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.conn.send(None)
        self.process.join(timeout)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(timeout)
        self.conn.close()


class WorkerPool:
    def __init__(self, workers: int = 1, *, gpus: Sequence[int] | None = None,
                 device: str | None = None, threads_per_worker: int | None = None,
                 max_queued: int = 32) -> None:
        """``gpus``: ids the workers take round-robin, each seeing only its own (None: leave
        the environment alone; empty: no GPU at all, the workers run on the CPU)."""
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.size = workers
        self.gpus = list(gpus) if gpus is not None else None
        self._gpu_load: dict[int, int] = {}  # GPU id → live workers on it
        self.device = device
        self.threads = threads_per_worker
        self.max_queued = max_queued
        self._ctx = mp.get_context("spawn")
        self._idle: list[_Worker] = []
        self._started = 0
        self._waiting = 0
        self._closed = False
        self._cond = threading.Condition()

    def prestart(self) -> None:
        """Start every worker not started yet and leave them idle (their start-up runs in the
        child processes: this returns at once, and a job sent meanwhile waits for it)."""
        while True:
            with self._cond:
                if self._closed or self._started >= self.size:
                    return
                self._started += 1
                gpu = self._least_used_gpu()
            worker = self._new_worker(gpu)
            self._give_back(worker, healthy=True)

    # -- taking and returning workers ----------------------------------------------------------

    def _take(self, cancelled: Callable[[], bool]) -> _Worker:
        with self._cond:
            if self._closed:
                raise JobError("57P01", "the server is shutting down")
            if not self._idle and self._started >= self.size:
                if self._waiting >= self.max_queued:
                    raise QueueFullError(
                        f"too many ML jobs queued ({self._waiting} waiting for {self.size} "
                        "workers); try again later")
                self._waiting += 1
                try:
                    while not self._idle and self._started >= self.size:
                        if cancelled():
                            raise JobError("57014", "canceling statement due to user request")
                        self._cond.wait(POLL_S)
                        if self._closed:
                            raise JobError("57P01", "the server is shutting down")
                finally:
                    self._waiting -= 1
            if self._idle:
                return self._idle.pop()
            self._started += 1
            gpu = self._least_used_gpu()
        return self._new_worker(gpu)

    def _new_worker(self, gpu: int | None) -> _Worker:
        """Start a worker on ``gpu``, already counted in ``_started`` (undone if it fails)."""
        visible = None if self.gpus is None else ("" if gpu is None else str(gpu))
        try:
            worker = _Worker(self._ctx, self.device, self.threads, visible)
        except BaseException:
            with self._cond:
                self._started -= 1
                self._release_gpu(gpu)
                self._cond.notify()
            raise
        worker.gpu = gpu
        return worker

    def _least_used_gpu(self) -> int | None:
        """The GPU a new worker takes (the one fewest live workers use); call under the lock."""
        if not self.gpus:
            return None
        gpu = min(self.gpus, key=lambda g: self._gpu_load.get(g, 0))
        self._gpu_load[gpu] = self._gpu_load.get(gpu, 0) + 1
        return gpu

    def _gpus_for(self, worker: _Worker, count: int) -> tuple[int, ...]:
        """GPUs for a DDP job on ``worker`` (at most ``count``; ``ml.train.fit`` refuses a
        job given fewer): its own first, then the least used others. They are shared with the
        workers already on them, not reserved."""
        assert self.gpus
        with self._cond:
            others = sorted((g for g in self.gpus if g != worker.gpu),
                            key=lambda g: self._gpu_load.get(g, 0))
        own = [worker.gpu] if worker.gpu is not None else []
        return tuple([*own, *others][:count])

    def _where(self, worker: _Worker, job: Job) -> str:
        """Where ``job`` runs on ``worker``, for the jobs table."""
        asked = job.device if isinstance(job, PredictJob) else job.options.get("device")
        if asked == "cpu" or self.gpus == [] or self.device == "cpu":
            return "cpu"
        if isinstance(job, TrainJob) and job.gpu_ids:
            return "cuda:" + ",".join(map(str, job.gpu_ids))
        if worker.gpu is not None:
            return f"cuda:{worker.gpu}"
        return str(asked or self.device or "auto")

    @property
    def idle_workers(self) -> int:
        """Workers started and waiting for a job."""
        with self._cond:
            return len(self._idle)

    @property
    def gpu_count(self) -> int | None:
        """GPUs the pool assigns (None: it leaves the workers' environment alone)."""
        return None if self.gpus is None else len(self.gpus)

    def _release_gpu(self, gpu: int | None) -> None:
        if gpu is not None:
            self._gpu_load[gpu] -= 1

    def _give_back(self, worker: _Worker, healthy: bool) -> None:
        if not healthy:
            worker.stop(timeout=1.0)
        with self._cond:
            if healthy and not self._closed:
                worker.cancel.clear()
                self._idle.append(worker)
            else:
                self._started -= 1
                self._release_gpu(worker.gpu)
            self._cond.notify()
        if healthy and self._closed:
            worker.stop()

    # -- running a job ----------------------------------------------------------------------------

    def run(self, job: Job, on_progress: Callable[[Progress], None] | None = None,
            cancelled: Callable[[], bool] = lambda: False,
            on_start: Callable[[int, str], None] | None = None
            ) -> TrainOutcome | PredictOutcome:
        """Run ``job`` on a worker; ``on_start`` gets the worker's process id and where the
        job runs (``cpu``, ``cuda:3``, ``cuda:0,1`` for DDP, or ``auto``)."""
        worker = self._take(cancelled)
        healthy = False
        try:
            if isinstance(job, TrainJob) and job.options.get("gpus") and self.gpus:
                job = dataclasses.replace(job, gpu_ids=self._gpus_for(worker,
                                                                      int(job.options["gpus"])))
            if on_start is not None:
                on_start(worker.process.pid or 0, self._where(worker, job))
            try:
                worker.conn.send(job)
            except (OSError, ValueError) as exc:
                raise JobError("58000", f"could not send the job to its ML worker: {exc}") \
                    from exc
            answer = self._relay(worker, on_progress, cancelled)
            healthy = True
        finally:
            self._give_back(worker, healthy)
        if isinstance(answer, JobFailed):
            raise JobError(answer.sqlstate, answer.message)
        return answer.value

    def _relay(self, worker: _Worker, on_progress: Callable[[Progress], None] | None,
               cancelled: Callable[[], bool]) -> JobDone | JobFailed:
        while True:
            if not worker.cancel.is_set() and cancelled():
                worker.cancel.set()  # the job stops at its next step and reports 57014
            try:
                ready = worker.conn.poll(POLL_S)
                message = worker.conn.recv() if ready else None
            except (EOFError, OSError):
                message = None
                ready = True
            if (ready and message is None) or (not worker.process.is_alive() and not ready):
                code = worker.process.exitcode
                raise JobError("XX000", f"the ML worker process died during the job "
                                        f"(exit code {code}); it has been replaced")
            if isinstance(message, Progress):
                if on_progress is not None:
                    on_progress(message)
            elif isinstance(message, JobDone | JobFailed):
                return message

    def close(self) -> None:
        with self._cond:
            self._closed = True
            idle, self._idle = self._idle, []
            self._cond.notify_all()
        for worker in idle:
            worker.stop()

    @property
    def started(self) -> int:
        return self._started


def default_workers() -> int:
    """One worker per visible GPU is issue 6's job; until then one worker, CPU or GPU."""
    return int(os.environ.get("PIXELSQL_ML_WORKERS", "1"))
