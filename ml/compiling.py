"""``torch.compile`` where it pays: long training jobs, and models that serve many predictions.

Measured on an H200 (docs/BENCHMARKS.md, 2026-11-28): compiling ConvNeXt_Tiny took 57.5 s
before the first training step and 18.1 s before the first inference batch. End to end from
JPEG files (what a job sees), compiled training ran at 3,423 img/s against 2,378-2,602 eager,
compiled inference at 4,756 against 3,932-4,512 eager (the input pipeline, not the model,
bounds inference). A job gains only when it processes more images than the compile time buys
back:

    training:  57.5 s / (1/(2,378..2,602) - 1/3,423 s an image) = 450,000..620,000: 500,000
    inference: 18.1 s / (1/(3,932..4,512) - 1/4,756 s an image) = 410,000..1,590,000: 1,000,000

(with the synthetic ceilings, 2,736 -> 4,234 and 8,178 -> 15,339 img/s, inference would break
even at 320,000 images: lower the threshold once the input pipeline keeps up with the model),
so ``"auto"`` compiles on a GPU past those counts: a training job by its images times epochs, a
worker's cached model once the predictions it has served reach the count (it is compiled once
and reused by later PREDICTs). On the CPU ``"auto"`` never compiles: compiling ConvNeXt_Tiny
there takes minutes for a gain no CPU job is long enough to see. ``"on"`` and ``"off"`` force
the choice (statement option ``compile``, or ``PIXELSQL_COMPILE`` for the whole server).

``PIXELSQL_COMPILE_BACKEND`` names the ``torch.compile`` backend (default ``inductor``); the
CPU tests use ``aot_eager``, which traces the same graphs without generating kernels.
"""

from __future__ import annotations

import os
from typing import cast

import torch
from torch import nn

from ml.errors import InvalidOptionError

COMPILE_ENV = "PIXELSQL_COMPILE"
COMPILE_BACKEND_ENV = "PIXELSQL_COMPILE_BACKEND"
COMPILE_CHOICES = ("auto", "on", "off")
TRAIN_BREAK_EVEN_IMAGES = 500_000
PREDICT_BREAK_EVEN_IMAGES = 1_000_000


def compile_setting(value: str | None = None) -> str:
    """``value`` (a statement's option) or else ``PIXELSQL_COMPILE`` or else "auto", checked."""
    raw = value if value is not None else os.environ.get(COMPILE_ENV, "auto")
    setting = raw.strip().lower()
    if setting not in COMPILE_CHOICES:
        source = "compile" if value is not None else COMPILE_ENV
        raise InvalidOptionError(
            f"{source} must be one of {', '.join(COMPILE_CHOICES)}, got {raw!r}")
    return setting


def should_compile(setting: str, device: torch.device, images: int, break_even: int) -> bool:
    """Whether a job of ``images`` on ``device`` runs compiled under ``setting``."""
    if setting != "auto":
        return setting == "on"
    return device.type == "cuda" and images >= break_even


def compiled(module: nn.Module) -> nn.Module:
    """``module`` compiled on its first call. The result shares ``module``'s parameters, so
    training it trains ``module``; save ``module`` (its state_dict keys stay plain).

    A compiler failure runs the model eagerly instead of failing the job (torch logs the
    failure): a job must not die for want of a speed-up. ``compiled_graphs`` tells whether
    anything was compiled.
    """
    import torch._dynamo  # what torch.compile imports anyway (seconds, only when compiling)

    torch._dynamo.config.suppress_errors = True
    backend = os.environ.get(COMPILE_BACKEND_ENV, "inductor")
    return cast(nn.Module, torch.compile(module, backend=backend))


def compiled_graphs() -> int:
    """Graphs compiled in this process so far (0 until a compiled module first runs)."""
    import torch._dynamo.utils

    return int(torch._dynamo.utils.counters["stats"]["unique_graphs"])
