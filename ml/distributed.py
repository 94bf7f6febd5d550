"""One training job on several GPUs: torch DistributedDataParallel, one process per GPU.

``OPTIONS (gpus=N)`` on BUILD / FIT MODEL. The ML worker that takes the job is rank 0: it
trains on its own GPU, reports progress, honours cancellation, validates, and writes the
model, exactly as for a one-GPU job. It starts ranks 1..N-1 as child processes
(``python -m ml.distributed``, each seeing one GPU through ``CUDA_VISIBLE_DEVICES``); they get
the job from a pickle file and meet rank 0 through a file store in a private temporary
directory (no network port is opened). NCCL joins GPUs; gloo joins CPU processes (the path
the tests exercise on machines without a GPU).

What each rank does (see ``ml.train.fit``):

* the training rows are split round-robin, padded so that every rank runs the same number of
  steps (as ``DistributedSampler`` does); ``batch_size`` is per GPU, so a step sees
  ``N * batch_size`` images;
* DDP averages the gradients; its constructor copies rank 0's weights to every rank, so the
  helpers start from random weights and need no pretrained file;
* validation, early stopping, progress and the artifact are rank 0's alone.

When rank 0 is done — finished, failed, cancelled or stopped early — the helpers are ended
(SIGTERM, then SIGKILL): they hold nothing that is needed. A helper that fails makes rank 0's
next collective fail or time out; its log tail is then part of the error. Helpers die with
their worker (``PR_SET_PDEATHSIG``), so a killed worker leaves no rank behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime
import os
import pickle
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ml.errors import MLError

JOB_FILE = "job.pkl"
# How long a collective may wait for a missing rank before the job fails (data loading and
# validation on rank 0 happen between collectives, so this is generous).
COLLECTIVE_TIMEOUT = datetime.timedelta(minutes=10)
_PR_SET_PDEATHSIG = 1


class DistributedError(MLError):
    sqlstate = "XX000"


@dataclass(frozen=True)
class Group:
    """This process's place in a distributed training job."""

    rank: int
    world_size: int
    backend: str

    @property
    def is_main(self) -> bool:
        return self.rank == 0


def shard(positions: Sequence[int], group: Group | None) -> list[int]:
    """This rank's share of ``positions``: round-robin, padded by wrapping around so that all
    ranks get the same count (and so run the same number of steps)."""
    if group is None or group.world_size == 1 or not positions:
        return list(positions)
    per_rank = -(-len(positions) // group.world_size)
    return [positions[(group.rank + i * group.world_size) % len(positions)]
            for i in range(per_rank)]


def die_with_parent() -> None:
    """Have the kernel SIGKILL this process when its parent dies (Linux; elsewhere nothing)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def _join(rank: int, world_size: int, store: Path, backend: str) -> Group:
    import torch.distributed as dist

    dist.init_process_group(backend, init_method=f"file://{store}", rank=rank,
                            world_size=world_size, timeout=COLLECTIVE_TIMEOUT)
    return Group(rank, world_size, backend)


@contextlib.contextmanager
def launched(world_size: int, device_type: str, gpu_ids: Sequence[int] | None,
             job: dict[str, Any]) -> Iterator[Group]:
    """Start ranks 1..world_size-1 for ``job`` (``ml.train.fit``'s arguments) and join them
    as rank 0 for the body of the ``with``; the helpers are gone when it ends."""
    backend = "nccl" if device_type == "cuda" else "gloo"
    workdir = Path(tempfile.mkdtemp(prefix="pixelsql-ddp-"))
    helpers: list[tuple[subprocess.Popen[bytes], Path]] = []
    try:
        with open(workdir / JOB_FILE, "wb") as out:
            pickle.dump(job, out, protocol=pickle.HIGHEST_PROTOCOL)
        for rank in range(1, world_size):
            env = dict(os.environ)
            if gpu_ids is not None:
                env["CUDA_VISIBLE_DEVICES"] = str(gpu_ids[rank])
            log = workdir / f"rank{rank}.log"
            with open(log, "wb") as log_out:
                helpers.append((subprocess.Popen(
                    [sys.executable, "-m", "ml.distributed", str(workdir), str(rank),
                     str(world_size), backend, "1" if gpu_ids is not None else "0"],
                    env=env, stdin=subprocess.DEVNULL, stdout=log_out,
                    stderr=subprocess.STDOUT, preexec_fn=die_with_parent), log))
        group = _join(0, world_size, workdir / "store", backend)
        try:
            yield group
        except BaseException as exc:  # read the helpers' exit codes before ending them
            failed = _failed_helpers(helpers)
            if failed and not isinstance(exc, MLError | KeyboardInterrupt):
                raise DistributedError(f"distributed training failed: {failed}") from exc
            raise
    finally:
        _end(helpers)  # first, so that no rank is left waiting on a collective
        _leave()
        shutil.rmtree(workdir, ignore_errors=True)


def _failed_helpers(helpers: list[tuple[subprocess.Popen[bytes], Path]]) -> str:
    """A description of the helpers that have exited with an error, with their log tails."""
    failed = []
    for process, log in helpers:
        code = process.poll()
        if code not in (None, 0):
            tail = log.read_text(errors="replace").strip().splitlines()[-3:]
            failed.append(f"{log.stem} exited with code {code}: {' | '.join(tail)}")
    return "; ".join(failed)


def _end(helpers: list[tuple[subprocess.Popen[bytes], Path]]) -> None:
    for process, _ in helpers:
        if process.poll() is None:
            process.terminate()
    for process, _ in helpers:
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _leave() -> None:
    import torch.distributed as dist

    if dist.is_initialized():
        with contextlib.suppress(Exception):
            dist.destroy_process_group()


def helper_main(workdir: Path, rank: int, world_size: int, backend: str,
                pinned_gpu: bool) -> None:
    """Rank ``rank`` (≥ 1): train on this process's share until rank 0 ends us."""
    from ml.train import TrainOptions, fit

    with open(workdir / JOB_FILE, "rb") as source:
        job = pickle.load(source)  # written by our own worker, in a directory only it owns
    options: TrainOptions = job["options"]
    if backend == "nccl":
        import torch

        device = "cuda:0" if pinned_gpu else f"cuda:{rank}"
        torch.cuda.set_device(torch.device(device))
        options = TrainOptions(**{**options.to_dict(), "device": device,
                                  "use_pretrained": False})
    else:
        options = TrainOptions(**{**options.to_dict(), "use_pretrained": False})
    group = _join(rank, world_size, workdir / "store", backend)
    try:
        fit(job["base"], job["refs"], job["labels"], job["roots"], options,
            encoder=job["encoder"], group=group)
    finally:
        _leave()


if __name__ == "__main__":
    helper_main(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4],
                sys.argv[5] == "1")
