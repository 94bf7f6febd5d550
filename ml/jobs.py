"""What the engine sends to an ML worker process and what comes back (all picklable, torch-free).

A job names its inputs (image references, labels, model directories, options as plain dicts)
and the worker answers with ``Progress`` messages while it runs, then one ``JobDone`` or
``JobFailed``. ``ImageRef`` values are server paths (str) or image bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ImageRefValue = str | bytes


@dataclass(frozen=True)
class TrainJob:
    """BUILD MODEL (``init_model_dir`` None) or FIT MODEL (start from that model)."""

    model_dir: str  # the artifact is written here, atomically
    base: str
    refs: list[ImageRefValue]
    labels: list[object]
    image_roots: tuple[str, ...]
    options: dict[str, Any]  # ml.train.TrainOptions fields
    init_model_dir: str | None = None
    gpu_ids: tuple[int, ...] | None = None  # OPTIONS (gpus=N): set by the pool, worker's first


@dataclass(frozen=True)
class PredictJob:
    """PREDICT (``labels`` None) or EVALUATE (score against ``labels``)."""

    model_dir: str
    refs: list[ImageRefValue]
    image_roots: tuple[str, ...]
    labels: list[object] | None = None
    top_k: int = 0
    batch_size: int | None = None
    device: str | None = None
    compile: str | None = None  # auto | on | off (ml.compiling); None: PIXELSQL_COMPILE


Job = TrainJob | PredictJob


@dataclass(frozen=True)
class Progress:
    """One progress report; ``message`` is the line a client sees as a NOTICE."""

    message: str
    fraction: float | None = None  # of the whole job, when known
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TrainOutcome:
    base: str
    classes: list[str]
    metrics: dict[str, Any]
    options: dict[str, Any]
    artifact_bytes: int
    notices: list[str]


@dataclass(frozen=True)
class PredictOutcome:
    labels: list[str | None]  # None where the image could not be used
    probabilities: list[float | None]
    errors: list[str | None]
    metrics: dict[str, Any] | None = None  # EVALUATE only


@dataclass(frozen=True)
class JobDone:
    value: TrainOutcome | PredictOutcome


@dataclass(frozen=True)
class JobFailed:
    sqlstate: str
    message: str
