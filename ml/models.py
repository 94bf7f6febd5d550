"""Model registry: base architectures by name, head replaced for N classes, local weights.

The torchvision/timm habit: ``register_model`` adds a builder under a name, ``get_model`` builds
one by a case-insensitive name (underscores and dashes ignored, so ``ConvNeXt_Tiny``,
``convnext_tiny`` and ``convnexttiny`` are the same base).

Pretrained weights are looked up locally, in order: an explicit file or directory, the
``PIXELSQL_WEIGHTS_DIR`` directory, then the torch hub checkpoint cache. A directory matches the
torchvision file name (``convnext_tiny-983f1562.pth``) or ``<base>.pth`` / ``<base>.pt``.
Downloading happens only with ``allow_download=True``. When nothing is found the model starts
from random initialisation and ``BuiltModel.notice`` says so, for the caller to send as a NOTICE.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn
from torchvision import models as tvm

from ml.errors import UnknownModelError, WeightsError

WEIGHTS_DIR_ENV = "PIXELSQL_WEIGHTS_DIR"

Builder = Callable[[], nn.Module]
HeadReplacer = Callable[[nn.Module, int], None]


@dataclass(frozen=True)
class ModelSpec:
    """How to build one base model and adapt it to N classes."""

    name: str  # display name, e.g. "ConvNeXt_Tiny"
    builder: Builder  # builds the ImageNet-shaped (1000-class) architecture, random init
    replace_head: HeadReplacer
    default_learning_rate: float
    weights_url: str | None = None  # torchvision's ImageNet weights, for the file name / download


@dataclass
class BuiltModel:
    """A model ready to train, plus where its weights came from."""

    model: nn.Module
    base: str
    pretrained: bool
    weights_source: str | None  # file path or URL the weights came from; None for random init
    notice: str | None  # a user-facing message when the caller should be told something


_REGISTRY: dict[str, ModelSpec] = {}


def normalise_name(name: str) -> str:
    """The registry key for a base name: lowercase, without underscores, dashes or spaces."""
    return "".join(ch for ch in name.lower() if ch not in "_- ")


def register_model(spec: ModelSpec) -> ModelSpec:
    """Add a base model to the registry (replacing one with the same normalised name)."""
    _REGISTRY[normalise_name(spec.name)] = spec
    return spec


def unregister_model(name: str) -> None:
    """Remove a base model (tests register small ones and remove them again)."""
    _REGISTRY.pop(normalise_name(name), None)


def list_models() -> list[str]:
    """Display names of the registered bases, sorted."""
    return sorted(spec.name for spec in _REGISTRY.values())


def get_spec(name: str) -> ModelSpec:
    """The spec for a base name; UnknownModelError listing the known names otherwise."""
    spec = _REGISTRY.get(normalise_name(name))
    if spec is None:
        raise UnknownModelError(
            f"unknown base model {name!r}; known models: {', '.join(list_models())}")
    return spec


def get_model(name: str, num_classes: int, *, weights: str | os.PathLike[str] | None = None,
              use_pretrained: bool = True, allow_download: bool = False) -> BuiltModel:
    """Build base ``name`` with an ``num_classes``-way head.

    ``weights`` is an explicit file or directory; when it is given and cannot be used, that is
    an error (the user asked for it). Otherwise weights are searched for as the module docstring
    says, and their absence is reported in ``notice``, not raised.
    """
    if num_classes < 1:
        raise ValueError(f"num_classes must be at least 1, got {num_classes}")
    spec = get_spec(name)
    model = spec.builder()
    pretrained = False
    source: str | None = None
    notice: str | None = None
    if use_pretrained:
        state, source = _find_weights(spec, weights, allow_download)
        if state is not None:
            try:
                model.load_state_dict(state)
            except RuntimeError as exc:
                raise WeightsError(
                    f"weights in {source} do not fit {spec.name}: {_first_line(exc)}") from exc
            pretrained = True
        else:
            notice = (f"no pretrained weights found for {spec.name}; training starts from random "
                      f"initialisation (set {WEIGHTS_DIR_ENV} or the weights option)")
    spec.replace_head(model, num_classes)
    return BuiltModel(model=model, base=spec.name, pretrained=pretrained,
                      weights_source=source, notice=notice)


def build_for_checkpoint(name: str, num_classes: int) -> nn.Module:
    """The architecture only (no weight lookup), for loading a saved fine-tuned model."""
    spec = get_spec(name)
    model = spec.builder()
    spec.replace_head(model, num_classes)
    return model


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _candidate_names(spec: ModelSpec) -> list[str]:
    names = []
    if spec.weights_url:
        names.append(spec.weights_url.rsplit("/", 1)[-1])
    key = normalise_name(spec.name)
    names += [f"{spec.name.lower()}.pth", f"{spec.name.lower()}.pt", f"{key}.pth", f"{key}.pt"]
    return names


def _find_in_dir(spec: ModelSpec, directory: Path) -> Path | None:
    for candidate in _candidate_names(spec):
        path = directory / candidate
        if path.is_file():
            return path
    return None


def _load_state(path: Path) -> dict[str, Any]:
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # any unreadable / non-torch / unsafe pickle file
        raise WeightsError(f"cannot load weights file {path}: {_first_line(exc)}") from exc
    if isinstance(state, dict) and "state_dict" in state and isinstance(state["state_dict"], dict):
        state = state["state_dict"]
    if not isinstance(state, dict):
        raise WeightsError(f"weights file {path} does not hold a state_dict")
    return state


def _find_weights(spec: ModelSpec, explicit: str | os.PathLike[str] | None,
                  allow_download: bool) -> tuple[dict[str, Any] | None, str | None]:
    if explicit is not None:
        path = Path(explicit).expanduser()
        if path.is_dir():
            found = _find_in_dir(spec, path)
            if found is None:
                raise WeightsError(
                    f"no weights for {spec.name} in {path} (looked for "
                    f"{', '.join(_candidate_names(spec))})")
            path = found
        elif not path.is_file():
            raise WeightsError(f"weights file {path} does not exist")
        return _load_state(path), str(path)
    directories = []
    env_dir = os.environ.get(WEIGHTS_DIR_ENV)
    if env_dir:
        directories.append(Path(env_dir).expanduser())
    directories.append(Path(torch.hub.get_dir()) / "checkpoints")
    for directory in directories:
        if directory.is_dir():
            found = _find_in_dir(spec, directory)
            if found is not None:
                return _load_state(found), str(found)
    if allow_download and spec.weights_url:
        state = torch.hub.load_state_dict_from_url(spec.weights_url, map_location="cpu",
                                                   weights_only=True)
        return state, spec.weights_url
    return None, None


def _replace_convnext_head(model: nn.Module, num_classes: int) -> None:
    classifier = model.classifier  # Sequential(LayerNorm2d, Flatten, Linear)
    assert isinstance(classifier, nn.Sequential)
    old = classifier[2]
    assert isinstance(old, nn.Linear)
    classifier[2] = nn.Linear(old.in_features, num_classes)


def _replace_efficientnet_head(model: nn.Module, num_classes: int) -> None:
    classifier = model.classifier  # Sequential(Dropout, Linear)
    assert isinstance(classifier, nn.Sequential)
    old = classifier[1]
    assert isinstance(old, nn.Linear)
    classifier[1] = nn.Linear(old.in_features, num_classes)


register_model(ModelSpec(
    name="ConvNeXt_Tiny", builder=tvm.convnext_tiny, replace_head=_replace_convnext_head,
    default_learning_rate=1e-4, weights_url=tvm.ConvNeXt_Tiny_Weights.IMAGENET1K_V1.url))
register_model(ModelSpec(
    name="ConvNeXt_Base", builder=tvm.convnext_base, replace_head=_replace_convnext_head,
    default_learning_rate=1e-4, weights_url=tvm.ConvNeXt_Base_Weights.IMAGENET1K_V1.url))
register_model(ModelSpec(
    name="EfficientNetV2S", builder=tvm.efficientnet_v2_s,
    replace_head=_replace_efficientnet_head, default_learning_rate=1e-3,
    weights_url=tvm.EfficientNet_V2_S_Weights.IMAGENET1K_V1.url))
register_model(ModelSpec(
    name="EfficientNetV2M", builder=tvm.efficientnet_v2_m,
    replace_head=_replace_efficientnet_head, default_learning_rate=1e-3,
    weights_url=tvm.EfficientNet_V2_M_Weights.IMAGENET1K_V1.url))
