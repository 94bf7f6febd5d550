"""The worker's model cache: hits, and bounds by count and by parameter bytes."""

from __future__ import annotations

import multiprocessing as mp
from pathlib import Path

import pytest

from ml import worker as worker_module
from ml.artifacts import ModelMetadata, save_model
from ml.data import Preprocessing
from ml.models import build_for_checkpoint
from ml.testing import register_tiny_model


def _saved(tmp_path: Path, name: str) -> str:
    base = register_tiny_model()
    model = build_for_checkpoint(base, 2)
    meta = ModelMetadata(base=base, classes=["a", "b"],
                         preprocessing=Preprocessing(input_size=32).to_dict())
    return str(save_model(tmp_path / name, model, meta))


def test_cache_hits_and_its_bounds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parent, _child = mp.Pipe()
    w = worker_module.Worker(parent, mp.get_context("spawn").Event(), "cpu")
    first, second = _saved(tmp_path, "one"), _saved(tmp_path, "two")
    loaded = w.load(first)
    assert w.load(first) is loaded  # a hit: no second load
    w.load(second)
    assert len(w.models) == 2
    monkeypatch.setattr(worker_module, "MODEL_CACHE_BYTES", 1)  # smaller than any model
    w.load(first)  # touched: now the most recent
    third = _saved(tmp_path, "three")
    w.load(third)
    assert [key[0] for key in w.models] == [third]  # bytes bound: only the newest stays
    monkeypatch.setattr(worker_module, "MODEL_CACHE_BYTES", 1 << 40)
    monkeypatch.setattr(worker_module, "MODEL_CACHE_SIZE", 2)
    for path in (first, second, third):
        w.load(path)
    assert [key[0] for key in w.models] == [second, third]  # count bound, least recent out
    before = w.load(second)
    _saved(tmp_path, "two")  # the model is rebuilt (BUILD MODEL … overwrite=True)
    assert w.load(second) is not before  # its new weights file is loaded, not the cached one


def test_out_of_memory_becomes_an_error_that_suggests_a_smaller_batch(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import torch

    from ml.jobs import JobFailed, PredictJob

    ours, theirs = mp.Pipe()
    w = worker_module.Worker(theirs, mp.get_context("spawn").Event(), "cpu")

    def full(job: object) -> None:
        raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")

    monkeypatch.setattr(w, "run", full)
    ours.send(PredictJob("model", ["a.png"], ("/tmp",)))
    ours.send(None)  # then stop
    w.serve()
    answer = ours.recv()
    assert isinstance(answer, JobFailed) and answer.sqlstate == "53200"
    assert "smaller batch_size" in answer.message


def test_a_prestarted_pool_runs_jobs_on_the_workers_it_started(tmp_path: Path) -> None:
    """What a server with GPUs does at start-up (pixelsql serve): every worker started and
    idle before the first job, which then starts none."""
    from ml.jobs import TrainJob, TrainOutcome
    from ml.pool import WorkerPool
    from ml.testing import write_shape_dataset

    paths, labels = write_shape_dataset(tmp_path / "images", 8, ("red", "blue"), seed=1)
    pool = WorkerPool(2, device="cpu", threads_per_worker=1)
    try:
        pool.prestart()
        assert (pool.started, pool.idle_workers) == (2, 2)
        pool.prestart()  # all started: nothing more
        assert pool.started == 2
        outcome = pool.run(TrainJob(str(tmp_path / "model"), "ConvNeXt_Tiny", paths, labels,
                                    (str(tmp_path / "images"),),
                                    {"input_size": 32, "max_epochs": 1, "batch_size": 4,
                                     "max_steps_per_epoch": 1, "use_pretrained": False}))
        assert isinstance(outcome, TrainOutcome)
        assert (pool.started, pool.idle_workers) == (2, 2)
    finally:
        pool.close()
    assert pool.idle_workers == 0
