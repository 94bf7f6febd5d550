"""Artifacts round trip (save → load → predict/evaluate), atomic replace, metrics."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from ml.artifacts import (
    METADATA_FILE,
    WEIGHTS_FILE,
    ArtifactError,
    load_model,
    metadata_from_training,
    read_metadata,
    save_model,
)
from ml.data import ImageRoots
from ml.predict import classification_metrics, evaluate_refs, predict
from ml.testing import register_tiny_model, shape_image, write_shape_dataset
from ml.train import TrainOptions, fit


def test_saved_model_predicts_and_evaluates_the_same(tmp_path: Path) -> None:
    torch.set_num_threads(2)
    images = tmp_path / "images"
    paths, labels = write_shape_dataset(images / "train", 20, ("red", "green", "blue"))
    result = fit(register_tiny_model(), paths, labels, ImageRoots.of(images),
                 TrainOptions(input_size=32, max_epochs=4, batch_size=8))
    model_dir = save_model(tmp_path / "models" / "my_classifier", result.model,
                           metadata_from_training(result))
    assert sorted(p.name for p in model_dir.iterdir()) == [METADATA_FILE, WEIGHTS_FILE]
    assert not [p for p in model_dir.parent.iterdir() if p.name.startswith(".")]
    meta = json.loads((model_dir / METADATA_FILE).read_text())
    assert meta["classes"] == ["blue", "green", "red"]
    assert meta["preprocessing"]["input_size"] == 32
    assert meta["options"]["max_epochs"] == 4 and "torch" in meta["versions"]
    assert meta["data_summary"]["train_rows"] == 54

    test_paths, test_labels = write_shape_dataset(images / "test", 5, ("red", "green", "blue"),
                                                  seed=3)
    refs: list[str | bytes] = [*test_paths, shape_image("red", seed=99), str(images / "nope.png")]
    before = predict(result.model, result.encoder, result.preprocessing, refs,
                     ImageRoots.of(images), top_k=2)
    loaded = load_model(model_dir, device="cpu")
    after = predict(loaded.model, loaded.encoder, loaded.preprocessing, refs,
                    ImageRoots.of(images), top_k=2)
    assert [p.row for p in after] == list(range(len(refs)))  # input order
    assert [p.label for p in after] == [p.label for p in before]
    for a, b in zip(after, before, strict=True):
        assert (a.probability or 0) == pytest.approx(b.probability or 0, abs=1e-5)
    assert len(after[0].top_k) == 2 and after[0].top_k[0][0] == after[0].label
    assert after[-1].label is None and after[-1].error == "file not found"

    metrics = classification_metrics([*test_labels, "red", "red"],
                                     [p.label for p in after], loaded.encoder.classes)
    assert metrics.evaluated == 16 and metrics.skipped == 1
    assert metrics.accuracy >= 0.8
    assert sum(map(sum, metrics.confusion)) == 16
    assert dict(metrics.scores())["accuracy"] == metrics.accuracy
    same, _ = evaluate_refs(loaded.model, loaded.encoder, loaded.preprocessing, refs,
                            [*test_labels, "red", "red"], ImageRoots.of(images))
    assert same.confusion == metrics.confusion


def test_save_replaces_atomically_and_bad_artifacts_are_errors(tmp_path: Path) -> None:
    from ml.artifacts import ModelMetadata
    from ml.data import Preprocessing
    from ml.models import build_for_checkpoint

    name = register_tiny_model()
    target = tmp_path / "m"
    meta = ModelMetadata(base=name, classes=["a", "b"],
                         preprocessing=Preprocessing(input_size=32).to_dict())
    save_model(target, build_for_checkpoint(name, 2), meta)
    meta2 = ModelMetadata(base=name, classes=["a", "b", "c"],
                          preprocessing=Preprocessing(input_size=32).to_dict())
    save_model(target, build_for_checkpoint(name, 3), meta2)
    assert read_metadata(target).classes == ["a", "b", "c"]
    assert load_model(target, "cpu").encoder.classes == ("a", "b", "c")
    assert [p.name for p in tmp_path.iterdir()] == ["m"]

    (target / WEIGHTS_FILE).write_bytes(b"garbage")
    with pytest.raises(ArtifactError, match="cannot load model weights"):
        load_model(target, "cpu")
    with pytest.raises(ArtifactError, match="cannot read model metadata"):
        load_model(tmp_path / "absent", "cpu")


def test_metrics_by_hand() -> None:
    m = classification_metrics(["a", "a", "b", "b", "c", None],
                               ["a", "b", "b", "b", "a", "a"], ["a", "b", "c"])
    assert m.accuracy == pytest.approx(3 / 5)
    assert m.confusion == [[1, 1, 0], [0, 2, 0], [1, 0, 0]]
    assert m.support == {"a": 2, "b": 2, "c": 1}
    assert m.predicted_count == {"a": 2, "b": 3, "c": 0}
    # precision a=1/2 b=2/3 c=0; recall a=1/2 b=1 c=0
    assert m.macro_precision == pytest.approx((0.5 + 2 / 3) / 3)
    assert m.macro_recall == pytest.approx(1.5 / 3)
    f1_b = 2 * (2 / 3) / (2 / 3 + 1)
    assert m.macro_f1 == pytest.approx((0.5 + f1_b) / 3)
    assert m.skipped == 1
