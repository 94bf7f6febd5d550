"""Batched prediction in input order, and classification metrics for EVALUATE.

``predict`` returns one ``Prediction`` per input row, in input order: the label, its
probability, optionally the top-k (label, probability) pairs, or the reason the image could not
be used (the engine turns those rows into NULL predictions plus a NOTICE).
``classification_metrics`` computes accuracy, macro precision/recall/F1, per-class counts and
the confusion matrix with plain Python (no sklearn dependency).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn

from ml.data import Batch, FailureTracker, ImageRef, ImageRoots, LabelEncoder, Preprocessing
from ml.errors import Cancelled
from ml.train import BatchSource, DeviceSetup, StopCheck, iter_batches, stop_requested


@dataclass(frozen=True)
class Prediction:
    row: int
    label: str | None  # None when the image could not be used
    probability: float | None
    top_k: tuple[tuple[str, float], ...] = ()
    error: str | None = None


def default_batch_size(setup: DeviceSetup) -> int:
    """Inference batch size: large on a GPU (no gradients), modest on CPU."""
    return 256 if setup.device.type == "cuda" else 32


def predict(model: nn.Module, encoder: LabelEncoder, preprocessing: Preprocessing,
            refs: Sequence[ImageRef], roots: ImageRoots, *, top_k: int = 0,
            batch_size: int | None = None, setup: DeviceSetup | None = None,
            max_failure_fraction: float = 1.0, should_stop: StopCheck = None,
            fixed_shapes: bool = False) -> list[Prediction]:
    """Predict a label for every ref, in input order.

    Short batches (the last one, one with unreadable images) run padded with zero images
    (``padded_size``): with ``fixed_shapes`` to the batch size, so that a compiled model runs
    one graph instead of compiling another per size.
    """
    setup = setup or DeviceSetup.choose()
    size = batch_size or default_batch_size(setup)
    loader = setup.image_loader(refs, None, roots, preprocessing, train=False,
                                batch_size=size, shuffle=False, reuse_workers=True)
    failures = FailureTracker(len(refs), max_failure_fraction)
    results = predict_batches(model, encoder, loader, setup, batch_size=size, top_k=top_k,
                              failures=failures, should_stop=should_stop,
                              fixed_shapes=fixed_shapes)
    failures.check()
    for failure in failures.examples_all():
        results[failure.row] = Prediction(failure.row, None, None, error=failure.reason)
    return [results[i] for i in range(len(refs))]


def predict_batches(model: nn.Module, encoder: LabelEncoder, batches: BatchSource,
                    setup: DeviceSetup, *, batch_size: int, top_k: int = 0,
                    failures: FailureTracker | None = None, should_stop: StopCheck = None,
                    fixed_shapes: bool = False) -> dict[int, Prediction]:
    """``predict``'s loop over batches already read: a ``Prediction`` per row, by row number.

    Kept apart from reading so that its own cost can be measured against a bare loop of
    forward passes over the same tensors (``bench/ml.py --overhead``).
    """
    model.to(setup.device).eval()
    if setup.channels_last:
        model.to(memory_format=torch.channels_last)
    results: dict[int, Prediction] = {}
    k = min(top_k, len(encoder.classes))
    autotuned = setup.device.type == "cuda" and torch.backends.cudnn.benchmark
    limit = _ChunkLimit()
    pending: tuple[Batch, _HostCopy] | None = None

    def collect(batch: Batch, copy: _HostCopy) -> None:
        probs = copy.wait()  # that batch's forward pass and copy; not the ones queued after
        best_p, best_i = probs.max(1)
        # Whole columns to Python at once: indexing a tensor per row costs ~3 µs a value.
        tops: list[tuple[tuple[str, float], ...]] = [()] * len(probs)
        if k:
            top_p, top_i = probs.topk(k, dim=1)
            tops = [tuple((encoder.decode(i), p) for p, i in zip(ps, is_, strict=True))
                    for ps, is_ in zip(top_p.tolist(), top_i.tolist(), strict=True)]
        for row, p, i, top in zip(batch.rows.tolist(), best_p.tolist(), best_i.tolist(), tops,
                                  strict=True):
            results[row] = Prediction(row, encoder.decode(i), p, top)

    # One batch of lag: batch k's results are read only after batch k+1 has been fetched
    # (and, with device decoding, its JPEGs decoded) and its forward pass queued, so that the
    # host-side work of one batch overlaps the device's work on the previous one. Batch k's
    # probabilities start their copy to the host as soon as its forward pass is queued and
    # reading them waits for that copy only: a plain .cpu() at read time would be queued
    # behind batch k+1's forward pass and wait for it too, leaving the GPU idle while the host
    # prepared batch k+2 (inference ran at decode time + forward time per batch).
    with torch.inference_mode(), setup.on_compute_stream():
        for batch in iter_batches(batches, failures, None):
            if stop_requested(should_stop):
                raise Cancelled("prediction cancelled")
            images, _ = setup.to_device(batch)
            count = len(images)
            padded = padded_size(count, batch_size, fixed_shapes, autotuned)
            if padded > count:  # zero images after them; layout kept
                images = nn.functional.pad(images, (0, 0, 0, 0, 0, 0, 0, padded - count))
            probs = _HostCopy(_probabilities(model, images, setup, limit)[:count])
            if pending is not None:
                collect(*pending)
            pending = (batch, probs)
        if pending is not None:
            collect(*pending)
    return results


def padded_size(count: int, size: int, fixed_shapes: bool, autotuned: bool) -> int:
    """The batch size a batch of ``count`` images (batches of ``size``) runs at, zero images
    making up the difference.

    ``fixed_shapes`` (a compiled model): ``size``, one graph for every batch. ``autotuned``
    (cuDNN's benchmark mode, on a GPU): the next power of two, at most ``size``. cuDNN times
    its algorithms for every input shape it has not seen in the process, and a call's last
    batch has whatever size its row count leaves: a new shape for most PREDICTs, and for most
    of ``pixelsql_predict``'s chunks. In powers of two a batch of 256 has 9 shapes, and a last
    batch does at most twice its work. Otherwise ``count``: on the CPU padding is only work.
    """
    if fixed_shapes:
        return max(count, size)
    if autotuned and count < size:
        return min(size, 1 << max(count - 1, 0).bit_length())
    return count


class _HostCopy:
    """A device tensor on its way to host memory: the copy is queued now, ``wait`` returns the
    host tensor once this copy (and the work queued before it) is done."""

    def __init__(self, tensor: torch.Tensor) -> None:
        self.done: torch.cuda.Event | None = None
        if tensor.device.type != "cuda":
            self.host = tensor.cpu()
            return
        self.host = torch.empty(tensor.shape, dtype=tensor.dtype, pin_memory=True)
        self.host.copy_(tensor, non_blocking=True)
        self.done = torch.cuda.Event()  # type: ignore[no-untyped-call]
        self.done.record()

    def wait(self) -> torch.Tensor:
        if self.done is not None:
            self.done.synchronize()  # type: ignore[no-untyped-call]
        return self.host


class _ChunkLimit:
    """The largest sub-batch known to fit in device memory (None until an OOM is seen)."""

    def __init__(self) -> None:
        self.size: int | None = None


def _probabilities(model: nn.Module, images: torch.Tensor, setup: DeviceSetup,
                   limit: _ChunkLimit) -> torch.Tensor:
    """Softmax over the model's logits; on out-of-memory, halve the chunk and remember it.

    This is the automatic inference batch size: start large, settle on what fits.
    """
    chunk = limit.size or len(images)
    while True:
        try:
            parts = []
            for start in range(0, len(images), chunk):
                with setup.autocast():
                    logits = model(images[start:start + chunk])
                parts.append(logits.float().softmax(1))
            return torch.cat(parts)
        except torch.OutOfMemoryError:
            if chunk == 1:
                raise
            chunk = max(1, chunk // 2)
            limit.size = chunk
            if setup.device.type == "cuda":
                torch.cuda.empty_cache()


@dataclass
class Metrics:
    """EVALUATE's result: scalar scores plus per-class detail."""

    accuracy: float
    macro_precision: float
    macro_recall: float
    macro_f1: float
    classes: list[str]
    support: dict[str, int]  # true count per class
    predicted_count: dict[str, int]
    confusion: list[list[int]]  # confusion[true][predicted]
    evaluated: int
    skipped: int = 0
    per_class: dict[str, dict[str, float]] = field(default_factory=dict)

    def scores(self) -> list[tuple[str, float]]:
        """(metric, score) rows as EVALUATE returns them."""
        return [("accuracy", self.accuracy), ("macro_precision", self.macro_precision),
                ("macro_recall", self.macro_recall), ("macro_f1", self.macro_f1)]

    def to_dict(self) -> dict[str, Any]:
        from dataclasses import asdict

        return asdict(self)


def classification_metrics(true: Sequence[str | None], predicted: Sequence[str | None],
                           classes: Sequence[str]) -> Metrics:
    """Metrics over rows where both the true and the predicted label exist.

    True labels that are not among the model's classes count as misses (they get their own
    row/column in the confusion matrix so nothing is silently dropped).
    """
    if len(true) != len(predicted):
        raise ValueError("true and predicted differ in length")
    pairs = [(str(t), p) for t, p in zip(true, predicted, strict=True)
             if t is not None and p is not None]
    names = list(classes) + sorted({t for t, _ in pairs} - set(classes))
    index = {name: i for i, name in enumerate(names)}
    n = len(names)
    confusion = [[0] * n for _ in range(n)]
    for t, p in pairs:
        confusion[index[t]][index[p]] += 1
    total = len(pairs)
    correct = sum(confusion[i][i] for i in range(n))
    per_class: dict[str, dict[str, float]] = {}
    precisions, recalls, f1s = [], [], []
    for i, name in enumerate(names):
        tp = confusion[i][i]
        support = sum(confusion[i])
        pred_count = sum(row[i] for row in confusion)
        if support == 0 and pred_count == 0:
            continue  # a class absent from both sides does not drag the macro average
        precision = tp / pred_count if pred_count else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[name] = {"precision": precision, "recall": recall, "f1": f1,
                           "support": float(support)}
        precisions.append(precision)
        recalls.append(recall)
        f1s.append(f1)

    def mean(values: list[float]) -> float:
        return sum(values) / len(values) if values else 0.0

    return Metrics(
        accuracy=correct / total if total else 0.0, macro_precision=mean(precisions),
        macro_recall=mean(recalls), macro_f1=mean(f1s), classes=names,
        support={name: sum(confusion[i]) for i, name in enumerate(names)},
        predicted_count={name: sum(row[i] for row in confusion) for i, name in enumerate(names)},
        confusion=confusion, evaluated=total, skipped=len(true) - total, per_class=per_class)


def evaluate_refs(model: nn.Module, encoder: LabelEncoder, preprocessing: Preprocessing,
                  refs: Sequence[ImageRef], labels: Sequence[object], roots: ImageRoots, *,
                  batch_size: int | None = None, setup: DeviceSetup | None = None,
                  max_failure_fraction: float = 1.0, should_stop: StopCheck = None,
                  fixed_shapes: bool = False) -> tuple[Metrics, list[Prediction]]:
    """EVALUATE: predict every row, then score against its label (unusable rows are skipped)."""
    predictions = predict(model, encoder, preprocessing, refs, roots, batch_size=batch_size,
                          setup=setup, max_failure_fraction=max_failure_fraction,
                          should_stop=should_stop, fixed_shapes=fixed_shapes)
    true = [None if label is None else str(label) for label in labels]
    metrics = classification_metrics(true, [p.label for p in predictions], encoder.classes)
    return metrics, predictions
