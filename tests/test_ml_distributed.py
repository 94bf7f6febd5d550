"""DistributedDataParallel training (OPTIONS (gpus=N)) on the CPU: gloo between real processes.

The same code path runs NCCL between GPUs on a GPU machine (bench/gpu_check.sh); here the
ranks are CPU processes, which is what a machine without a GPU can check.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
import torch

from ml.data import ImageRoots
from ml.distributed import Group, shard
from ml.errors import Cancelled, InvalidOptionError
from ml.models import WEIGHTS_DIR_ENV
from ml.predict import classification_metrics, predict
from ml.testing import write_shape_dataset
from ml.train import EpochProgress, Progress, StepProgress, TrainOptions, fit

COLORS = ("red", "blue")
pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(WEIGHTS_DIR_ENV, raising=False)
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch_home"))
    monkeypatch.setenv("OMP_NUM_THREADS", "1")  # the helper ranks' threads
    torch.set_num_threads(1)


@pytest.fixture(scope="module")
def shapes(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str], list[str]]:
    root = tmp_path_factory.mktemp("ddp")
    paths, labels = write_shape_dataset(root / "train", 24, COLORS, seed=3)
    return root, paths, labels


def _helper_ranks() -> list[int]:
    """Live ``python -m ml.distributed`` children of this process."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        state = stat.rsplit(")", 1)[1].split()[0]
        if parent == os.getpid() and b"ml.distributed" in cmdline and state != "Z":
            found.append(int(entry.name))
    return found


def test_shards_are_disjoint_round_robin_and_equal_in_length() -> None:
    positions = list(range(10))
    parts = [shard(positions, Group(r, 3, "gloo")) for r in range(3)]
    assert parts == [[0, 3, 6, 9], [1, 4, 7, 0], [2, 5, 8, 1]]  # padded by wrapping round
    assert set().union(*map(set, parts)) == set(positions)
    assert shard(positions, None) == positions == shard(positions, Group(0, 1, "gloo"))


def test_two_ranks_train_one_model_that_learns(shapes: tuple[Path, list[str], list[str]]
                                              ) -> None:
    root, paths, labels = shapes
    events: list[Progress] = []
    result = fit("ConvNeXt_Tiny", paths, labels, ImageRoots.of(root),
                 TrainOptions(input_size=32, max_epochs=2, learning_rate=1e-3, batch_size=8,
                              gpus=2, device="cpu"),
                 on_progress=events.append)
    dist = result.data_summary["distributed"]
    assert dist == {"world_size": 2, "backend": "gloo", "rows_per_rank": 22}  # 43 train rows
    steps = [e for e in events if isinstance(e, StepProgress)]
    assert [e.epoch for e in events if isinstance(e, EpochProgress)] == [1, 2]
    assert steps[0].steps_per_epoch == 3  # 22 rows per rank in batches of 8
    assert result.data_summary["validation_rows"] == 5  # validated on rank 0 only
    assert not _helper_ranks()
    test_paths, test_labels = write_shape_dataset(root / "test", 10, COLORS, seed=4)
    preds = predict(result.model, result.encoder, result.preprocessing, test_paths,
                    ImageRoots.of(root))
    metrics = classification_metrics(test_labels, [p.label for p in preds],
                                      result.encoder.classes)
    assert metrics.accuracy >= 0.75, metrics


def test_one_rank_is_the_single_gpu_ddp_path(shapes: tuple[Path, list[str], list[str]]
                                            ) -> None:
    root, paths, labels = shapes
    result = fit("ConvNeXt_Tiny", paths, labels, ImageRoots.of(root),
                 TrainOptions(input_size=32, max_epochs=1, batch_size=16, gpus=1,
                              device="cpu", max_steps_per_epoch=2))
    assert result.data_summary["distributed"]["world_size"] == 1
    assert not torch.distributed.is_initialized()  # the group is left when the job ends


def test_cancelling_rank_zero_ends_the_helpers(shapes: tuple[Path, list[str], list[str]]
                                              ) -> None:
    root, paths, labels = shapes
    stop = threading.Event()
    helpers_seen: list[int] = []

    def on_progress(event: Progress) -> None:
        if isinstance(event, StepProgress) and event.step == 1:
            helpers_seen.extend(_helper_ranks())
            stop.set()

    started = time.monotonic()
    with pytest.raises(Cancelled):
        fit("ConvNeXt_Tiny", paths, labels, ImageRoots.of(root),
            TrainOptions(input_size=32, max_epochs=20, batch_size=4, gpus=2, device="cpu"),
            on_progress=on_progress, should_stop=stop)
    assert len(helpers_seen) == 1  # rank 1 ran beside us
    assert not _helper_ranks()
    assert time.monotonic() - started < 60


def test_more_gpus_than_there_are_is_refused(shapes: tuple[Path, list[str], list[str]]
                                            ) -> None:
    root, paths, labels = shapes
    with pytest.raises(InvalidOptionError, match="gpus must be at least 1"):
        TrainOptions(gpus=0)
    if not torch.cuda.is_available():
        with pytest.raises(InvalidOptionError, match="no GPU"):
            fit("ConvNeXt_Tiny", paths, labels, ImageRoots.of(root),
                TrainOptions(input_size=32, gpus=2, device="cuda"))


def test_a_pool_worker_runs_a_ddp_job_and_saves_the_model(
        shapes: tuple[Path, list[str], list[str]], tmp_path: Path) -> None:
    """The real path below BUILD MODEL … OPTIONS (gpus=2): a spawned (daemon) ML worker is
    rank 0 and starts its helper rank as a subprocess; DataLoader workers start below it too
    (a daemonic worker could not: that broke every GPU BUILD MODEL once)."""
    from ml.artifacts import load_model
    from ml.jobs import TrainJob, TrainOutcome
    from ml.pool import WorkerPool

    root, paths, labels = shapes
    pool = WorkerPool(1, device="cpu", threads_per_worker=1)
    progress: list[str] = []
    try:
        outcome = pool.run(TrainJob(str(tmp_path / "model"), "ConvNeXt_Tiny", list(paths),
                                    list(labels), (str(root),),
                                    {"input_size": 32, "max_epochs": 1, "batch_size": 8,
                                     "gpus": 2, "max_steps_per_epoch": 2,
                                     "num_workers": 1}),  # decode workers: grandchildren
                           on_progress=lambda p: progress.append(p.message))
    finally:
        pool.close()
    assert isinstance(outcome, TrainOutcome) and outcome.options["gpus"] == 2
    assert any("step 2/2" in line for line in progress), progress
    assert load_model(str(tmp_path / "model"), device="cpu").encoder.classes == ("blue", "red")
