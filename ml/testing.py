"""Test support: generated coloured-shape images and a tiny registry entry for fast CPU tests.

Used by tests/test_ml_*.py (and later by engine tests that run BUILD MODEL end to end). The
tiny model exists only so training-to-accuracy tests run in seconds on two cores; the real
bases are smoke-tested separately.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

from PIL import Image, ImageDraw
from torch import nn

from ml.models import ModelSpec, register_model

TINY_MODEL = "TinyTestNet"
SHAPE_COLORS = {"red": (220, 30, 30), "green": (30, 180, 40), "blue": (30, 60, 220)}


def _tiny_builder() -> nn.Module:
    model = nn.Sequential(
        nn.Conv2d(3, 8, 3, stride=2, padding=1), nn.ReLU(),
        nn.Conv2d(8, 16, 3, stride=2, padding=1), nn.ReLU(),
        nn.AdaptiveAvgPool2d(1), nn.Flatten())
    model.add_module("classifier", nn.Sequential(nn.Linear(16, 1000)))
    return model


def _tiny_head(model: nn.Module, num_classes: int) -> None:
    model.classifier = nn.Sequential(nn.Linear(16, num_classes))


def register_tiny_model() -> str:
    """Register the tiny test base (idempotent) and return its name."""
    register_model(ModelSpec(name=TINY_MODEL, builder=_tiny_builder, replace_head=_tiny_head,
                             default_learning_rate=1e-2))
    return TINY_MODEL


def shape_image(color: str, size: int = 32, seed: int = 0, fmt: str = "PNG") -> bytes:
    """A shape of the given colour on a noisy light background, as encoded image bytes."""
    rng = random.Random(seed)
    bg = (rng.randint(200, 255), rng.randint(200, 255), rng.randint(200, 255))
    image = Image.new("RGB", (size, size), bg)
    draw = ImageDraw.Draw(image)
    r = rng.randint(size // 4, size // 2 - 1)
    cx, cy = rng.randint(r, size - r), rng.randint(r, size - r)
    box = (cx - r, cy - r, cx + r, cy + r)
    if rng.random() < 0.5:
        draw.ellipse(box, fill=SHAPE_COLORS[color])
    else:
        draw.rectangle(box, fill=SHAPE_COLORS[color])
    out = io.BytesIO()
    image.save(out, format=fmt)
    return out.getvalue()


def write_shape_dataset(directory: Path, per_class: int, classes: tuple[str, ...] = ("red", "blue"),
                        size: int = 32, seed: int = 0) -> tuple[list[str], list[str]]:
    """Write ``per_class`` PNGs per colour under ``directory``; return (paths, labels)."""
    directory.mkdir(parents=True, exist_ok=True)
    paths: list[str] = []
    labels: list[str] = []
    for c, color in enumerate(classes):
        for i in range(per_class):
            path = directory / f"{color}_{i}.png"
            path.write_bytes(shape_image(color, size, seed=seed * 100003 + c * 1009 + i))
            paths.append(str(path))
            labels.append(color)
    order = list(range(len(paths)))
    random.Random(seed).shuffle(order)
    return [paths[i] for i in order], [labels[i] for i in order]
