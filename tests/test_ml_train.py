"""Training: learns a small colour problem, progress, cancellation, bad images, real base."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import torch

from ml.data import ImageRoots
from ml.errors import Cancelled, TooManyBadImagesError
from ml.models import WEIGHTS_DIR_ENV
from ml.predict import classification_metrics, predict
from ml.testing import register_tiny_model, write_shape_dataset
from ml.train import (
    EpochProgress,
    Progress,
    StepProgress,
    TrainOptions,
    cosine_with_warmup,
    fit,
    split_indices,
)

COLORS = ("red", "green", "blue")


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(WEIGHTS_DIR_ENV, raising=False)
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch_home"))
    torch.set_num_threads(2)


@pytest.fixture(scope="module")
def shapes(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str], list[str]]:
    root = tmp_path_factory.mktemp("shapes")
    paths, labels = write_shape_dataset(root / "train", 30, COLORS, seed=1)
    return root, paths, labels


def test_real_convnext_tiny_learns_colours_well_above_chance(
        shapes: tuple[Path, list[str], list[str]], tmp_path: Path) -> None:
    root, paths, labels = shapes
    events: list[Progress] = []
    result = fit("ConvNeXt_Tiny", paths, labels, ImageRoots.of(root),
                 TrainOptions(input_size=32, max_epochs=2, learning_rate=1e-3, batch_size=16),
                 on_progress=events.append)
    assert result.encoder.classes == ("blue", "green", "red")
    assert any("random initialisation" in n for n in result.notices)
    steps = [e for e in events if isinstance(e, StepProgress)]
    epochs = [e for e in events if isinstance(e, EpochProgress)]
    assert len(epochs) == 2 and steps and steps[-1].eta_s == pytest.approx(0, abs=1e-6)
    assert all(s.images_per_s > 0 and s.loss > 0 for s in steps)
    assert result.data_summary["validation_rows"] == 9  # 10% of 90
    # Held-out images the model never saw.
    test_paths, test_labels = write_shape_dataset(root / "test", 10, COLORS, seed=2)
    preds = predict(result.model, result.encoder, result.preprocessing, test_paths,
                    ImageRoots.of(root))
    metrics = classification_metrics(test_labels, [p.label for p in preds],
                                      result.encoder.classes)
    assert metrics.accuracy >= 0.8, metrics


def test_tiny_model_trains_and_picks_best_epoch(shapes: tuple[Path, list[str], list[str]]) -> None:
    root, paths, labels = shapes
    result = fit(register_tiny_model(), paths, labels, ImageRoots.of(root),
                 TrainOptions(input_size=32, max_epochs=6, batch_size=16, patience=2))
    assert result.metrics["val_accuracy"] >= 0.8
    best = result.metrics["best_epoch"]
    assert result.history[best - 1].is_best
    assert result.metrics["val_accuracy"] == max(h.val_accuracy or 0 for h in result.history)


def test_cancellation_stops_training(shapes: tuple[Path, list[str], list[str]]) -> None:
    root, paths, labels = shapes
    stop = threading.Event()
    seen: list[StepProgress] = []

    def on_progress(event: Progress) -> None:
        if isinstance(event, StepProgress):
            seen.append(event)
            if event.step == 2:
                stop.set()

    with pytest.raises(Cancelled, match="epoch 1, step 3") as err:
        fit(register_tiny_model(), paths, labels, ImageRoots.of(root),
            TrainOptions(input_size=32, max_epochs=50), on_progress=on_progress,
            should_stop=stop)
    assert len(seen) == 2 and err.value.sqlstate == "57014"
    with pytest.raises(Cancelled):  # a plain callable works too
        fit(register_tiny_model(), paths, labels, ImageRoots.of(root),
            TrainOptions(input_size=32), should_stop=lambda: True)


def test_bad_images_are_skipped_and_reported(tmp_path: Path) -> None:
    paths, labels = write_shape_dataset(tmp_path, 10)
    (tmp_path / "bad.png").write_bytes(b"not an image")
    paths += [str(tmp_path / "missing.png"), str(tmp_path / "bad.png")]
    labels += ["red", "blue"]
    result = fit(register_tiny_model(), paths, labels, ImageRoots.of(tmp_path),
                 TrainOptions(input_size=32, max_epochs=1, validation_split=0.0))
    assert result.data_summary["failures"]["failed"] == 2
    notice = next(n for n in result.notices if "images skipped" in n)
    assert "missing.png (file not found)" in notice and "bad.png" in notice
    with pytest.raises(TooManyBadImagesError):
        fit(register_tiny_model(), paths, labels, ImageRoots.of(tmp_path),
            TrainOptions(input_size=32, max_epochs=1, max_failure_fraction=0.05))


def test_split_is_seeded_and_schedule_warms_up_then_decays() -> None:
    a = split_indices(100, 0.1, seed=7)
    assert a == split_indices(100, 0.1, seed=7) and len(a[1]) == 10
    assert a != split_indices(100, 0.1, seed=8)
    assert set(a[0]) | set(a[1]) == set(range(100))
    param = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.AdamW([param], lr=1.0)
    sched = cosine_with_warmup(opt, total_steps=100, warmup_steps=10)
    lrs = []
    for _ in range(100):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    assert lrs[0] < lrs[5] < lrs[10] and max(lrs) == pytest.approx(1.0)
    assert lrs[50] < lrs[11] and lrs[99] < 0.01


def test_decode_workers_carry_failures_and_fine_tuning_continues(tmp_path: Path) -> None:
    """Failures cross DataLoader worker processes; FIT MODEL starts from a trained state."""
    paths, labels = write_shape_dataset(tmp_path, 8)
    paths.append(str(tmp_path / "missing.png"))
    labels.append("red")
    options = TrainOptions(input_size=32, max_epochs=3, validation_split=0.0, num_workers=1)
    first = fit(register_tiny_model(), paths, labels, ImageRoots.of(tmp_path), options)
    assert first.data_summary["failures"]["failed"] == 1
    state = {k: v.clone() for k, v in first.model.state_dict().items()}
    second = fit(register_tiny_model(), paths, labels, ImageRoots.of(tmp_path),
                 TrainOptions(input_size=32, max_epochs=1, validation_split=0.0),
                 init_state=state, encoder=first.encoder)
    assert second.encoder == first.encoder
    assert not any("random initialisation" in n for n in second.notices)
    assert second.metrics["train_accuracy"] >= 0.8


def test_prediction_shrinks_its_batch_on_out_of_memory(tmp_path: Path) -> None:
    from ml.data import LabelEncoder, Preprocessing
    from ml.models import build_for_checkpoint

    inner = build_for_checkpoint(register_tiny_model(), 2)
    calls: list[int] = []

    class Fussy(torch.nn.Module):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            calls.append(len(x))
            if len(x) > 3:
                raise torch.OutOfMemoryError("pretend the GPU is full")
            return inner(x)  # type: ignore[no-any-return]

    paths, _ = write_shape_dataset(tmp_path, 5)
    preds = predict(Fussy(), LabelEncoder(("blue", "red")), Preprocessing(input_size=32), paths,
                    ImageRoots.of(tmp_path), batch_size=10)
    assert [p.row for p in preds] == list(range(10)) and all(p.label for p in preds)
    assert calls == [10, 5, 2, 2, 2, 2, 2]  # halves until it fits, then keeps that size


def test_a_diverging_loss_stops_training_with_a_clear_error(
        shapes: tuple[Path, list[str], list[str]]) -> None:
    from ml.errors import TrainingDivergedError

    root, paths, labels = shapes
    with pytest.raises(TrainingDivergedError, match="smaller learning_rate") as err:
        fit(register_tiny_model(), paths, labels, ImageRoots.of(root),
            TrainOptions(input_size=32, max_epochs=1, batch_size=16, learning_rate=1e30,
                         warmup_fraction=0.0))
    assert err.value.sqlstate == "22000"


def test_prediction_is_the_same_in_any_batch_size_and_keeps_input_order(
        shapes: tuple[Path, list[str], list[str]]) -> None:
    """``predict`` reads a batch's results one batch late (to overlap host and device work):
    every row still gets its own prediction, in input order, whatever the batch size."""
    root, paths, labels = shapes
    result = fit(register_tiny_model(), paths, labels, ImageRoots.of(root),
                 TrainOptions(input_size=32, max_epochs=1, batch_size=16))
    refs = [*paths[::-1][:23], "missing.png"]
    runs = [predict(result.model, result.encoder, result.preprocessing, refs,
                    ImageRoots.of(root), top_k=2, batch_size=size) for size in (1, 5, 64)]
    assert [p.row for p in runs[0]] == list(range(len(refs)))
    assert runs[0][-1].label is None and runs[0][-1].error
    for other in runs[1:]:
        assert [(p.label, p.top_k and p.top_k[0][0]) for p in other] == \
            [(p.label, p.top_k and p.top_k[0][0]) for p in runs[0]]
        assert all(a.probability == pytest.approx(b.probability, abs=1e-5)
                   for a, b in zip(runs[0], other, strict=True) if a.probability is not None)


def test_predicting_ready_batches_gives_each_row_its_models_answer() -> None:
    """``predict_batches`` (``predict``'s loop, apart from reading images) over tensors
    already made: every row gets the model's own softmax answer, keyed by its row number,
    whatever the batches' order."""
    from ml.data import Batch, LabelEncoder
    from ml.predict import predict_batches
    from ml.train import DeviceSetup

    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(3 * 4 * 4, 3)).eval()
    images = torch.randn(10, 3, 4, 4)
    rows = torch.tensor([7, 3, 9, 0, 1, 2, 8, 4, 6, 5])
    batches = [Batch(images[i:i + 4], torch.zeros(len(rows[i:i + 4]), dtype=torch.long),
                     rows[i:i + 4]) for i in range(0, 10, 4)]
    encoder = LabelEncoder.fit(["x", "y", "z"])
    got = predict_batches(model, encoder, batches, DeviceSetup.choose("cpu"), batch_size=4,
                          top_k=2)
    with torch.no_grad():
        probs = model(images).softmax(1)
    assert sorted(got) == list(range(10))
    for position, row in enumerate(rows.tolist()):
        best = int(probs[position].argmax())
        assert got[row].row == row
        assert got[row].label == encoder.decode(best)
        assert got[row].probability == pytest.approx(float(probs[position, best]), abs=1e-6)
        assert [label for label, _ in got[row].top_k] == \
            [encoder.decode(int(i)) for i in probs[position].topk(2).indices]


@pytest.mark.parametrize(("count", "size", "fixed", "autotuned", "padded"), [
    (256, 256, False, True, 256), (200, 256, False, True, 256), (129, 256, False, True, 256),
    (128, 256, False, True, 128), (37, 256, False, True, 64), (1, 256, False, True, 1),
    (3, 256, False, True, 4), (300, 500, False, True, 500), (37, 256, True, True, 256),
    (37, 256, True, False, 256), (37, 256, False, False, 37), (256, 256, True, False, 256)])
def test_short_batches_are_padded_to_few_shapes_where_shapes_cost(
        count: int, size: int, fixed: bool, autotuned: bool, padded: int) -> None:
    from ml.predict import padded_size

    assert padded_size(count, size, fixed, autotuned) == padded


def test_padding_a_batch_changes_no_prediction(
        shapes: tuple[Path, list[str], list[str]]) -> None:
    """Padded batches (``fixed_shapes``; on a GPU, ``padded_size``'s powers of two) predict
    what unpadded ones do: a zero image changes no other image's result."""
    root, paths, labels = shapes
    result = fit(register_tiny_model(), paths, labels, ImageRoots.of(root),
                 TrainOptions(input_size=32, max_epochs=1, batch_size=16))
    refs = [*paths[:21], "missing.png", *paths[30:33]]
    plain, padded = (predict(result.model, result.encoder, result.preprocessing, refs,
                             ImageRoots.of(root), batch_size=16, fixed_shapes=fixed)
                     for fixed in (False, True))
    assert [p.label for p in padded] == [p.label for p in plain]
    assert all(a.probability == pytest.approx(b.probability, abs=1e-5)
               for a, b in zip(plain, padded, strict=True) if a.probability is not None)


def test_step_progress_is_rate_limited_but_every_epoch_end_is_reported(
        shapes: tuple[Path, list[str], list[str]]) -> None:
    """Each step report waits for the device; ``progress_interval_s`` keeps them rare."""
    root, paths, labels = shapes
    events: list[Progress] = []
    fit(register_tiny_model(), paths, labels, ImageRoots.of(root),
        TrainOptions(input_size=32, max_epochs=2, batch_size=8, progress_interval_s=3600),
        on_progress=events.append)
    steps = [(e.epoch, e.step, e.steps_per_epoch) for e in events if isinstance(e, StepProgress)]
    assert steps == [(1, 11, 11), (2, 11, 11)]  # 81 training rows in batches of 8
