"""torch.compile where it pays (ml.compiling): the policy, and the compiled paths of training
and of a worker's cached model.

The compiled paths run here with the ``aot_eager`` backend (PIXELSQL_COMPILE_BACKEND): the same
graph capture and autograd as ``inductor`` without generating kernels, which takes minutes on two
cores for ConvNeXt. ``inductor`` on a GPU is checked by tests/test_ml_gpu.py.
"""

from __future__ import annotations

import multiprocessing as mp
from pathlib import Path

import pytest
import torch

from ml import worker as worker_module
from ml.artifacts import load_model, metadata_from_training, save_model
from ml.compiling import (
    COMPILE_BACKEND_ENV,
    COMPILE_ENV,
    PREDICT_BREAK_EVEN_IMAGES,
    TRAIN_BREAK_EVEN_IMAGES,
    compile_setting,
    compiled_graphs,
    should_compile,
)
from ml.data import ImageRoots
from ml.errors import InvalidOptionError
from ml.jobs import PredictJob
from ml.predict import predict
from ml.testing import register_tiny_model, write_shape_dataset
from ml.train import DeviceSetup, TrainOptions, fit

CPU, GPU = torch.device("cpu"), torch.device("cuda")


@pytest.mark.parametrize(("setting", "device", "images", "break_even", "expected"), [
    ("auto", GPU, TRAIN_BREAK_EVEN_IMAGES - 1, TRAIN_BREAK_EVEN_IMAGES, False),
    ("auto", GPU, TRAIN_BREAK_EVEN_IMAGES, TRAIN_BREAK_EVEN_IMAGES, True),
    ("auto", GPU, PREDICT_BREAK_EVEN_IMAGES, PREDICT_BREAK_EVEN_IMAGES, True),
    ("auto", CPU, 10**9, TRAIN_BREAK_EVEN_IMAGES, False),  # never on the CPU by itself
    ("on", CPU, 1, TRAIN_BREAK_EVEN_IMAGES, True),
    ("off", GPU, 10**9, TRAIN_BREAK_EVEN_IMAGES, False),
])
def test_compiling_pays_off_only_past_a_job_size_on_a_gpu(
        setting: str, device: torch.device, images: int, break_even: int,
        expected: bool) -> None:
    assert should_compile(setting, device, images, break_even) is expected


def test_the_setting_comes_from_the_statement_then_the_server(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(COMPILE_ENV, raising=False)
    assert compile_setting() == "auto"
    monkeypatch.setenv(COMPILE_ENV, "Off")
    assert compile_setting() == "off"
    assert compile_setting(" ON ") == "on"  # the statement's option wins
    monkeypatch.setenv(COMPILE_ENV, "sometimes")
    with pytest.raises(InvalidOptionError, match="PIXELSQL_COMPILE must be one of auto, on, off"):
        compile_setting()
    with pytest.raises(InvalidOptionError, match="compile must be one of"):
        TrainOptions(compile="always")


@pytest.fixture
def aot_eager(monkeypatch: pytest.MonkeyPatch) -> None:
    import torch._dynamo

    monkeypatch.setenv(COMPILE_BACKEND_ENV, "aot_eager")
    monkeypatch.delenv(COMPILE_ENV, raising=False)
    # Dynamo remembers per function which sizes changed before (and then compiles for any
    # size): start each test without that memory, so the graph counts below mean something.
    torch._dynamo.reset()


def test_compiled_training_learns_and_saves_a_plain_model(tmp_path: Path, aot_eager: None) -> None:
    base = register_tiny_model()
    paths, labels = write_shape_dataset(tmp_path / "train", 12, seed=3)
    roots = ImageRoots.of(tmp_path)
    options = TrainOptions(input_size=32, max_epochs=3, batch_size=10, device="cpu",
                           use_pretrained=False, validation_split=0.0)  # 24 rows: 10 + 10 + 4
    graphs = compiled_graphs()
    eager = fit(base, paths, labels, roots, options)  # "auto" on the CPU: eager
    assert eager.data_summary["compiled"] is False and compiled_graphs() == graphs
    result = fit(base, paths, labels, roots, TrainOptions(**{**options.to_dict(),
                                                             "compile": "on"}))
    assert result.data_summary["compiled"] is True
    # One graph: the short last batch of each epoch is left out, not compiled for.
    assert compiled_graphs() == graphs + 1
    assert any("torch.compile" in n and "compile=on" in n for n in result.notices)
    # The same seed, data and order: compiling changes the speed, not what is learnt.
    assert result.metrics["train_accuracy"] == pytest.approx(eager.metrics["train_accuracy"],
                                                             abs=0.15)
    assert result.metrics["train_accuracy"] >= 0.75, result.metrics
    saved = save_model(tmp_path / "model", result.model, metadata_from_training(result))
    loaded = load_model(saved, device="cpu")  # plain keys: no "_orig_mod." prefix
    assert loaded.model.state_dict().keys() == eager.model.state_dict().keys()
    preds = predict(loaded.model, loaded.encoder, loaded.preprocessing, paths, roots,
                    setup=DeviceSetup.choose("cpu"))
    assert sum(p.label == t for p, t in zip(preds, labels, strict=True)) >= 0.75 * len(paths)


def test_a_worker_compiles_a_cached_model_once_and_reuses_it(
        tmp_path: Path, aot_eager: None) -> None:
    base = register_tiny_model()
    paths, labels = write_shape_dataset(tmp_path / "images", 6, seed=4)
    result = fit(base, paths, labels, ImageRoots.of(tmp_path),
                 TrainOptions(input_size=32, max_epochs=1, batch_size=4, device="cpu",
                              use_pretrained=False))
    model_dir = str(save_model(tmp_path / "model", result.model, metadata_from_training(result)))
    parent, _child = mp.Pipe()
    worker = worker_module.Worker(parent, mp.get_context("spawn").Event(), "cpu")

    def run(compile_: str | None) -> list[str | None]:
        outcome = worker.predict(PredictJob(model_dir, list(paths), (str(tmp_path),),
                                            compile=compile_))
        return outcome.labels

    eager = run(None)  # "auto" on the CPU: eager, however many images it has served
    entry = worker.cached(model_dir)
    assert entry.compiled is None and entry.served == len(paths)
    assert run("on") == eager
    first = entry.compiled
    assert first is not None
    graphs = compiled_graphs()
    assert run("on") == eager and entry.compiled is first  # compiled once, then reused
    assert entry.served == 3 * len(paths)
    few = worker.predict(PredictJob(model_dir, list(paths[:5]), (str(tmp_path),),
                                    compile="on"))
    assert few.labels == eager[:5]
    assert compiled_graphs() == graphs, "a short batch compiled another graph (not padded)"
