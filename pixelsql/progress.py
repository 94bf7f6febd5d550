"""Training progress from the server's NOTICE lines, shown as a live tqdm.auto bar.

The ML worker (``ml/worker.py``) reports two kinds of line while BUILD / FIT MODEL runs::

    epoch 1/2 step 3/3: loss 0.7060, accuracy 0.833, 38.8 images/s, ETA 0m01s
    epoch 1/2 done: loss 0.6818, accuracy 0.833, validation loss 0.8925 accuracy 0.750 (best so far)

:func:`parse_progress` turns them into typed events (tolerating missing fields, so a server
that adds one does not break the client); :class:`TrainingBar` keeps one bar per statement,
created on the first event: position = steps done of ``epochs * steps``, the postfix shows
loss, accuracy, throughput and the server's ETA. In Jupyter tqdm.auto draws a widget, in a
terminal a text bar on stderr.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_STEP = re.compile(r"^epoch (\d+)/(\d+) step (\d+)/(\d+):(.*)$")
_EPOCH = re.compile(r"^epoch (\d+)/(\d+) done:(.*)$")
_LOSS = re.compile(r"\bloss ([\d.eE+-]+|nan|inf)")
_ACCURACY = re.compile(r"\baccuracy ([\d.]+)")
_VAL = re.compile(r"validation loss (\S+) accuracy ([\d.]+)")
_RATE = re.compile(r"([\d.]+) images/s")
_ETA = re.compile(r"ETA (?:(\d+)h)?(\d+)m(\d+)s")


@dataclass(frozen=True)
class StepProgress:
    """One ``epoch e/E step s/S: …`` line."""

    epoch: int
    epochs: int
    step: int
    steps: int
    loss: float | None = None
    accuracy: float | None = None
    images_per_s: float | None = None
    eta_s: int | None = None


@dataclass(frozen=True)
class EpochDone:
    """One ``epoch e/E done: …`` line."""

    epoch: int
    epochs: int
    loss: float | None = None
    accuracy: float | None = None
    val_loss: float | None = None
    val_accuracy: float | None = None
    best: bool = False


Progress = StepProgress | EpochDone


def _number(pattern: re.Pattern[str], text: str) -> float | None:
    m = pattern.search(text)
    if m is None:
        return None
    try:
        return float(m.group(1))
    except ValueError:
        return None


def parse_progress(message: str) -> Progress | None:
    """The event a NOTICE line describes, or None for any other notice."""
    if m := _STEP.match(message):
        rest = m.group(5)
        eta = _ETA.search(rest)
        eta_s = None if eta is None else (
            int(eta.group(1) or 0) * 3600 + int(eta.group(2)) * 60 + int(eta.group(3)))
        return StepProgress(int(m.group(1)), int(m.group(2)), int(m.group(3)), int(m.group(4)),
                            _number(_LOSS, rest), _number(_ACCURACY, rest),
                            _number(_RATE, rest), eta_s)
    if m := _EPOCH.match(message):
        rest = m.group(3)
        val = _VAL.search(rest)
        train = rest[:val.start()] if val else rest
        return EpochDone(int(m.group(1)), int(m.group(2)), _number(_LOSS, train),
                         _number(_ACCURACY, train),
                         float(val.group(1)) if val else None,
                         float(val.group(2)) if val else None,
                         "(best so far)" in rest)
    return None


def format_eta(seconds: int) -> str:
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m{secs:02d}s" if hours else f"{minutes}m{secs:02d}s"


class TrainingBar:
    """A tqdm.auto bar fed with :data:`Progress` events; created lazily, closed once."""

    # tqdm's own remaining-time estimate is left out: the server's ETA is in the postfix.
    BAR_FORMAT = "{desc}{percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} [{elapsed}{postfix}]"

    def __init__(self, label: str = "training") -> None:
        self.label = label
        self.bar: Any = None  # tqdm.auto.tqdm (the notebook or the std class)
        self.steps: int | None = None  # steps per epoch, once known
        self.last: Progress | None = None

    def update(self, event: Progress) -> None:
        if isinstance(event, StepProgress):
            self.steps = event.steps
            done, total = (event.epoch - 1) * event.steps + event.step, event.epochs * event.steps
        else:
            steps = self.steps or 1
            done, total = event.epoch * steps, event.epochs * steps
        bar = self._bar(total)
        bar.total = total
        bar.n = min(done, total)
        bar.set_description(f"{self.label} epoch {event.epoch}/{event.epochs}", refresh=False)
        bar.set_postfix_str(self._postfix(event), refresh=False)
        bar.refresh()
        self.last = event

    def write(self, line: str) -> None:
        """Print ``line`` without breaking the bar."""
        if self.bar is None:
            print(line)
        else:
            self.bar.write(line)

    def close(self, ok: bool = True) -> None:
        if self.bar is None:
            return
        if not ok:
            self.bar.colour = "red"  # the notebook widget turns red like tqdm's own errors
        self.bar.close()
        self.bar = None

    def _bar(self, total: int) -> Any:
        if self.bar is None:
            from tqdm.auto import tqdm

            self.bar = tqdm(total=total, bar_format=self.BAR_FORMAT, dynamic_ncols=True,
                            leave=True)
        return self.bar

    @staticmethod
    def _postfix(event: Progress) -> str:
        parts: list[str] = []
        if event.loss is not None:
            parts.append(f"loss {event.loss:.4f}")
        if event.accuracy is not None:
            parts.append(f"acc {event.accuracy:.3f}")
        if isinstance(event, StepProgress):
            if event.images_per_s is not None:
                parts.append(f"{event.images_per_s:.1f} img/s")
            if event.eta_s is not None:
                parts.append(f"ETA {format_eta(event.eta_s)}")
        elif event.val_accuracy is not None:
            parts.append(f"val acc {event.val_accuracy:.3f}")
        return ", ".join(parts)
