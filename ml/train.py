"""Where an epoch is trained: ``train_one_epoch``, ``evaluate`` and ``fit`` (the whole job).

``fit`` takes rows of (image reference, label) and ``TrainOptions`` (DESIGN §2 defaults), builds
the base from the registry, splits off a seeded validation set, and trains with AdamW, a cosine
schedule with linear warm-up and label smoothing. After each epoch the validation accuracy picks
the best weights (early stopping after ``patience`` epochs without improvement). Progress goes
to a callback per step and per epoch; a cancellation check (callable or ``threading.Event``)
runs every step and raises ``Cancelled``.

GPU switches (bf16 autocast, channels_last, fused AdamW, cudnn.benchmark, pinned memory,
non-blocking copies, decode workers) are chosen by device type in ``DeviceSetup``; the CPU path
is plain fp32 and is what the tests exercise.
"""

from __future__ import annotations

import contextlib
import copy
import math
import multiprocessing
import os
import random
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol, cast

import torch
from torch import nn
from torch.utils.data import DataLoader

from ml.compiling import TRAIN_BREAK_EVEN_IMAGES, compile_setting, compiled, should_compile
from ml.data import (
    Batch,
    FailureTracker,
    ImageDataset,
    ImageRef,
    ImageRoots,
    LabelEncoder,
    Preprocessing,
    collate,
)
from ml.device_decode import (
    DeviceLoader,
    DeviceTransform,
    EncodedDataset,
    collate_encoded,
    device_decode_available,
)
from ml.distributed import Group, launched, shard
from ml.errors import Cancelled, InvalidOptionError, TrainingDivergedError
from ml.models import get_model, get_spec
from ml.readers import IN_PROCESS_JPEGS, SharedBatches, jpeg_bytes, sendable
from ml.readers import start as start_readers


class _EventLike(Protocol):
    def is_set(self) -> bool: ...


StopCheck = Callable[[], bool] | _EventLike | None


class BatchSource(Protocol):
    """What the loops consume: a sized iterable of batches (a DataLoader, a DeviceLoader)."""

    def __len__(self) -> int: ...

    def __iter__(self) -> Iterator[Batch]: ...


@dataclass(frozen=True)
class TrainOptions:
    """Training options; names follow the SQL OPTIONS (DESIGN §2)."""

    batch_size: int = 16
    max_epochs: int = 3
    learning_rate: float | None = None  # None: the base's default (1e-4 ConvNeXt, 1e-3 EffNet)
    input_size: int = 224
    color: str = "RGB"
    weight_decay: float = 0.05
    label_smoothing: float = 0.1
    warmup_fraction: float = 0.05  # of all optimizer steps, linear warm-up before cosine decay
    validation_split: float = 0.1
    seed: int = 0
    patience: int | None = None  # epochs without val improvement before stopping; None: never
    max_failure_fraction: float = 0.1
    device: str | None = None  # None: cuda when available, else cpu
    num_workers: int | None = None  # None: decode workers on GPU, 0 on CPU
    decode: str | None = None  # pil | device | workers (DECODE_MODES); None: by device
    weights: str | None = None  # explicit pretrained weights file/dir
    use_pretrained: bool = True
    allow_download: bool = False
    max_steps_per_epoch: int | None = None  # cap (tests, quick trials)
    progress_every: int = 1  # steps between step callbacks (each one synchronises the GPU)
    progress_interval_s: float = 0.0  # and at least this long between them (epoch ends: always)
    gpus: int | None = None  # None: one device; N: DistributedDataParallel over N GPUs
    compile: str | None = None  # auto | on | off (ml.compiling); None: PIXELSQL_COMPILE, auto

    def __post_init__(self) -> None:
        if self.compile is not None:
            compile_setting(self.compile)
        checks = [
            (self.batch_size >= 1, "batch_size must be at least 1"),
            (self.max_epochs >= 1, "max_epochs must be at least 1"),
            (self.learning_rate is None or self.learning_rate > 0, "learning_rate must be > 0"),
            (0.0 <= self.validation_split < 1.0, "validation_split must be in [0, 1)"),
            (0.0 <= self.label_smoothing < 1.0, "label_smoothing must be in [0, 1)"),
            (0.0 <= self.warmup_fraction < 1.0, "warmup_fraction must be in [0, 1)"),
            (self.progress_every >= 1, "progress_every must be at least 1"),
            (self.gpus is None or self.gpus >= 1, "gpus must be at least 1"),
        ]
        for ok, message in checks:
            if not ok:
                raise InvalidOptionError(message)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class StepProgress:
    epoch: int  # 1-based
    step: int  # 1-based within the epoch
    steps_per_epoch: int
    loss: float
    accuracy: float  # running accuracy over the epoch so far
    images_per_s: float
    eta_s: float  # for the whole job


@dataclass(frozen=True)
class EpochProgress:
    epoch: int
    max_epochs: int
    train_loss: float
    train_accuracy: float
    val_loss: float | None
    val_accuracy: float | None
    images_per_s: float
    eta_s: float
    is_best: bool


Progress = StepProgress | EpochProgress
ProgressCallback = Callable[[Progress], None]


@dataclass(frozen=True)
class EpochStats:
    loss: float
    accuracy: float
    images: int
    seconds: float


@dataclass(frozen=True)
class EvalStats:
    loss: float
    accuracy: float
    images: int


@dataclass
class TrainResult:
    """What a finished training job produced."""

    model: nn.Module  # best weights loaded, in eval mode, on the training device
    base: str
    encoder: LabelEncoder
    preprocessing: Preprocessing
    options: TrainOptions
    metrics: dict[str, Any]
    data_summary: dict[str, Any]
    notices: list[str] = field(default_factory=list)
    history: list[EpochProgress] = field(default_factory=list)


DECODE_ENV = "PIXELSQL_DECODE"
DECODE_AHEAD_ENV = "PIXELSQL_DECODE_AHEAD"  # DeviceSetup.decode_ahead
DECODE_THREADS_ENV = "PIXELSQL_DECODE_THREADS"  # DeviceSetup.decode_threads
COMPUTE_STREAM_ENV = "PIXELSQL_COMPUTE_STREAM"  # DeviceSetup.compute_stream
MAX_DECODE_THREADS = 64
DEFAULT_GPU_DECODE_AHEAD = 2  # docs/BENCHMARKS.md, "H200, 2026-11-28"
# Where images are decoded and preprocessed:
#   pil     - Pillow decode + torchvision transforms in DataLoader workers (the CPU default);
#   device  - workers read bytes, the main process decodes JPEG batches on the device (nvjpeg
#             on a GPU) and crops/resizes/normalises there (the GPU default: fastest of the
#             three on an H200 with 16 cores, docs/BENCHMARKS.md);
#   workers - workers decode to uint8 pixels (libjpeg-turbo), crop/resize/normalise run on the
#             device.
DECODE_MODES = ("pil", "device", "workers")
# Decode workers are forked where the OS can: an ML worker process was itself spawned, and
# would otherwise pass "spawn" on to them, so that each re-imports torch (tens of seconds of
# start-up per loader). They never touch CUDA, so forking a CUDA process is safe for them.
LOADER_START = "fork" if "fork" in multiprocessing.get_all_start_methods() else None


def _env_count(name: str, default: int = 0) -> int:
    """A whole-number setting from the environment (``default`` when unset)."""
    raw = os.environ.get(name, str(default))
    try:
        return int(raw)
    except ValueError:
        raise InvalidOptionError(f"{name} must be a whole number, got {raw!r}") from None


@dataclass(frozen=True)
class DeviceSetup:
    """Per-device-type switches; the GPU fast path only where it exists."""

    device: torch.device
    autocast_dtype: torch.dtype | None
    channels_last: bool
    fused_optimizer: bool
    pin_memory: bool
    non_blocking: bool
    num_workers: int
    decode: str = "pil"  # one of DECODE_MODES
    decode_ahead: int = 0  # batches decoded ahead by a thread (DeviceLoader): device/workers
    decode_threads: int = 0  # host threads decoding part of each batch beside the device's
    compute_stream: bool = False  # the model on a CUDA stream of its own (on_compute_stream)

    @classmethod
    def choose(cls, device: str | None = None, num_workers: int | None = None,
               decode: str | None = None, decode_ahead: int | None = None,
               decode_threads: int | None = None,
               compute_stream: bool | None = None) -> DeviceSetup:
        """Switches for ``device`` (default: cuda when available).

        ``decode`` None means: ``PIXELSQL_DECODE`` if set, else on a GPU "device" (nvjpeg;
        "pil" where this torchvision lacks it) and on the CPU "pil" (see DECODE_MODES and
        docs/BENCHMARKS.md for the measurements). ``decode_ahead`` None means
        ``PIXELSQL_DECODE_AHEAD`` if set, else 2 on a GPU (on an H200 it took training from
        0.70x to 0.87-0.95x of the synthetic ceiling and inference from 0.42x to 0.48-0.55x)
        and 0 on the CPU; ``decode_threads`` None means ``PIXELSQL_DECODE_THREADS`` if set,
        else 0 (host threads beside nvJPEG slowed training on the H200, and gained inference
        nothing once decoding ran ahead). ``compute_stream`` None means
        ``PIXELSQL_COMPUTE_STREAM`` (0 or 1, default 0: not yet measured on a GPU).
        """
        name = device or ("cuda" if torch.cuda.is_available() else "cpu")
        if decode_ahead is None:
            gpu_default = DEFAULT_GPU_DECODE_AHEAD if torch.device(name).type == "cuda" else 0
            decode_ahead = _env_count(DECODE_AHEAD_ENV, gpu_default)
        if not 0 <= decode_ahead <= 8:
            raise InvalidOptionError(f"decode_ahead must be 0 to 8, got {decode_ahead}")
        if decode_threads is None:
            decode_threads = _env_count(DECODE_THREADS_ENV)
        if not 0 <= decode_threads <= MAX_DECODE_THREADS:
            raise InvalidOptionError(
                f"decode_threads must be 0 to {MAX_DECODE_THREADS}, got {decode_threads}")
        if compute_stream is None:
            flag = _env_count(COMPUTE_STREAM_ENV)
            if flag not in (0, 1):
                raise InvalidOptionError(f"{COMPUTE_STREAM_ENV} must be 0 or 1, got {flag}")
            compute_stream = bool(flag)
        decode = decode or os.environ.get(DECODE_ENV) or None
        if decode is not None and decode not in DECODE_MODES:
            raise InvalidOptionError(
                f"decode must be one of {', '.join(DECODE_MODES)}, got {decode!r}")
        dev = torch.device(name)
        if dev.type == "cuda":
            if not torch.cuda.is_available():
                raise InvalidOptionError("device 'cuda' requested but no GPU is available")
            torch.backends.cudnn.benchmark = True
            torch.backends.cuda.matmul.allow_tf32 = True
            torch.backends.cudnn.allow_tf32 = True
            bf16 = torch.cuda.is_bf16_supported()
            if decode in (None, "device") and not device_decode_available(dev):
                decode = "pil"  # this torchvision has no nvjpeg
            decode = decode or "device"
            # With "device" decoding the workers only read files and parse headers: 8 keep up
            # (and leave cores to host decode threads); the other modes decode in them.
            workers = (num_workers if num_workers is not None
                       else min(8 if decode == "device" else 16, (os.cpu_count() or 2)))
            return cls(dev, torch.bfloat16 if bf16 else torch.float16, True, True, True, True,
                       workers, decode, decode_ahead, decode_threads, compute_stream)
        workers = num_workers if num_workers is not None else 0
        return cls(dev, None, False, False, False, False, workers, decode or "pil", decode_ahead,
                   decode_threads, compute_stream)

    def autocast(self) -> contextlib.AbstractContextManager[Any]:
        if self.autocast_dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(device_type=self.device.type, dtype=self.autocast_dtype)

    @contextlib.contextmanager
    def on_compute_stream(self) -> Iterator[None]:
        """Run the enclosed model work on a CUDA stream of its own, not the default stream.

        With ``compute_stream`` on a GPU; elsewhere it does nothing. The default ("legacy")
        stream synchronises with every blocking stream, so any work a library queues there —
        a plain cudaMemcpy or cudaMemset, say, inside a JPEG decoder — would wait for the
        model's queued kernels and hold up the next ones: decoding and the model would take
        turns instead of overlapping. The new stream starts after the work already queued on
        the current one, and the current one resumes after it, so code around this block
        sees the usual order. It is one stream per device for the whole process, so that what
        one epoch or job allocates on it is used and freed on it by the next.
        """
        if not (self.compute_stream and self.device.type == "cuda"):
            yield
            return
        outer = torch.cuda.current_stream(self.device)
        stream = _compute_stream(self.device)
        stream.wait_stream(outer)
        try:
            with torch.cuda.stream(stream):
                yield
        finally:
            outer.wait_stream(stream)

    def to_device(self, batch: Batch) -> tuple[torch.Tensor, torch.Tensor]:
        images = batch.images.to(self.device, non_blocking=self.non_blocking)
        if self.channels_last:
            images = images.contiguous(memory_format=torch.channels_last)
        return images, batch.labels.to(self.device, non_blocking=self.non_blocking)

    def loader(self, dataset: ImageDataset | EncodedDataset, batch_size: int, *,
               shuffle: bool, seed: int = 0, drop_last: bool = False,
               reuse_workers: bool = False) -> DataLoader[Any] | SharedBatches:
        """Batches of ``dataset``; with ``reuse_workers`` (and workers, rows in order), read by
        this process's shared reader processes instead of freshly forked ones (``ml.readers``:
        what a ``predict`` call saves), or, for a few JPEGs given as bytes and decoded on the
        device, in this process."""
        collate_fn = self._collate(encoded=isinstance(dataset, EncodedDataset))
        workers = self.num_workers
        if (reuse_workers and isinstance(dataset, EncodedDataset)
                and not dataset.decode_in_worker and len(dataset) <= IN_PROCESS_JPEGS
                and jpeg_bytes(dataset.refs)):
            workers = 0  # a few JPEGs' headers: quicker read here than sent to the workers
        elif (reuse_workers and workers > 0 and not shuffle and not drop_last
                and sendable(dataset.refs)):
            return SharedBatches(dataset, batch_size, collate_fn, workers, self.pin_memory,
                                 LOADER_START)
        generator = torch.Generator()
        generator.manual_seed(seed)
        return DataLoader(dataset, batch_size=batch_size, shuffle=shuffle,  # type: ignore[arg-type]
                          collate_fn=collate_fn,
                          multiprocessing_context=LOADER_START if workers > 0 else None,
                          num_workers=workers, pin_memory=self.pin_memory,
                          persistent_workers=workers > 0, generator=generator,
                          drop_last=drop_last, prefetch_factor=4 if workers > 0 else None)

    @staticmethod
    def _collate(encoded: bool) -> Callable[[list[Any]], Any]:
        return collate_encoded if encoded else collate

    def start_readers(self) -> None:
        """Fork now the shared reader processes that ``predict`` on this setup will use
        (``ml.readers``): at a worker process's start it is cheaper than at its first job."""
        start_readers(self._collate(encoded=self.decode != "pil"), self.num_workers,
                      self.pin_memory, LOADER_START)

    def image_loader(self, refs: Sequence[ImageRef], labels: Sequence[int] | None,
                     roots: ImageRoots, preprocessing: Preprocessing, *, train: bool,
                     batch_size: int, shuffle: bool, seed: int = 0,
                     rows: Sequence[int] | None = None, drop_last: bool = False,
                     reuse_workers: bool = False) -> BatchSource:
        """Batches of model inputs for rows of image references, decoded where this setup says.

        With "device" and "workers" decoding the batches' images are already on the device;
        with "pil" they are (pinned) CPU tensors that ``to_device`` copies. ``drop_last``
        leaves out a short last batch (a compiled model then keeps one batch shape).
        ``reuse_workers``: see ``loader`` (prediction sets it).
        """
        if self.decode != "pil":
            dataset = EncodedDataset(refs, labels, roots, preprocessing.color, rows,
                                     decode_in_worker=self.decode == "workers",
                                     draft_size=preprocessing.input_size)
            transform = DeviceTransform(
                preprocessing, train, self.device, self.channels_last,
                host_threads=self.decode_threads if self.decode == "device" else 0)
            return DeviceLoader(self.loader(dataset, batch_size, shuffle=shuffle, seed=seed,
                                            drop_last=drop_last, reuse_workers=reuse_workers),
                                transform, self.decode_ahead)  # type: ignore[return-value]
        cpu = ImageDataset(refs, labels,
                           preprocessing.train_transform() if train
                           else preprocessing.eval_transform(),
                           roots, preprocessing.color, rows=rows,
                           draft_size=preprocessing.input_size)
        return cast(BatchSource, self.loader(cpu, batch_size, shuffle=shuffle, seed=seed,
                                             drop_last=drop_last, reuse_workers=reuse_workers))


_COMPUTE_STREAMS: dict[int, torch.cuda.Stream] = {}
_COMPUTE_STREAMS_LOCK = threading.Lock()


def _compute_stream(device: torch.device) -> torch.cuda.Stream:
    """This process's model stream on ``device`` (DeviceSetup.on_compute_stream)."""
    index = device.index if device.index is not None else torch.cuda.current_device()
    with _COMPUTE_STREAMS_LOCK:
        stream = _COMPUTE_STREAMS.get(index)
        if stream is None:
            stream = _COMPUTE_STREAMS[index] = torch.cuda.Stream(index)  # type: ignore[no-untyped-call]
        return stream


def stop_requested(check: StopCheck) -> bool:
    """Evaluate a cancellation check (callable, Event, or None)."""
    if check is None:
        return False
    if hasattr(check, "is_set"):
        return bool(check.is_set())
    return bool(check())


def cosine_with_warmup(optimizer: torch.optim.Optimizer, total_steps: int,
                       warmup_steps: int) -> torch.optim.lr_scheduler.LambdaLR:
    """Linear warm-up from ~0 to the base LR, then cosine decay to 0 at ``total_steps``."""

    def factor(step: int) -> float:
        if warmup_steps > 0 and step < warmup_steps:
            return (step + 1) / (warmup_steps + 1)
        progress = (step - warmup_steps) / max(1, total_steps - warmup_steps)
        return 0.5 * (1.0 + math.cos(math.pi * min(1.0, progress)))

    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


def iter_batches(loader: BatchSource, failures: FailureTracker | None,
                 limit: int | None) -> Iterator[Batch]:
    """Batches with at least one good image; failures go to ``failures`` (which may raise)."""
    for index, batch in enumerate(loader):
        if limit is not None and index >= limit:
            return
        if failures is not None and batch.failures:
            failures.add(batch.failures)
            failures.check()
        if len(batch):
            yield batch


def train_one_epoch(model: nn.Module, loader: BatchSource, optimizer: torch.optim.Optimizer,
                    scheduler: torch.optim.lr_scheduler.LRScheduler, loss_fn: nn.Module,
                    setup: DeviceSetup, *, epoch: int = 1,
                    on_step: Callable[[StepProgress], None] | None = None,
                    should_stop: StopCheck = None, failures: FailureTracker | None = None,
                    max_steps: int | None = None, remaining_steps_after: int = 0,
                    progress_every: int = 1, progress_interval_s: float = 0.0,
                    replicas: int = 1) -> EpochStats:
    """One pass over ``loader``; returns mean loss, accuracy, images and seconds.

    ``on_step`` gets every ``progress_every``-th step, at most one per
    ``progress_interval_s`` (and always the last). Each call reads the loss, which waits for
    the device; between calls the host runs ahead (decoding the next batches).

    ``replicas``: processes training the same model on other shards (DDP); the images/s
    reported is this process's rate times that."""
    with setup.on_compute_stream():
        model.train()
        steps = len(loader) if max_steps is None else min(len(loader), max_steps)
        total_loss = torch.zeros((), device=setup.device)
        correct = torch.zeros((), device=setup.device, dtype=torch.long)
        seen = 0
        start = last_report = time.perf_counter()
        for step, batch in enumerate(iter_batches(loader, failures, max_steps), start=1):
            if stop_requested(should_stop):
                raise Cancelled(f"training cancelled in epoch {epoch}, step {step}")
            images, labels = setup.to_device(batch)
            with setup.autocast():
                logits = model(images)
                loss = loss_fn(logits, labels)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            scheduler.step()
            n = labels.numel()
            seen += n
            total_loss += loss.detach() * n
            correct += (logits.detach().argmax(1) == labels).sum()
            if on_step is not None and (step == steps or (
                    step % progress_every == 0
                    and time.perf_counter() - last_report >= progress_interval_s)):
                last_report = time.perf_counter()
                # .item() synchronises the GPU; only pay for it when someone listens.
                elapsed = time.perf_counter() - start
                rate = seen * replicas / elapsed if elapsed > 0 else 0.0
                per_step = elapsed / step
                eta = per_step * (max(0, steps - step) + remaining_steps_after)
                step_loss = _finite_loss(float(loss.item()), epoch, step)
                on_step(StepProgress(epoch, step, steps, step_loss,
                                     float(correct.item()) / seen, rate, eta))
        seconds = time.perf_counter() - start
        if seen == 0:
            return EpochStats(float("nan"), 0.0, 0, seconds)
        mean_loss = _finite_loss(float(total_loss.item()) / seen, epoch, steps)
        return EpochStats(mean_loss, float(correct.item()) / seen, seen, seconds)


def _finite_loss(loss: float, epoch: int, step: int) -> float:
    """``loss``, or TrainingDivergedError when it is NaN/inf (training cannot recover)."""
    if not math.isfinite(loss):
        raise TrainingDivergedError(
            f"training diverged: the loss became {loss} by epoch {epoch}, step {step}; "
            "try a smaller learning_rate or a larger batch_size")
    return loss


@torch.inference_mode()
def evaluate(model: nn.Module, loader: BatchSource, setup: DeviceSetup,
             loss_fn: nn.Module | None = None, *, failures: FailureTracker | None = None,
             should_stop: StopCheck = None) -> EvalStats:
    """Mean loss and accuracy of ``model`` over a labelled loader."""
    with setup.on_compute_stream():
        model.eval()
        loss_fn = loss_fn or nn.CrossEntropyLoss()
        total_loss = torch.zeros((), device=setup.device)
        correct = torch.zeros((), device=setup.device, dtype=torch.long)
        seen = 0
        for batch in iter_batches(loader, failures, None):
            if stop_requested(should_stop):
                raise Cancelled("evaluation cancelled")
            images, labels = setup.to_device(batch)
            with setup.autocast():
                logits = model(images)
            loss = loss_fn(logits.float(), labels)
            total_loss += loss * labels.numel()
            correct += (logits.argmax(1) == labels).sum()
            seen += labels.numel()
        if seen == 0:
            return EvalStats(float("nan"), 0.0, 0)
        return EvalStats(float(total_loss.item()) / seen, float(correct.item()) / seen, seen)


def split_indices(n: int, fraction: float, seed: int) -> tuple[list[int], list[int]]:
    """Seeded shuffle split into (train, validation); validation empty when too small."""
    order = list(range(n))
    random.Random(seed).shuffle(order)
    n_val = round(n * fraction)
    if fraction > 0 and n_val == 0 and n >= 10:
        n_val = 1
    if n - n_val < 1:
        n_val = 0
    return sorted(order[n_val:]), sorted(order[:n_val])


def fit(base: str, refs: Sequence[ImageRef], labels: Sequence[object], roots: ImageRoots,
        options: TrainOptions | None = None, *, on_progress: ProgressCallback | None = None,
        should_stop: StopCheck = None, init_state: dict[str, torch.Tensor] | None = None,
        encoder: LabelEncoder | None = None, gpu_ids: Sequence[int] | None = None,
        group: Group | None = None) -> TrainResult:
    """Train ``base`` on rows (refs[i], labels[i]); the whole BUILD/FIT MODEL job.

    ``init_state`` + ``encoder`` fine-tune an existing model (FIT MODEL) instead of starting
    from the base's pretrained weights. With ``options.gpus`` set this process becomes rank 0
    of a DistributedDataParallel job over that many GPUs (``gpu_ids``: which ones, this
    process's first; None: ``cuda:0..N-1``) — see ``ml.distributed``; ``group`` is set in the
    ranks of such a job.
    """
    options = options or TrainOptions()
    if len(refs) != len(labels):
        raise ValueError("refs and labels differ in length")
    torch.manual_seed(options.seed)
    spec = get_spec(base)
    setup = DeviceSetup.choose(options.device, options.num_workers, options.decode)
    if options.gpus is not None and group is None:
        return _fit_distributed(base, refs, labels, roots, options, setup, gpu_ids,
                                on_progress=on_progress, should_stop=should_stop,
                                init_state=init_state, encoder=encoder)
    preprocessing = Preprocessing(input_size=options.input_size, color=options.color)
    notices: list[str] = []

    keep = [i for i, label in enumerate(labels) if label is not None]
    if len(keep) < len(labels):
        notices.append(f"{len(labels) - len(keep)} rows without a label were ignored")
    encoder = encoder or LabelEncoder.fit(labels[i] for i in keep)
    encoded = [encoder.encode(labels[i]) for i in keep]
    train_pos, val_pos = split_indices(len(keep), options.validation_split, options.seed)
    train_pos = shard(train_pos, group)  # the same split on every rank, then this rank's part
    if group is not None and not group.is_main:
        val_pos = []  # validation and the choice of epoch are rank 0's

    def loader(positions: list[int], train: bool, batch_size: int,
               drop_last: bool = False) -> BatchSource:
        # Validation reads in order: the process's shared readers (ml.readers) serve it.
        return setup.image_loader(
            [refs[keep[p]] for p in positions], [encoded[p] for p in positions], roots,
            preprocessing, train=train, batch_size=batch_size, shuffle=train,
            seed=options.seed, rows=[keep[p] for p in positions], drop_last=drop_last,
            reuse_workers=not train)

    # Compiling pays off only past a job size (ml.compiling). A compiled model trains on full
    # batches only (each epoch reshuffles, so every row is still used): a short last batch
    # would compile a second graph, as long to make as the first.
    steps_per_epoch = -(-len(train_pos) // options.batch_size)
    if options.max_steps_per_epoch is not None:
        steps_per_epoch = min(steps_per_epoch, options.max_steps_per_epoch)
    images = min(len(train_pos), steps_per_epoch * options.batch_size) * options.max_epochs
    compile_mode = compile_setting(options.compile)
    compile_now = should_compile(compile_mode, setup.device, images, TRAIN_BREAK_EVEN_IMAGES)
    # Building the loaders checks every path against the image roots before training starts.
    train_loader = loader(train_pos, True, options.batch_size,
                          drop_last=compile_now and len(train_pos) >= options.batch_size)
    val_loader = loader(val_pos, False, max(options.batch_size, 64))
    failures = FailureTracker(len(keep), options.max_failure_fraction)

    if init_state is not None:
        from ml.models import build_for_checkpoint

        model = build_for_checkpoint(base, len(encoder.classes))
        model.load_state_dict(init_state)
    else:
        built = get_model(base, len(encoder.classes), weights=options.weights,
                          use_pretrained=options.use_pretrained,
                          allow_download=options.allow_download)
        model = built.model
        if built.notice:
            notices.append(built.notice)
    model.to(setup.device)
    if setup.channels_last:
        model.to(memory_format=torch.channels_last)
    trained: nn.Module = model
    if group is not None:  # gradients averaged over the ranks; rank 0's weights copied to all
        from torch.nn.parallel import DistributedDataParallel

        trained = DistributedDataParallel(
            model, device_ids=[setup.device] if setup.device.type == "cuda" else None,
            gradient_as_bucket_view=True)  # no copy between gradients and the all-reduce

    steps_per_epoch = len(train_loader)
    if options.max_steps_per_epoch is not None:
        steps_per_epoch = min(steps_per_epoch, options.max_steps_per_epoch)
    if compile_now:  # the training forward pass; validation stays eager
        trained = compiled(trained)
        notices.append("training ran compiled (torch.compile): "
                       + (f"{images} training images, compiling pays off past "
                          f"{TRAIN_BREAK_EVEN_IMAGES}" if compile_mode == "auto"
                          else "compile=on"))

    lr = options.learning_rate or spec.default_learning_rate
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=options.weight_decay,
                                  fused=setup.fused_optimizer or None)
    total_steps = max(1, steps_per_epoch * options.max_epochs)
    scheduler = cosine_with_warmup(optimizer, total_steps,
                                   int(total_steps * options.warmup_fraction))
    loss_fn = nn.CrossEntropyLoss(label_smoothing=options.label_smoothing)

    best_score = -math.inf
    best_state: dict[str, torch.Tensor] | None = None
    best_epoch = 0
    history: list[EpochProgress] = []
    stale = 0
    job_start = time.perf_counter()
    on_step = on_progress
    replicas = group.world_size if group is not None else 1
    for epoch in range(1, options.max_epochs + 1):
        stats = train_one_epoch(
            trained, train_loader, optimizer, scheduler, loss_fn, setup, epoch=epoch,
            on_step=on_step, should_stop=should_stop, failures=failures,
            max_steps=options.max_steps_per_epoch,
            remaining_steps_after=steps_per_epoch * (options.max_epochs - epoch),
            progress_every=options.progress_every,
            progress_interval_s=options.progress_interval_s, replicas=replicas)
        val: EvalStats | None = None
        if val_pos:
            val = evaluate(model, val_loader, setup, failures=failures, should_stop=should_stop)
        # Without a validation set, the training accuracy picks the epoch (better than nothing).
        score = val.accuracy if val is not None and val.images else stats.accuracy
        is_best = score > best_score
        if is_best:
            best_score, best_epoch, stale = score, epoch, 0
            best_state = copy.deepcopy({k: v.detach() for k, v in model.state_dict().items()})
        else:
            stale += 1
        elapsed = time.perf_counter() - job_start
        progress = EpochProgress(
            epoch, options.max_epochs, stats.loss, stats.accuracy,
            val.loss if val else None, val.accuracy if val else None,
            stats.images * replicas / stats.seconds if stats.seconds > 0 else 0.0,
            elapsed / epoch * (options.max_epochs - epoch), is_best)
        history.append(progress)
        if on_progress is not None:
            on_progress(progress)
        if options.patience is not None and stale >= options.patience:
            notices.append(f"early stopping after epoch {epoch}: no validation improvement "
                           f"for {stale} epochs")
            break
    failures.check()
    if failures.count:
        notices.append(f"{failures.count} images skipped: {failures.summary()}")
    if best_state is not None:
        model.load_state_dict(best_state)
    model.eval()
    last = history[-1]
    best = history[best_epoch - 1] if best_epoch else last
    metrics = {"best_epoch": best_epoch, "epochs_run": len(history),
               "train_loss": best.train_loss, "train_accuracy": best.train_accuracy,
               "val_loss": best.val_loss, "val_accuracy": best.val_accuracy,
               "seconds": time.perf_counter() - job_start}
    summary = {"rows": len(labels), "labelled_rows": len(keep), "train_rows": len(train_pos),
               "validation_rows": len(val_pos), "classes": list(encoder.classes),
               "class_counts": {c: encoded.count(i) for i, c in enumerate(encoder.classes)},
               "failures": failures.to_dict(), "device": str(setup.device),
               "decode": setup.decode,
               "decode_ahead": setup.decode_ahead if setup.decode != "pil" else 0,
               "decode_threads": setup.decode_threads if setup.decode == "device" else 0,
               "compute_stream": setup.compute_stream and setup.device.type == "cuda",
               "learning_rate": lr, "compiled": compile_now}
    if group is not None:
        summary["distributed"] = {"world_size": group.world_size, "backend": group.backend,
                                  "rows_per_rank": len(train_pos)}
    return TrainResult(model, spec.name, encoder, preprocessing, options, metrics, summary,
                       notices, history)


def _fit_distributed(base: str, refs: Sequence[ImageRef], labels: Sequence[object],
                     roots: ImageRoots, options: TrainOptions, setup: DeviceSetup,
                     gpu_ids: Sequence[int] | None, *, on_progress: ProgressCallback | None,
                     should_stop: StopCheck, init_state: dict[str, torch.Tensor] | None,
                     encoder: LabelEncoder | None) -> TrainResult:
    """``fit`` as rank 0 of ``options.gpus`` processes (``ml.distributed``)."""
    world = options.gpus or 1
    if setup.device.type == "cuda":
        available = len(gpu_ids) if gpu_ids is not None else torch.cuda.device_count()
        if world > available:
            raise InvalidOptionError(f"gpus={world}, but only {available} GPUs are available")
    encoder = encoder or LabelEncoder.fit(label for label in labels if label is not None)
    job = {"base": base, "refs": list(refs), "labels": list(labels), "roots": roots,
           "options": options, "encoder": encoder}
    with launched(world, setup.device.type, gpu_ids, job) as group:
        return fit(base, refs, labels, roots, options, on_progress=on_progress,
                   should_stop=should_stop, init_state=init_state, encoder=encoder,
                   group=group)
