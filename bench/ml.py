"""ML throughput: end-to-end (JPEG files on disk → model) vs synthetic tensors, same process.

Generates ``--images`` 500x375 JPEGs into a temporary folder, then on whatever device exists
(or ``--device``) measures, for one base model:

* training, synthetic: a bare loop (autocast, forward, backward, AdamW step) on random tensors
  already on the device: the ceiling;
* training, end to end: ``ml.train.train_one_epoch`` over ``ImageDataset`` + ``DataLoader``
  (PIL decode, train augmentation, pinned memory, non-blocking copies), one warm-up pass first;
* inference, synthetic: forward passes on random device tensors under ``inference_mode``;
* inference, end to end: ``ml.predict.predict`` over the files (eval preprocessing);

* decoding only: the inference loader alone (files to preprocessed batches on the device, no
  model): the most images/s the input pipeline can give, so a ratio under 1 shows whether
  the model waits for its input or the input for the model;

each end-to-end run with JPEG decoding on the device (nvjpeg, ``--decode device``), in
DataLoader workers (``workers`` / ``pil``) or several (``--decode device,workers``);
``--decode-ahead 0,2`` also runs the device-side modes with a thread decoding that many
batches ahead (``DeviceLoader``), ``--decode-threads 0,8`` the ``device`` mode with that many
host threads decoding part of each batch beside nvJPEG (``DeviceTransform``),
``--compute-stream 0,1`` the device-side modes with the model on the default CUDA stream and
on one of its own (``DeviceSetup.on_compute_stream``). End-to-end inference also reports its
steady rate and the fixed cost of a ``predict`` call (from a second call over half the files);
decoding only reports how long a call waits for its first batch, with freshly forked workers
and with the shared readers that ``predict`` uses (``ml.readers``); on a GPU one line says
whether a device JPEG decode waits for GPU work queued before it on the default stream or on
another, and one what a ``predict`` call pays for a last batch of a size not run before (cuDNN
autotuning). ``--overhead`` adds the loops' own cost: ``train_one_epoch`` against a bare training
loop and ``predict_batches`` against bare forward passes, each over the same ready tensors.
``--compile`` runs the model compiled (``torch.compile``) throughout, ceilings included, and
first prints how long compiling took.

and prints images/s and the end-to-end / synthetic ratio for each, plus a JSON line.
Examples::

    .venv/bin/python bench/ml.py                              # GPU defaults when CUDA exists
    .venv/bin/python bench/ml.py --images 96 --batch-size 16 --input-size 64   # quick CPU run
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch
import torchvision
from PIL import Image, ImageDraw

from ml.compiling import compiled, compiled_graphs
from ml.data import Batch, FailureTracker, ImageRoots, LabelEncoder, Preprocessing
from ml.device_decode import DecodeTimes, DeviceLoader, DeviceTransform
from ml.errors import MLError
from ml.models import get_model
from ml.predict import predict, predict_batches
from ml.train import (
    DECODE_MODES,
    DEFAULT_GPU_DECODE_AHEAD,
    DeviceSetup,
    cosine_with_warmup,
    train_one_epoch,
)


def write_jpegs(directory: Path, count: int, seed: int = 0, noise: float = 6.0,
                scale: int = 1) -> tuple[list[str], list[str]]:
    """``count`` 500x375 photo-like JPEGs of two classes: a colour gradient, grain of strength
    ``noise``, and a red or blue disc. Grain sets the file size, which sets the decode cost:
    6 gives ~44 KiB files (typical of 500x375 photos), 40 gives ~112 KiB (heavy). ``scale``
    enlarges each image that many times (4: 2000x1500, a phone photo's order of size).
    """
    rng = random.Random(seed)
    gradient = Image.radial_gradient("L").resize((500, 375))
    grain = Image.effect_noise((500, 375), noise)
    base = Image.merge("RGB", (gradient, grain, gradient.transpose(
        Image.Transpose.FLIP_LEFT_RIGHT)))
    base = Image.blend(base, Image.merge("RGB", (grain, grain, grain)), 0.5)
    paths, labels = [], []
    for i in range(count):
        label = "red" if i % 2 == 0 else "blue"
        image = base.copy()
        draw = ImageDraw.Draw(image)
        x, y, r = rng.randint(60, 440), rng.randint(60, 315), rng.randint(30, 60)
        fill = (200, 40, 40) if label == "red" else (40, 40, 200)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=fill)
        if scale > 1:
            image = image.resize((500 * scale, 375 * scale), Image.Resampling.BICUBIC)
        path = directory / f"{i:06d}.jpg"
        image.save(path, quality=90)
        paths.append(str(path))
        labels.append(label)
    return paths, labels


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def synthetic_training(model: torch.nn.Module, setup: DeviceSetup, batch: int, size: int,
                       steps: int, warmup: int) -> float:
    images = torch.randn(batch, 3, size, size, device=setup.device)
    if setup.channels_last:
        images = images.contiguous(memory_format=torch.channels_last)
    labels = torch.randint(0, 2, (batch,), device=setup.device)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, fused=setup.fused_optimizer or None)
    loss_fn = torch.nn.CrossEntropyLoss(label_smoothing=0.1)
    model.train()
    for step in range(warmup + steps):
        if step == warmup:
            sync(setup.device)
            start = time.perf_counter()
        with setup.autocast():
            loss = loss_fn(model(images), labels)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    sync(setup.device)
    return batch * steps / (time.perf_counter() - start)


@torch.inference_mode()
def synthetic_inference(model: torch.nn.Module, setup: DeviceSetup, batch: int, size: int,
                        steps: int, warmup: int) -> float:
    images = torch.randn(batch, 3, size, size, device=setup.device)
    if setup.channels_last:
        images = images.contiguous(memory_format=torch.channels_last)
    model.eval()
    for step in range(warmup + steps):
        if step == warmup:
            sync(setup.device)
            start = time.perf_counter()
        with setup.autocast():
            model(images).float().softmax(1).cpu()
    sync(setup.device)
    return batch * steps / (time.perf_counter() - start)


class GpuBusy:
    """The GPU's mean utilisation (NVML: the share of time a kernel ran) while the block runs,
    sampled every 20 ms by a thread: near 100% with a low rate means the GPU's own work (the
    decoder's kernels beside the model's) is the limit, well under it that the host is."""

    def __init__(self, device: torch.device) -> None:
        self.device = device
        self.samples: list[int] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> GpuBusy:
        if self.device.type == "cuda":
            try:
                torch.cuda.utilization(self.device)
            except Exception:  # no NVML (pynvml) here: nothing to sample
                return self
            self._thread = threading.Thread(target=self._sample, daemon=True)
            self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            self.samples.append(torch.cuda.utilization(self.device))

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def __str__(self) -> str:
        if not self.samples:
            return "GPU busy n/a"
        return f"GPU busy {sum(self.samples) / len(self.samples):.0f}%"


def host_times(loader: object) -> str:
    """Where the host's time went per batch, for the device-side decode modes."""
    return loader.transform.times.per_batch() if isinstance(loader, DeviceLoader) else ""


def reset_host_times(loader: object) -> None:
    if isinstance(loader, DeviceLoader):
        loader.transform.times = DecodeTimes()


def end_to_end_training(model: torch.nn.Module, setup: DeviceSetup, paths: list[str],
                        labels: list[int], roots: ImageRoots, pre: Preprocessing,
                        batch: int, full_batches: bool) -> tuple[float, float, str]:
    """images/s of ``train_one_epoch`` over the files (after a 3-step warm-up), the loss, and
    where the host's time went per batch (``full_batches``: as ``fit`` trains a compiled
    model)."""
    loader = setup.image_loader(paths, labels, roots, pre, train=True, batch_size=batch,
                                shuffle=True, drop_last=full_batches)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, fused=setup.fused_optimizer or None)
    sched = cosine_with_warmup(opt, 10 * len(loader), len(loader))
    loss_fn = torch.nn.CrossEntropyLoss(label_smoothing=0.1)
    train_one_epoch(model, loader, opt, sched, loss_fn, setup, max_steps=3)  # warm-up
    reset_host_times(loader)
    start = time.perf_counter()
    with GpuBusy(setup.device) as busy:
        stats = train_one_epoch(model, loader, opt, sched, loss_fn, setup)
        sync(setup.device)
    return (stats.images / (time.perf_counter() - start), stats.loss,
            "; ".join(part for part in (str(busy), host_times(loader)) if part))


def end_to_end_inference(model: torch.nn.Module, setup: DeviceSetup, paths: list[str],
                         encoder: LabelEncoder, roots: ImageRoots, pre: Preprocessing,
                         batch: int, fixed_shapes: bool) -> tuple[float, float, float]:
    """images/s of ``predict`` over the files (one warm-up call on two batches first), and
    from a second call over half of them: the steady rate and the fixed cost of a call
    (checking paths, starting workers, filling the pipeline), as the line through both."""

    def timed(refs: list[str]) -> float:
        start = time.perf_counter()
        preds = predict(model, encoder, pre, refs, roots, setup=setup, batch_size=batch,
                        fixed_shapes=fixed_shapes)
        sync(setup.device)
        assert len(preds) == len(refs)
        return time.perf_counter() - start

    timed(paths[: batch * 2])
    with GpuBusy(setup.device) as busy:
        whole = timed(paths)
    print(f"  inference, {busy}", flush=True)
    half = len(paths) // 2
    part = timed(paths[:half])
    steady = (len(paths) - half) / max(whole - part, 1e-9)
    return len(paths) / whole, steady, max(0.0, whole - len(paths) / steady)


def new_shape_cost(model: torch.nn.Module, setup: DeviceSetup, paths: list[str],
                   encoder: LabelEncoder, roots: ImageRoots, pre: Preprocessing,
                   batch: int) -> str:
    """What a ``predict`` call pays when its last batch has a shape the process has not run
    yet (cuDNN's autotuning with ``cudnn.benchmark``, a PREDICT over any row count meets it;
    ``ml.predict.padded_size`` pads a short batch to a power of two to keep such shapes few):
    a call of ``batch`` + 37 rows (run as 64), then the same again, then ``batch`` + 91 rows
    (128: a new shape), then ``batch`` + 100 rows (128 again)."""

    def call_ms(count: int) -> float:
        start = time.perf_counter()
        predict(model, encoder, pre, paths[:count], roots, setup=setup, batch_size=batch)
        sync(setup.device)
        return 1e3 * (time.perf_counter() - start)

    first, again, other = call_ms(batch + 37), call_ms(batch + 37), call_ms(batch + 91)
    near = call_ms(batch + 100)
    return (f"predict of {batch} + 37 rows {first:.0f} ms, the same again {again:.0f} ms; "
            f"{batch} + 91 rows {other:.0f} ms; {batch} + 100 rows {near:.0f} ms")


def decode_waits(setup: DeviceSetup, paths: list[str], pre: Preprocessing) -> str:
    """Whether a device JPEG decode waits for GPU work queued before it: ~0.2 s of matrix
    products queued on the default stream (where the model runs) or on another stream, then
    one batch decoded. A decode that returns only after the products have run holds up the
    host (and, with the model on that stream, leaves the GPU idle while it decodes)."""
    if setup.device.type != "cuda":
        return "n/a (no GPU)"
    transform = DeviceTransform(pre, False, setup.device)
    data = [torch.frombuffer(bytearray(Path(p).read_bytes()), dtype=torch.uint8)
            for p in paths[:128]]
    x = torch.randn(8192, 8192, device=setup.device, dtype=torch.bfloat16)

    def decode_ms(queue_on: torch.cuda.Stream | None, products: int) -> tuple[float, float]:
        """(ms the decode call took, ms for the products and the decode together)."""
        sync(setup.device)
        start = time.perf_counter()
        with torch.cuda.stream(queue_on or torch.cuda.current_stream(setup.device)):
            for _ in range(products):
                x @ x
        called = time.perf_counter()
        transform._decode_jpegs(data)
        took = time.perf_counter() - called
        sync(setup.device)
        return 1e3 * took, 1e3 * (time.perf_counter() - start)

    decode_ms(None, 1)  # warm-up: decoder made, buffers sized
    alone, _ = decode_ms(None, 0)
    after_default, queued = decode_ms(None, 150)
    after_other, _ = decode_ms(torch.cuda.Stream(setup.device), 150)  # type: ignore[no-untyped-call]
    return (f"decode of {len(data)} JPEGs: {alone:.1f} ms alone, {after_default:.1f} ms after "
            f"150 products queued on the default stream, {after_other:.1f} ms after them on "
            f"another stream (the products: ~{queued:.0f} ms with the decode)")


def first_batch_ms(setup: DeviceSetup, paths: list[str], roots: ImageRoots, pre: Preprocessing,
                   batch: int, reuse_workers: bool) -> float:
    """ms from asking for an inference loader to holding its first batch on the device: what
    a ``predict`` call pays before its first forward pass (the rows' path check, the
    workers' start or reset, the first batch)."""
    started = time.perf_counter()
    loader = setup.image_loader(paths, None, roots, pre, train=False, batch_size=batch,
                                shuffle=False, reuse_workers=reuse_workers)
    batches = iter(loader)
    next(batches)
    sync(setup.device)
    took = time.perf_counter() - started
    del batches  # the rest of the call's batches are not wanted
    return 1e3 * took


def decode_only(setup: DeviceSetup, paths: list[str], roots: ImageRoots, pre: Preprocessing,
                batch: int) -> tuple[float | None, str]:
    """images/s of the inference loader alone (files to preprocessed batches on the device;
    None when there is one batch: the first is not timed), and where the host's time went per
    batch; first, what a ``predict`` call pays to start: with freshly forked DataLoader
    workers and with the process's shared readers (``ml.readers``, what ``predict`` uses)."""
    fresh = first_batch_ms(setup, paths, roots, pre, batch, reuse_workers=False)
    shared = first_batch_ms(setup, paths, roots, pre, batch, reuse_workers=True)
    print(f"  decode only, start to first batch: fresh workers {fresh:.0f} ms, shared "
          f"readers {shared:.0f} ms", flush=True)
    loader = setup.image_loader(paths, None, roots, pre, train=False, batch_size=batch,
                                shuffle=False, reuse_workers=True)
    batches = iter(loader)
    next(batches)
    sync(setup.device)
    reset_host_times(loader)
    start, count = time.perf_counter(), 0
    for b in batches:
        images, _ = setup.to_device(b)  # already there unless decoded by "pil"
        count += len(images)
    sync(setup.device)
    if not count:
        return None, ""
    return count / (time.perf_counter() - start), host_times(loader)


def best_rates(bare: Callable[[], float], pipeline: Callable[[], float]) -> tuple[float, float]:
    """The best of three runs of each (after a warm-up run): the VM's noise is larger than a
    loop's own cost."""
    bare()
    return max(bare() for _ in range(3)), max(pipeline() for _ in range(3))


def loop_overhead(model: torch.nn.Module, setup: DeviceSetup, batch: int, size: int,
                  steps: int) -> tuple[float, float]:
    """The training pipeline's own cost: ``train_one_epoch`` (progress every step, failure
    tracking, cancellation checks, scheduler) vs a bare loop, both over the same ready tensors.
    """
    batches = [Batch(torch.randn(batch, 3, size, size), torch.randint(0, 2, (batch,)),
                     torch.arange(batch)) for _ in range(steps)]
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, fused=setup.fused_optimizer or None)
    loss_fn = torch.nn.CrossEntropyLoss(label_smoothing=0.1)
    sched = cosine_with_warmup(opt, 10 * steps, steps)

    def bare() -> float:
        model.train()
        start = time.perf_counter()
        for b in batches:
            images, labels = setup.to_device(b)
            with setup.autocast():
                loss = loss_fn(model(images), labels)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        sync(setup.device)
        return batch * steps / (time.perf_counter() - start)

    def pipeline() -> float:
        start = time.perf_counter()
        train_one_epoch(model, batches, opt, sched, loss_fn, setup, on_step=lambda p: None,
                        should_stop=lambda: False, failures=FailureTracker(batch * steps))
        sync(setup.device)
        return batch * steps / (time.perf_counter() - start)

    return best_rates(bare, pipeline)


def predict_overhead(model: torch.nn.Module, setup: DeviceSetup, batch: int, size: int,
                     steps: int) -> tuple[float, float]:
    """The prediction pipeline's own cost: ``predict_batches`` (host copies, one batch of lag,
    labels and probabilities per row, cancellation checks) vs a bare loop of forward passes,
    softmax and copies to the host, both over the same ready tensors."""
    batches = [Batch(torch.randn(batch, 3, size, size), torch.zeros(batch, dtype=torch.long),
                     torch.arange(step * batch, (step + 1) * batch)) for step in range(steps)]
    encoder = LabelEncoder.fit(["a", "b"])

    @torch.inference_mode()
    def bare() -> float:
        model.eval()
        start = time.perf_counter()
        for b in batches:
            images, _ = setup.to_device(b)
            with setup.autocast():
                model(images).float().softmax(1).max(1)[1].cpu()
        return batch * steps / (time.perf_counter() - start)

    def pipeline() -> float:
        start = time.perf_counter()
        predicted = predict_batches(model, encoder, batches, setup, batch_size=batch,
                                    should_stop=lambda: False)
        assert len(predicted) == batch * steps
        return batch * steps / (time.perf_counter() - start)

    return best_rates(bare, pipeline)


def measure_variant(results: dict[str, float], mode: str, model: torch.nn.Module,
                    setup: DeviceSetup, args: argparse.Namespace, paths: list[str],
                    labels: list[int], encoder: LabelEncoder, roots: ImageRoots,
                    pre: Preprocessing) -> None:
    """One decode variant: training and inference end to end, then the loader alone."""
    rate, loss, times = end_to_end_training(model, setup, paths, labels, roots, pre,
                                            args.batch_size, args.compile)
    results[f"train_end_to_end_{mode}"] = rate
    print(f"train end-to-end {mode:24s}{rate:9.1f} img/s ({len(paths)} images, loss "
          f"{loss:.3f}, {setup.num_workers} workers)", flush=True)
    print(f"  training, {times}", flush=True)  # GPU busy, host times (device-side modes)
    rate, steady, fixed = end_to_end_inference(model, setup, paths, encoder, roots, pre,
                                               args.infer_batch_size, args.compile)
    results[f"infer_end_to_end_{mode}"] = rate
    results[f"infer_steady_{mode}"], results[f"infer_fixed_s_{mode}"] = steady, fixed
    print(f"infer end-to-end {mode:24s}{rate:9.1f} img/s (steady {steady:.1f} img/s, "
          f"{fixed:.2f} s fixed per call)", flush=True)
    decoded, times = decode_only(setup, paths, roots, pre, args.infer_batch_size)
    if decoded is None:
        print(f"decode only      {mode:24s} not timed: the first batch is left out, and "
              f"there is no other (more --images)", flush=True)
        return
    results[f"decode_only_{mode}"] = decoded
    print(f"decode only      {mode:24s}{decoded:9.1f} img/s "
          f"({decoded / results['infer_synthetic']:.2f}x inference synthetic)", flush=True)
    if times:
        print(f"  decode only, {times}", flush=True)


def main() -> None:
    cuda = torch.cuda.is_available()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="ConvNeXt_Tiny")
    parser.add_argument("--images", type=int, default=4096 if cuda else 96)
    parser.add_argument("--repeat", type=int, default=4 if cuda else 1,
                        help="end-to-end passes go over the files this many times (page cache)")
    parser.add_argument("--batch-size", type=int, default=128 if cuda else 16)
    parser.add_argument("--infer-batch-size", type=int, default=256 if cuda else 32)
    parser.add_argument("--input-size", type=int, default=224 if cuda else 64)
    parser.add_argument("--steps", type=int, default=30 if cuda else 4)
    parser.add_argument("--device", default=None)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--decode", default="all" if cuda else "pil",
                        help="where end-to-end runs decode JPEGs: comma-separated modes of "
                             f"{', '.join(DECODE_MODES)}, or all")
    parser.add_argument("--decode-ahead", default=str(DEFAULT_GPU_DECODE_AHEAD if cuda else 0),
                        help="comma-separated batches decoded ahead by a thread, each measured "
                             "for the device and workers modes (DeviceSetup.decode_ahead; "
                             "default: the server's on this machine)")
    parser.add_argument("--decode-threads", default="0",
                        help="comma-separated host threads decoding beside nvJPEG, each "
                             "measured for the device mode (DeviceSetup.decode_threads)")
    parser.add_argument("--compute-stream", default="0",
                        help="comma-separated 0/1: the model on the default CUDA stream or on "
                             "one of its own, each measured for the device and workers modes "
                             "(DeviceSetup.compute_stream)")
    parser.add_argument("--overhead", action="store_true",
                        help="also measure train_one_epoch and predict_batches against bare loops "
                             "on ready tensors")
    parser.add_argument("--jpeg-noise", type=float, default=6.0,
                        help="grain in the generated JPEGs (file size, so decode cost)")
    parser.add_argument("--dir", default=None, help="folder for the JPEGs (default: a temp dir)")
    parser.add_argument("--compile", action="store_true",
                        help="run the model compiled (torch.compile; PIXELSQL_COMPILE_BACKEND), "
                             "the synthetic ceilings too")
    args = parser.parse_args()

    setup = DeviceSetup.choose(args.device, args.workers, decode="pil")
    device = setup.device
    card = torch.cuda.get_device_name(device) if device.type == "cuda" else platform.processor()
    print(f"device {device} ({card}); torch {torch.__version__}, torchvision "
          f"{torchvision.__version__}; {os.cpu_count()} CPUs, {setup.num_workers} decode workers;"
          f" {args.base} batch {args.batch_size} at {args.input_size}px", flush=True)

    model = get_model(args.base, 2, use_pretrained=False).model.to(device)
    if setup.channels_last:
        model = model.to(memory_format=torch.channels_last)
    results: dict[str, float] = {}
    run_model = compiled(model) if args.compile else model  # shares model's parameters
    if args.compile:
        for name, measure in (("training", synthetic_training),
                              ("inference", synthetic_inference)):
            start = time.perf_counter()
            measure(run_model, setup, args.batch_size if name == "training"
                    else args.infer_batch_size, args.input_size, 1, warmup=0)
            results[f"compile_{name}_s"] = time.perf_counter() - start
            print(f"compiling: first {name} step {results[f'compile_{name}_s']:.1f}s "
                  f"({compiled_graphs()} graphs so far)", flush=True)
    results["train_synthetic"] = synthetic_training(
        run_model, setup, args.batch_size, args.input_size, args.steps, warmup=3)
    print(f"train synthetic        {results['train_synthetic']:9.1f} img/s", flush=True)
    results["infer_synthetic"] = synthetic_inference(
        run_model, setup, args.infer_batch_size, args.input_size, args.steps, warmup=3)
    print(f"infer synthetic        {results['infer_synthetic']:9.1f} img/s", flush=True)
    if args.overhead:
        bare, pipe = loop_overhead(model, setup, args.batch_size, args.input_size, args.steps)
        results["loop_bare"], results["loop_pipeline"] = bare, pipe
        print(f"train loop, ready tensors: bare {bare:.1f} img/s, train_one_epoch {pipe:.1f} "
              f"img/s: overhead {100 * (bare / pipe - 1):.1f}%", flush=True)
        bare, pipe = predict_overhead(model, setup, args.infer_batch_size, args.input_size,
                                      args.steps)
        results["predict_bare"], results["predict_pipeline"] = bare, pipe
        print(f"predict loop, ready tensors: bare {bare:.1f} img/s, predict_batches {pipe:.1f} "
              f"img/s: overhead {100 * (bare / pipe - 1):.1f}%", flush=True)

    decode_modes = list(DECODE_MODES) if args.decode == "all" else args.decode.split(",")
    unknown = set(decode_modes) - set(DECODE_MODES)
    if unknown:
        parser.error(f"--decode: unknown mode(s) {', '.join(sorted(unknown))}")
    aheads = [int(n) for n in args.decode_ahead.split(",")]
    threads = [int(n) for n in args.decode_threads.split(",")]
    streams = [bool(int(n)) for n in args.compute_stream.split(",")]
    variants = [(mode + (f"+ahead{n}" if n else "") + (f"+threads{t}" if t else "")
                 + ("+stream" if own else ""), mode, n, t, own)
                for mode in decode_modes for own in streams for n in aheads for t in threads
                if (n == 0 or mode != "pil") and (t == 0 or mode == "device")
                and (not own or mode != "pil")]
    modes = [variant[0] for variant in variants]
    initial = {k: v.detach().clone() for k, v in model.state_dict().items()}
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        paths, labels = write_jpegs(folder, args.images, noise=args.jpeg_noise)
        mean_kib = sum(os.path.getsize(p) for p in paths) / len(paths) / 1024
        results["jpeg_mean_kib"] = mean_kib
        print(f"wrote {len(paths)} 500x375 JPEGs (mean {mean_kib:.0f} KiB) in "
              f"{time.perf_counter() - start:.1f}s", flush=True)
        roots = ImageRoots.of(folder)
        encoder = LabelEncoder.fit(labels)
        pre = Preprocessing(input_size=args.input_size)
        print(f"waiting decodes: {decode_waits(setup, paths, pre)}", flush=True)
        print("last batch of a new size: " + new_shape_cost(
            run_model, setup, paths, encoder, roots, pre, args.infer_batch_size), flush=True)
        many_paths = paths * args.repeat
        many_labels = [encoder.encode(x) for x in labels] * args.repeat
        for mode, decode, ahead, host_threads, own_stream in variants:
            mode_setup = replace(setup, decode=decode, decode_ahead=ahead,
                                 decode_threads=host_threads, compute_stream=own_stream)
            if args.workers is None and device.type == "cuda":  # DeviceSetup's per-mode count
                mode_setup = replace(mode_setup, num_workers=DeviceSetup.choose(
                    str(device), decode=decode).num_workers)
            model.load_state_dict(initial)  # every mode trains the same starting weights
            try:  # a variant that fails (a worker killed, a NaN loss) is reported; the rest run
                measure_variant(results, mode, run_model, mode_setup, args, many_paths,
                                many_labels, encoder, roots, pre)
            except (RuntimeError, MLError) as exc:
                print(f"{mode}: FAILED {type(exc).__name__}: {exc}", flush=True)

    ratios = {}
    for mode in modes:
        if f"infer_end_to_end_{mode}" not in results:
            continue  # failed
        ratios[f"train_ratio_{mode}"] = (results[f"train_end_to_end_{mode}"]
                                         / results["train_synthetic"])
        ratios[f"infer_ratio_{mode}"] = (results[f"infer_end_to_end_{mode}"]
                                         / results["infer_synthetic"])
        print(f"ratios ({mode} decode): training {ratios[f'train_ratio_{mode}']:.2f}x of "
              f"synthetic, inference {ratios[f'infer_ratio_{mode}']:.2f}x")
    print(json.dumps({"device": str(device), "card": card, "torch": torch.__version__,
                      "torchvision": torchvision.__version__, "base": args.base,
                      "batch_size": args.batch_size, "infer_batch_size": args.infer_batch_size,
                      "input_size": args.input_size, "images": args.images,
                      "repeat": args.repeat, "workers": setup.num_workers,
                      "compile": args.compile, **results, **ratios}))


if __name__ == "__main__":
    main()
