"""Model artifacts: one directory per model holding ``weights.pt`` and ``metadata.json``.

Writing is atomic: everything goes into a temporary sibling directory, each file and the
directory are fsynced, and only then is it renamed into place (an existing model is moved aside
first and removed after), so a crash leaves either the old model or the new one, never a half.
Loading uses ``torch.load(weights_only=True)`` and maps tensors to the CPU, so a model trained
on a GPU loads and predicts on a machine without one.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
import torchvision
from torch import nn

from ml.data import LabelEncoder, Preprocessing
from ml.errors import MLError
from ml.models import build_for_checkpoint

FORMAT_VERSION = 1
WEIGHTS_FILE = "weights.pt"
METADATA_FILE = "metadata.json"


class ArtifactError(MLError):
    """A model directory that is missing, incomplete or unreadable."""

    sqlstate = "58030"


@dataclass
class ModelMetadata:
    """Everything about a trained model except its weights (JSON-serialisable)."""

    base: str
    classes: list[str]
    preprocessing: dict[str, Any]
    options: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    data_summary: dict[str, Any] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)
    created_utc: str = ""
    format_version: int = FORMAT_VERSION

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelMetadata:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


@dataclass
class LoadedModel:
    model: nn.Module
    metadata: ModelMetadata
    encoder: LabelEncoder
    preprocessing: Preprocessing


def current_versions() -> dict[str, str]:
    return {"torch": torch.__version__, "torchvision": torchvision.__version__,
            "python": platform.python_version(), "pixelsql_format": str(FORMAT_VERSION)}


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):  # some filesystems refuse dir fsync
        _fsync_file(path)


def save_model(directory: str | os.PathLike[str], model: nn.Module,
               metadata: ModelMetadata) -> Path:
    """Write the model to ``directory`` atomically, replacing any model already there."""
    target = Path(directory)
    target.parent.mkdir(parents=True, exist_ok=True)
    if not metadata.created_utc:
        metadata.created_utc = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    if not metadata.versions:
        metadata.versions = current_versions()
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        state = {k: v.detach().to("cpu").contiguous() for k, v in model.state_dict().items()}
        torch.save(state, tmp / WEIGHTS_FILE)
        (tmp / METADATA_FILE).write_text(json.dumps(metadata.to_dict(), indent=2, default=str))
        for name in (WEIGHTS_FILE, METADATA_FILE):
            _fsync_file(tmp / name)
        _fsync_dir(tmp)
        old: Path | None = None
        if target.exists():
            old = target.parent / f".{target.name}.old-{os.getpid()}-{time.monotonic_ns()}"
            os.rename(target, old)
        os.rename(tmp, target)
        _fsync_dir(target.parent)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


def metadata_from_training(result: Any) -> ModelMetadata:
    """Metadata for a ``ml.train.TrainResult`` (typed as Any to keep this module light)."""
    return ModelMetadata(
        base=result.base, classes=list(result.encoder.classes),
        preprocessing=result.preprocessing.to_dict(), options=result.options.to_dict(),
        metrics=dict(result.metrics), data_summary=dict(result.data_summary))


def read_metadata(directory: str | os.PathLike[str]) -> ModelMetadata:
    path = Path(directory) / METADATA_FILE
    try:
        return ModelMetadata.from_dict(json.loads(path.read_text()))
    except (OSError, ValueError, TypeError) as exc:
        raise ArtifactError(f"cannot read model metadata {path}: {exc}") from exc


def load_model(directory: str | os.PathLike[str],
               device: str | torch.device | None = None) -> LoadedModel:
    """Load a saved model onto ``device`` (default: cuda when available, else cpu)."""
    metadata = read_metadata(directory)
    path = Path(directory) / WEIGHTS_FILE
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # corrupt file, unsafe pickle, missing
        raise ArtifactError(f"cannot load model weights {path}: {exc}") from exc
    model = build_for_checkpoint(metadata.base, len(metadata.classes))
    model.load_state_dict(state)
    dev = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
    model.to(dev).eval()
    return LoadedModel(model, metadata, LabelEncoder(tuple(metadata.classes)),
                       Preprocessing.from_dict(metadata.preprocessing))
