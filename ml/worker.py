"""The ML worker process: receives jobs over a pipe, runs them with torch, reports back.

Started by ``ml.pool`` with the spawn method, so the server process never imports torch or
initialises CUDA. One job at a time; while it runs the worker sends ``Progress`` messages and
checks the pool's cancel event every step. Loaded models stay in a small LRU cache keyed by
their directory and weights file time (at most 4 models and ``PIXELSQL_MODEL_CACHE_MB``, default
2048, of parameters), so repeated PREDICTs skip the load; a cached model that has served enough
images is compiled once and later PREDICTs reuse the compiled one (``ml.compiling``).
"""

from __future__ import annotations

import contextlib
import os
from collections import OrderedDict
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Event
from pathlib import Path

import torch
from torch import nn

from ml.artifacts import (
    WEIGHTS_FILE,
    LoadedModel,
    load_model,
    metadata_from_training,
    save_model,
)
from ml.compiling import (
    PREDICT_BREAK_EVEN_IMAGES,
    compile_setting,
    compiled,
    should_compile,
)
from ml.data import ImageRoots
from ml.errors import InvalidOptionError, MLError
from ml.jobs import (
    JobDone,
    JobFailed,
    PredictJob,
    PredictOutcome,
    Progress,
    TrainJob,
    TrainOutcome,
)
from ml.predict import evaluate_refs, predict
from ml.train import DeviceSetup, EpochProgress, StepProgress, TrainOptions, fit

MODEL_CACHE_SIZE = 4
MODEL_CACHE_BYTES = int(os.environ.get("PIXELSQL_MODEL_CACHE_MB", "2048")) << 20
PROGRESS_INTERVAL_S = 1.0  # at most one step notice per second (epoch lines always go out)


@dataclass
class _Cached:
    """A loaded model, the images it has predicted in this worker, and its compiled form once
    those make compiling pay off."""

    loaded: LoadedModel
    served: int = 0
    compiled: nn.Module | None = None


class Worker:
    def __init__(self, conn: Connection, cancel: Event, device: str | None) -> None:
        self.conn = conn
        self.cancel = cancel
        self.device = device
        self.models: OrderedDict[tuple[str, float], _Cached] = OrderedDict()

    def serve(self) -> None:
        while True:
            try:
                job = self.conn.recv()
            except EOFError:
                return
            if job is None:
                return
            try:
                answer: JobDone | JobFailed = JobDone(self.run(job))
            except MLError as exc:
                answer = JobFailed(exc.sqlstate, str(exc))
            except torch.OutOfMemoryError:
                answer = JobFailed("53200", "out of GPU memory; try a smaller batch_size")
            except Exception as exc:  # reported to the client as an internal error
                answer = JobFailed("XX000", f"{type(exc).__name__}: {exc}")
            if torch.cuda.is_available():
                torch.cuda.empty_cache()  # the job's activations and optimizer state go back
            self.conn.send(answer)

    def run(self, job: TrainJob | PredictJob) -> TrainOutcome | PredictOutcome:
        if isinstance(job, TrainJob):
            return self.train(job)
        return self.predict(job)

    # -- training -------------------------------------------------------------------------------

    def train(self, job: TrainJob) -> TrainOutcome:
        options = TrainOptions(**{"device": self.device,
                                   "progress_interval_s": PROGRESS_INTERVAL_S, **job.options})
        roots = ImageRoots.of(*job.image_roots)

        def on_progress(event: StepProgress | EpochProgress) -> None:
            if isinstance(event, StepProgress):  # at most one a second (progress_interval_s)
                done = ((event.epoch - 1) * event.steps_per_epoch + event.step) / (
                    options.max_epochs * event.steps_per_epoch)
                self.send_progress(Progress(
                    f"epoch {event.epoch}/{options.max_epochs} step {event.step}/"
                    f"{event.steps_per_epoch}: loss {event.loss:.4f}, accuracy "
                    f"{event.accuracy:.3f}, {event.images_per_s:.1f} images/s, ETA "
                    f"{_duration(event.eta_s)}", done,
                    {"epoch": event.epoch, "step": event.step, "loss": event.loss,
                     "accuracy": event.accuracy, "images_per_s": event.images_per_s,
                     "eta_s": event.eta_s}))
            else:
                val = ("" if event.val_accuracy is None else
                       f", validation loss {event.val_loss:.4f} accuracy {event.val_accuracy:.3f}")
                self.send_progress(Progress(
                    f"epoch {event.epoch}/{event.max_epochs} done: loss {event.train_loss:.4f}, "
                    f"accuracy {event.train_accuracy:.3f}{val}"
                    f"{' (best so far)' if event.is_best else ''}",
                    event.epoch / event.max_epochs,
                    {"epoch": event.epoch, "val_accuracy": event.val_accuracy}))

        init_state = encoder = None
        if job.init_model_dir is not None:
            start = load_model(job.init_model_dir, device="cpu")
            init_state, encoder = start.model.state_dict(), start.encoder
        result = fit(job.base, job.refs, job.labels, roots, options, on_progress=on_progress,
                     should_stop=self.cancel, init_state=init_state, encoder=encoder,
                     gpu_ids=job.gpu_ids)
        target = save_model(job.model_dir, result.model, metadata_from_training(result))
        size = sum(f.stat().st_size for f in Path(target).iterdir() if f.is_file())
        return TrainOutcome(result.base, list(result.encoder.classes), dict(result.metrics),
                            result.options.to_dict(), size, list(result.notices))

    # -- prediction -----------------------------------------------------------------------------

    def predict(self, job: PredictJob) -> PredictOutcome:
        entry = self.cached(job.model_dir)
        loaded = entry.loaded
        roots = ImageRoots.of(*job.image_roots)
        setup = DeviceSetup.choose(job.device or self.device)
        model = self.model_for(entry, job, setup.device)
        fixed = model is entry.compiled  # one batch shape: one compiled graph
        if job.labels is not None:
            metrics, preds = evaluate_refs(
                model, loaded.encoder, loaded.preprocessing, job.refs, job.labels, roots,
                batch_size=job.batch_size, setup=setup, should_stop=self.cancel,
                fixed_shapes=fixed)
            scores = metrics.to_dict()
        else:
            preds = predict(model, loaded.encoder, loaded.preprocessing, job.refs, roots,
                            top_k=job.top_k, batch_size=job.batch_size, setup=setup,
                            should_stop=self.cancel, fixed_shapes=fixed)
            scores = None
        return PredictOutcome([p.label for p in preds], [p.probability for p in preds],
                              [p.error for p in preds], scores)

    @staticmethod
    def model_for(entry: _Cached, job: PredictJob, device: torch.device) -> nn.Module:
        """The model to run ``job`` with: compiled once the images ``entry`` has served in
        this worker, this job's included, make compiling pay off (then kept compiled)."""
        entry.served += len(job.refs)
        if entry.compiled is None and should_compile(
                compile_setting(job.compile), device, entry.served, PREDICT_BREAK_EVEN_IMAGES):
            entry.compiled = compiled(entry.loaded.model)
        return entry.compiled if entry.compiled is not None else entry.loaded.model

    def load(self, model_dir: str) -> LoadedModel:
        return self.cached(model_dir).loaded

    def cached(self, model_dir: str) -> _Cached:
        stamp = os.stat(Path(model_dir) / WEIGHTS_FILE).st_mtime
        key = (model_dir, stamp)
        if key in self.models:
            self.models.move_to_end(key)
            return self.models[key]
        entry = self.models[key] = _Cached(load_model(model_dir, device="cpu"))
        # Bounded by count and by parameter bytes; an evicted model's GPU memory goes back.
        while len(self.models) > 1 and (len(self.models) > MODEL_CACHE_SIZE
                                        or self._cached_bytes() > MODEL_CACHE_BYTES):
            self.models.popitem(last=False)
            if torch.cuda.is_available():
                torch.cuda.empty_cache()
        return entry

    def _cached_bytes(self) -> int:
        return sum(p.numel() * p.element_size() for entry in self.models.values()
                   for p in entry.loaded.model.parameters())

    def send_progress(self, progress: Progress) -> None:
        self.conn.send(progress)


def _duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m{secs:02d}s" if hours else f"{minutes}m{secs:02d}s"


def main(conn: Connection, cancel: Event, device: str | None, threads: int | None) -> None:
    """Process entry point (see ``ml.pool``)."""
    if threads:
        torch.set_num_threads(threads)
    if device != "cpu" and torch.cuda.is_available():
        torch.zeros(1, device="cuda")  # the CUDA context, made before the first job waits on it
        with contextlib.suppress(InvalidOptionError):  # a bad setting fails the first job
            DeviceSetup.choose(device).start_readers()  # PREDICT's image readers (ml.readers)
    Worker(conn, cancel, device).serve()
