"""Decode and preprocess images on the training device (nvjpeg on a GPU).

Why: a photo-sized JPEG costs a CPU core 3-5 ms to decode, resize and normalise, so keeping a
GPU that trains ConvNeXt_Tiny at ~2,500 img/s (and infers at ~8,000) busy would take 10-40
cores. Here the DataLoader workers only read the file bytes and check the header (format and
size: the decompression-bomb check happens before anything is decoded); the main process
decodes a whole batch of JPEGs at once with ``torchvision.io.decode_jpeg(device=...)`` and does
the crop, resize, flip and normalisation as tensor ops on the device.

The same code runs with ``device="cpu"`` (libjpeg-turbo inside torchvision), which is how the
tests exercise it without a GPU.

Theory of operation:

* ``EncodedDataset.__getitem__`` returns an ``Encoded`` payload: the raw bytes of a baseline /
  progressive JPEG in RGB or grayscale, or, for any other Pillow format (PNG, CMYK JPEG, ...),
  the image already decoded on the CPU to a uint8 CHW tensor. Unreadable images become an
  ``ImageFailure``, exactly as in ``ImageDataset``.
* ``collate_encoded`` packs a batch into one uint8 tensor (built in shared memory in a worker;
  pixels in their decoders' H x W x C order, so packing is a plain copy).
* ``DeviceTransform`` turns a collated ``EncodedBatch`` into a ``Batch`` whose images are on the
  device. A batch decode that fails (one corrupt file fails the whole call) is retried image by
  image so that only the bad rows are reported. torchvision runs one nvJPEG decode at a time
  per process and the call blocks until it is done; with ``host_threads`` a pool of threads
  decodes part of the batch with libjpeg-turbo meanwhile (``HostShare`` sizes that part).
* Geometry matches ``Preprocessing``: evaluation resizes the shorter side to
  ``input_size / resize_ratio`` and takes the centre square (done as one resized crop of the
  matching source box); training takes a RandomResizedCrop box and flips half the images.
  Interpolation is bilinear with antialiasing, as torchvision's CPU transforms; pixels differ
  from Pillow's by rounding only.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import queue
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

import torch
from PIL import Image, UnidentifiedImageError
from torch.utils.data import DataLoader, Dataset
from torchvision.io import ImageReadMode, decode_jpeg
from torchvision.ops import roi_align
from torchvision.transforms import functional as TF

from ml.data import (
    Batch,
    ImageFailure,
    ImageRef,
    ImageRoots,
    ImageRows,
    Preprocessing,
    describe_ref,
    failure_reason,
    worker_output,
)
from ml.readers import SharedBatches
from ml.roots import read_image_file

# JPEG colour layouts nvjpeg decodes directly; others go through Pillow on the CPU.
_DEVICE_JPEG_MODES = {"RGB", "L"}


@dataclass(frozen=True)
class Encoded:
    """One image as the worker hands it over: JPEG bytes, or CPU-decoded pixels (uint8 CHW)."""

    data: torch.Tensor
    is_jpeg: bool
    row: int
    ref: str


EncodedItem = tuple[Encoded, int] | ImageFailure


def read_encoded(ref: ImageRef, roots: ImageRoots, color: str, row: int,
                 decode: bool = False, draft_size: int | None = None) -> Encoded:
    """Read one image's bytes; decode on the CPU what the device decoder cannot take (or, with
    ``decode``, everything: JPEGs with libjpeg-turbo straight to a uint8 tensor).

    With ``decode``, a JPEG at least twice ``draft_size`` on its short side decodes at a
    reduced scale (DCT scaling, 1/2 to 1/8, never under ``draft_size``), as the "pil" path's
    ``open_image`` does: most of the decoding work is skipped, and a fraction of the pixels
    goes back to the main process (a 4000x3000 photo: 0.6 MB instead of 36 MB).
    """
    if isinstance(ref, bytes | bytearray | memoryview):
        raw = bytes(ref)
    else:
        raw = read_image_file(roots.resolve(ref))
    # Image.open parses the header only; it raises DecompressionBombError for huge images.
    image = Image.open(io.BytesIO(raw))
    if image.format == "JPEG" and image.mode in _DEVICE_JPEG_MODES:
        data = torch.frombuffer(bytearray(raw), dtype=torch.uint8)
        if not decode:
            return Encoded(data, True, row, describe_ref(ref))
        if draft_size is not None and min(image.size) >= 2 * draft_size:
            image.draft("L" if color == "GRAY" else "RGB", (draft_size, draft_size))
            return Encoded(_pixels(image, color), False, row, describe_ref(ref))
        mode = ImageReadMode.GRAY if color == "GRAY" else ImageReadMode.RGB
        try:
            return Encoded(decode_jpeg_on_cpu(data, mode), False, row, describe_ref(ref))
        except RuntimeError:
            pass  # Pillow below is more forgiving (and its error message clearer)
    return Encoded(_pixels(image, color), False, row, describe_ref(ref))


def decode_jpeg_on_cpu(data: torch.Tensor, mode: ImageReadMode) -> torch.Tensor:
    """One JPEG to a uint8 C x H x W tensor with libjpeg-turbo: torchvision's operator without
    its Python wrapper, which logs API usage and (torchvision 0.29) warns of its deprecation on
    every call: ~35 µs an image, most of it holding the GIL that host threads share."""
    image: torch.Tensor = torch.ops.image.decode_jpeg(data, mode.value, False)
    return image


def _pixels(image: Image.Image, color: str) -> torch.Tensor:
    """A Pillow image as a uint8 CHW tensor in the requested colour."""
    converted = image.convert("L" if color == "GRAY" else "RGB")
    tensor = torch.frombuffer(bytearray(converted.tobytes()), dtype=torch.uint8)
    channels = 1 if color == "GRAY" else 3
    return tensor.view(converted.height, converted.width, channels).permute(2, 0, 1)


class EncodedDataset(ImageRows, Dataset[EncodedItem]):
    """Rows of image references whose decoding is left to ``DeviceTransform``."""

    def __init__(self, refs: Sequence[ImageRef], labels: Sequence[int] | None, roots: ImageRoots,
                 color: str = "RGB", rows: Sequence[int] | None = None,
                 decode_in_worker: bool = False, draft_size: int | None = None) -> None:
        super().__init__(refs, labels, roots, color, rows)
        self.decode_in_worker = decode_in_worker
        self.draft_size = draft_size  # see read_encoded

    def read(self, ref: ImageRef, row: int, label: int) -> EncodedItem:
        try:
            encoded = read_encoded(ref, self.roots, self.color, row, self.decode_in_worker,
                                   self.draft_size)
        except FileNotFoundError:
            return ImageFailure(row, describe_ref(ref), "file not found")
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError,
                Image.DecompressionBombError) as exc:
            return ImageFailure(row, describe_ref(ref), failure_reason(exc))
        return encoded, label


@dataclass
class EncodedBatch:
    """A collated batch of ``Encoded`` images, packed for the trip out of a DataLoader worker.

    Every payload sits in one uint8 tensor, so a worker hands the batch over as one
    shared-memory block instead of one per image (a file descriptor and an mmap each: with
    256 small tensors that hand-over cost more than reading the files did).
    """

    data: torch.Tensor  # uint8: every payload, concatenated (pixels in H, W, C order)
    lengths: list[int]
    shapes: list[tuple[int, ...]]  # () for JPEG bytes, (C, H, W) for decoded pixels
    rows: list[int]
    refs: list[str]
    labels: list[int]
    failures: list[ImageFailure] = field(default_factory=list)

    @property
    def items(self) -> list[Encoded]:
        return self.items_from(self.data)

    def items_from(self, data: torch.Tensor) -> list[Encoded]:
        """The images as views of ``data`` (this batch's ``data``, or a copy of it elsewhere)."""
        parts = torch.split(data, self.lengths) if self.lengths else ()
        return [Encoded(_chw(part, shape) if shape else part, not shape, row, ref)
                for part, shape, row, ref in zip(parts, self.shapes, self.rows, self.refs,
                                                 strict=True)]

    def pin_memory(self) -> EncodedBatch:
        return replace(self, data=self.data.pin_memory())


def _chw(flat: torch.Tensor, shape: tuple[int, ...]) -> torch.Tensor:
    """Packed pixels (H, W, C order) as the C x H x W view the transforms take."""
    channels, height, width = shape
    return flat.view(height, width, channels).permute(2, 0, 1)


def _flat_pixels(pixels: torch.Tensor) -> torch.Tensor:
    """C x H x W pixels as flat bytes in H, W, C order (``_chw`` reverses it). Decoders hand
    pixels over as C x H x W views of H x W x C memory (libjpeg-turbo's and Pillow's order), so
    this is a view, and packing it a plain copy; flattening the C x H x W view would take a
    strided copy, several times slower."""
    return pixels.permute(1, 2, 0).reshape(-1)


def _packed(encoded: Encoded) -> torch.Tensor:
    """An image's payload as flat bytes."""
    return encoded.data.reshape(-1) if encoded.is_jpeg else _flat_pixels(encoded.data)


def _concatenated(payloads: list[torch.Tensor]) -> torch.Tensor:
    """One uint8 tensor of ``payloads`` (in shared memory when in a DataLoader worker)."""
    total = sum(p.numel() for p in payloads)
    if total == 0:
        return torch.empty(0, dtype=torch.uint8)
    return torch.cat(payloads, out=worker_output(payloads[0], (total,)))


def collate_encoded(items: list[EncodedItem]) -> EncodedBatch:
    good = [item for item in items if not isinstance(item, ImageFailure)]
    failures = [item for item in items if isinstance(item, ImageFailure)]
    payloads = [_packed(encoded) for encoded, _ in good]
    return EncodedBatch(
        _concatenated(payloads),
        [p.numel() for p in payloads],
        [() if encoded.is_jpeg else tuple(encoded.data.shape) for encoded, _ in good],
        [encoded.row for encoded, _ in good], [encoded.ref for encoded, _ in good],
        [label for _, label in good], failures)


class HostShare:
    """Which part of a batch's JPEGs host threads decode while the device decodes the rest.

    Balanced from each batch's timings so that both sides finish together: the share moves
    towards ``host rate / (host rate + device rate)``, smoothed, within [``low``, ``high``] so
    that each side keeps getting images to time. It starts at ``start`` (DALI's default share
    for its hardware decoder is 0.65, leaving 0.35 to the CPU).
    """

    def __init__(self, start: float = 0.35, low: float = 0.05, high: float = 0.95,
                 smoothing: float = 0.3) -> None:
        self.share = start
        self.low, self.high, self.smoothing = low, high, smoothing

    def host_count(self, jpegs: int) -> int:
        """How many of ``jpegs`` images go to the host threads (none of a lone image)."""
        if jpegs < 2:
            return 0
        return min(jpegs - 1, max(1, round(self.share * jpegs)))

    def update(self, host_images: int, host_seconds: float, device_images: int,
               device_seconds: float) -> None:
        if min(host_images, device_images) == 0 or min(host_seconds, device_seconds) <= 0:
            return
        host_rate, device_rate = host_images / host_seconds, device_images / device_seconds
        balanced = host_rate / (host_rate + device_rate)
        share = self.share + self.smoothing * (balanced - self.share)
        self.share = min(self.high, max(self.low, share))


_POOLS: dict[int, ThreadPoolExecutor] = {}
_POOLS_LOCK = threading.Lock()


def _host_pool(threads: int) -> ThreadPoolExecutor:
    """The process's pool of ``threads`` JPEG-decoding threads (made once, then reused)."""
    with _POOLS_LOCK:
        pool = _POOLS.get(threads)
        if pool is None:
            pool = _POOLS[threads] = ThreadPoolExecutor(threads,
                                                        thread_name_prefix="pixelsql-jpeg")
        return pool


@dataclass
class _HostDecoded:
    """One host thread's share of a batch: pixels packed into one (pinned) block."""

    shapes: list[tuple[int, ...] | None]  # None: this image did not decode
    packed: torch.Tensor
    finished: float  # time.perf_counter() when done


def _decode_on_host(data: list[torch.Tensor], mode: ImageReadMode, pin: bool) -> _HostDecoded:
    """libjpeg-turbo (torchvision's CPU decode_jpeg, which releases the GIL) over ``data``."""
    images: list[torch.Tensor | None] = []
    for encoded in data:
        try:
            images.append(decode_jpeg_on_cpu(encoded, mode))
        except RuntimeError:
            images.append(None)
    flat = [_flat_pixels(image) for image in images if image is not None]
    total = sum(f.numel() for f in flat)
    packed = torch.empty(total, dtype=torch.uint8, pin_memory=pin)
    if flat:
        torch.cat(flat, out=packed)
    return _HostDecoded([None if image is None else tuple(image.shape) for image in images],
                        packed, time.perf_counter())


@dataclass
class DecodeTimes:
    """Where the host's time went while making a loader's batches, summed (seconds).

    ``waiting_for_workers``: in ``next()`` on the DataLoader; ``device_decode``: in the device
    decoder's call (it blocks until the batch is decoded); ``waiting_for_host``: then waiting for
    the host threads' part; ``preparing``: the rest (copies, crop/resize/normalise launches);
    ``waiting_for_decode``: the consumer waiting on a decode-ahead thread. Wall time on the
    thread that does each, read with ``per_batch`` by bench/ml.py.
    """

    batches: int = 0
    images: int = 0
    host_images: int = 0
    waiting_for_workers: float = 0.0
    device_decode: float = 0.0
    waiting_for_host: float = 0.0
    preparing: float = 0.0
    waiting_for_decode: float = 0.0

    def per_batch(self) -> str:
        n = max(1, self.batches)
        share = self.host_images / self.images if self.images else 0.0
        return (f"per batch (ms): workers {1e3 * self.waiting_for_workers / n:.1f}, device "
                f"decode {1e3 * self.device_decode / n:.1f}, host threads "
                f"{1e3 * self.waiting_for_host / n:.1f} (share {share:.2f}), preparing "
                f"{1e3 * self.preparing / n:.1f}, consumer waiting "
                f"{1e3 * self.waiting_for_decode / n:.1f}")


class DeviceTransform:
    """Decode an ``EncodedBatch`` on ``device`` and apply train or eval preprocessing there.

    With ``host_threads`` > 0, that many threads decode part of each batch's JPEGs on the CPU
    (libjpeg-turbo) while the device decodes the rest (``HostShare`` balances the parts), so
    that the GPU's decoder is not the only one working. Decoders round differently, so one
    image's pixels may differ by a few levels depending on which side decoded it.
    """

    def __init__(self, preprocessing: Preprocessing, train: bool, device: torch.device,
                 channels_last: bool = False, host_threads: int = 0) -> None:
        self.pre = preprocessing
        self.train = train
        self.device = device
        self.channels_last = channels_last
        self.host_threads = host_threads
        self.host_share = HostShare()
        self.times = DecodeTimes()
        self.mode = ImageReadMode.GRAY if preprocessing.color == "GRAY" else ImageReadMode.RGB
        self._stream: torch.cuda.Stream | None = None
        shape = (1, 3, 1, 1)
        self.mean = torch.tensor(preprocessing.mean, device=device).view(shape) * 255
        self.std = torch.tensor(preprocessing.std, device=device).view(shape) * 255

    def __call__(self, batch: EncodedBatch) -> Batch:
        start = time.perf_counter()
        decoding = self.times.device_decode + self.times.waiting_for_host
        try:
            return self._prepare(batch)
        finally:
            self.times.batches += 1
            self.times.images += len(batch.rows)
            decoding = self.times.device_decode + self.times.waiting_for_host - decoding
            self.times.preparing += time.perf_counter() - start - decoding

    def _prepare(self, batch: EncodedBatch) -> Batch:
        failures = list(batch.failures)
        decoded = self._decode(batch, failures)
        keep = [i for i, image in enumerate(decoded) if image is not None]
        size = self.pre.input_size
        if not keep:
            empty = torch.empty(0, 3, size, size, device=self.device)
            none = torch.empty(0, dtype=torch.long)
            return Batch(empty, none.to(self.device, non_blocking=True), none, failures)
        images = self._geometry([image for image in decoded if image is not None])
        if images.shape[1] == 1:  # GRAY: the bases take 3 channels
            images = images.expand(-1, 3, -1, -1)
        if self.train and self.pre.train_hflip:
            flip = torch.rand(len(images), device=self.device) < 0.5
            images = torch.where(flip.view(-1, 1, 1, 1), images.flip(3), images)
        images = (images - self.mean) / self.std
        if self.channels_last:
            images = images.contiguous(memory_format=torch.channels_last)
        else:
            images = images.contiguous()
        labels = torch.tensor([batch.labels[i] for i in keep], dtype=torch.long)
        rows = torch.tensor([batch.rows[i] for i in keep], dtype=torch.long)
        return Batch(images, labels.to(self.device, non_blocking=True), rows, failures)

    def _decode(self, batch: EncodedBatch,
                failures: list[ImageFailure]) -> list[torch.Tensor | None]:
        items = batch.items
        out: list[torch.Tensor | None] = [None] * len(items)
        jpeg = [i for i, item in enumerate(items) if item.is_jpeg]
        if len(jpeg) < len(items):  # decoded pixels: one copy of the whole block, then views
            copied = batch.items_from(batch.data.to(self.device, non_blocking=True))
            for i, item in enumerate(copied):
                if not item.is_jpeg:
                    out[i] = item.data
        host = self.host_share.host_count(len(jpeg)) if self.host_threads > 0 else 0
        on_host, on_device = jpeg[len(jpeg) - host:], jpeg[:len(jpeg) - host]
        start = time.perf_counter()
        pending = self._start_host_decode([items[i] for i in on_host])
        if on_device:
            try:
                images = self._decode_jpegs([items[i].data for i in on_device])
                for i, image in zip(on_device, images, strict=True):
                    out[i] = image
            except RuntimeError:
                for i in on_device:  # find the bad one(s); Pillow gets a second chance
                    out[i] = self._decode_one(items[i], failures)
        device_seconds = time.perf_counter() - start
        self.times.device_decode += device_seconds
        if pending:
            finished = self._finish_host_decode(pending, [items[i] for i in on_host], on_host,
                                                out, failures)
            self.host_share.update(len(on_host), finished - start, len(on_device),
                                   device_seconds)
            self.times.host_images += len(on_host)
            self.times.waiting_for_host += max(0.0, finished - start - device_seconds)
        return out

    def _start_host_decode(self, items: list[Encoded]) -> list[Future[_HostDecoded]]:
        """Hand ``items`` to the host threads, in one chunk per thread."""
        if not items:
            return []
        pool = _host_pool(self.host_threads)
        chunks = min(self.host_threads, len(items))
        pin = self.device.type == "cuda"
        return [pool.submit(_decode_on_host, [item.data for item in items[k::chunks]],
                            self.mode, pin) for k in range(chunks)]

    def _finish_host_decode(self, pending: list[Future[_HostDecoded]], items: list[Encoded],
                            positions: list[int], out: list[torch.Tensor | None],
                            failures: list[ImageFailure]) -> float:
        """Move the host threads' pixels to the device into ``out``; returns when they were
        all decoded (a ``time.perf_counter()`` value)."""
        finished = 0.0
        chunks = len(pending)
        for k, future in enumerate(pending):
            decoded = future.result()
            finished = max(finished, decoded.finished)
            block = decoded.packed.to(self.device, non_blocking=True)
            good = [shape for shape in decoded.shapes if shape is not None]
            parts = iter(torch.split(block, [math.prod(shape) for shape in good]))
            for j, shape in zip(range(k, len(items), chunks), decoded.shapes, strict=True):
                if shape is None:  # nvJPEG, then Pillow, get their chance
                    out[positions[j]] = self._decode_one(items[j], failures)
                else:
                    out[positions[j]] = _chw(next(parts), shape)
        return finished

    def _decode_jpegs(self, data: list[torch.Tensor]) -> list[torch.Tensor]:
        """decode_jpeg on the device, on a stream of its own when that is a GPU.

        nvJPEG's hardware engine writes its output buffers without waiting for work already
        queued on the stream it is given (pytorch/vision#9606, meta-pytorch/torchcodec#1634).
        On the compute stream it can be handed a block that queued kernels are still reading
        (the previous step's activations), and the training loss turns NaN (seen on an H200).
        Allocating its outputs from a decode-only stream's pool keeps it off memory the model
        uses; ``record_stream`` stops that pool reusing an output before the compute stream is
        done with it.
        """
        if self.device.type != "cuda":
            return list(decode_jpeg(data, mode=self.mode, device=self.device))
        if self._stream is None:
            self._stream = torch.cuda.Stream(self.device)  # type: ignore[no-untyped-call]
        compute = torch.cuda.current_stream(self.device)
        with torch.cuda.stream(self._stream):
            images = list(decode_jpeg(data, mode=self.mode, device=self.device))
        compute.wait_stream(self._stream)
        for image in images:
            image.record_stream(compute)
        return images

    def _decode_one(self, item: Encoded, failures: list[ImageFailure]) -> torch.Tensor | None:
        try:
            return self._decode_jpegs([item.data])[0]
        except RuntimeError:
            pass
        try:
            image = Image.open(io.BytesIO(item.data.numpy().tobytes()))
            image.load()
            color = "GRAY" if self.mode == ImageReadMode.GRAY else "RGB"
            return _pixels(image, color).to(self.device)
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
            failures.append(ImageFailure(item.row, item.ref, failure_reason(exc)))
            return None

    def _geometry(self, images: list[torch.Tensor]) -> torch.Tensor:
        """Crop and resize every image to input_size²: an N x C x S x S float tensor (0..255).

        Images of one size are processed together (a dataset's photos often share a size), so
        the kernel launches grow with the number of distinct sizes, not of images.

        Nothing here may wait for the device: small tensors go over with ``non_blocking``
        (a blocking copy synchronises the stream, so the host would sit idle until the
        previous training step finished instead of preparing the next batch meanwhile).
        """
        groups: dict[tuple[int, ...], list[int]] = {}
        for i, image in enumerate(images):
            groups.setdefault(tuple(image.shape), []).append(i)
        if len(groups) == 1:
            return self._crops(torch.stack(images).float())
        size = self.pre.input_size
        out = torch.empty(len(images), images[0].shape[0], size, size, device=self.device)
        for positions in groups.values():
            stack = torch.stack([images[i] for i in positions]).float()
            index = torch.tensor(positions).to(self.device, non_blocking=True)
            out.index_copy_(0, index, self._crops(stack))
        return out

    def _crops(self, stack: torch.Tensor) -> torch.Tensor:
        return self._train_crops(stack) if self.train else self._eval_crops(stack)

    def _eval_crops(self, stack: torch.Tensor) -> torch.Tensor:
        # Exactly the CPU transform's geometry: shorter side to input_size / resize_ratio,
        # then the centre input_size square.
        size = self.pre.input_size
        resize = max(size, round(size / self.pre.resize_ratio))
        scaled = TF.resize(stack, [resize], antialias=True)
        cropped: torch.Tensor = TF.center_crop(scaled, [size, size])
        return cropped

    def _train_crops(self, stack: torch.Tensor) -> torch.Tensor:
        # One RandomResizedCrop box per image, all resampled by one roi_align call (bilinear,
        # averaging several samples per output pixel when shrinking, like antialiasing).
        top, left, h, w = crop_boxes(len(stack), stack.shape[-2], stack.shape[-1],
                                     self.pre.train_scale, TRAIN_RATIO).float().unbind(1)
        index = torch.arange(len(stack), dtype=torch.float32)
        rois = torch.stack([index, left, top, left + w, top + h], 1).to(stack.dtype)
        rois = rois.to(self.device, non_blocking=True)
        size = self.pre.input_size
        crops: torch.Tensor = roi_align(stack, rois, (size, size), sampling_ratio=-1,
                                        aligned=True)
        return crops


TRAIN_RATIO = (3 / 4, 4 / 3)  # RandomResizedCrop's aspect-ratio range


def crop_boxes(count: int, height: int, width: int, scale: tuple[float, float],
               ratio: tuple[float, float], attempts: int = 10) -> torch.Tensor:
    """``RandomResizedCrop.get_params`` for ``count`` images of one size, drawn at once.

    Rows of (top, left, height, width). Per image: up to ``attempts`` draws of an area fraction
    in ``scale`` and a log-uniform aspect ratio in ``ratio``, the first that fits wins and is
    placed uniformly; when none fits, the centre crop of the whole image with its aspect
    clamped into ``ratio``. The same distribution as torchvision's (not the same random
    stream); one call per image costs ~0.1 ms of CPU, over 10 ms for a batch of 128.
    """
    area = height * width
    target = area * torch.empty(count, attempts).uniform_(scale[0], scale[1])
    aspect = torch.exp(torch.empty(count, attempts).uniform_(math.log(ratio[0]),
                                                            math.log(ratio[1])))
    w = torch.sqrt(target * aspect).round()
    h = torch.sqrt(target / aspect).round()
    fits = (w > 0) & (w <= width) & (h > 0) & (h <= height)
    first = fits.int().argmax(1, keepdim=True)  # first fitting attempt (0 when none fits)
    found = fits.any(1)
    in_ratio = width / height
    if in_ratio < min(ratio):
        fallback_w, fallback_h = width, round(width / min(ratio))
    elif in_ratio > max(ratio):
        fallback_w, fallback_h = round(height * max(ratio)), height
    else:
        fallback_w, fallback_h = width, height
    w = torch.where(found, w.gather(1, first).squeeze(1), float(fallback_w))
    h = torch.where(found, h.gather(1, first).squeeze(1), float(fallback_h))
    top = torch.where(found, torch.floor(torch.rand(count) * (height - h + 1)),
                      float((height - fallback_h) // 2))
    left = torch.where(found, torch.floor(torch.rand(count) * (width - w + 1)),
                       float((width - fallback_w) // 2))
    return torch.stack([top, left, h, w], 1).long()


class DeviceLoader:
    """A DataLoader over an ``EncodedDataset`` whose batches come out decoded on the device.

    With ``ahead`` > 0 a thread decodes up to that many batches ahead of the consumer (on a
    CUDA stream of its own on a GPU), so that the host-side work of decoding batch k+1 —
    nvJPEG's Huffman stage runs on the CPU, and the crop/resize kernels must be launched —
    overlaps the training or inference step on batch k instead of following it. The thread's
    random draws (training crops and flips) then interleave with the model's own (stochastic
    depth), so a seeded run is not bit-for-bit repeatable.
    """

    def __init__(self, loader: DataLoader[Any] | SharedBatches, transform: DeviceTransform,
                 ahead: int = 0) -> None:
        self.loader = loader
        self.transform = transform
        self.ahead = ahead

    def __len__(self) -> int:
        return len(self.loader)

    def __iter__(self) -> Iterator[Batch]:
        batches = _timed_batches(iter(self.loader), self.transform.times)
        if self.ahead <= 0:
            for batch in batches:
                yield self.transform(batch)
            return
        yield from _decoded_ahead(batches, self.transform, self.ahead)


def _timed_batches(batches: Iterator[EncodedBatch], times: DecodeTimes) -> Iterator[EncodedBatch]:
    """``batches``, adding the time spent waiting for each to ``times.waiting_for_workers``."""
    while True:
        start = time.perf_counter()
        try:
            batch = next(batches)
        except StopIteration:
            return
        finally:
            times.waiting_for_workers += time.perf_counter() - start
        yield batch


_END = object()  # the producer's last item


def _decoded_ahead(batches: Iterator[EncodedBatch], transform: DeviceTransform,
                   ahead: int) -> Iterator[Batch]:
    """``transform`` applied to ``batches`` by a thread, at most ``ahead`` batches early."""
    device = transform.device
    side = torch.cuda.Stream(device) if device.type == "cuda" else None  # type: ignore[no-untyped-call]
    ready: queue.Queue[Any] = queue.Queue(maxsize=ahead)
    stop = threading.Event()

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                ready.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for encoded in batches:
                if side is None:
                    item: Any = (transform(encoded), None)
                else:
                    with torch.cuda.stream(side):
                        decoded = transform(encoded)
                        done = torch.cuda.Event()  # type: ignore[no-untyped-call]
                        done.record(side)
                    item = (decoded, done)
                if not put(item):
                    return
        except BaseException as exc:  # handed to the consumer, raised there
            put(exc)
            return
        put(_END)

    thread = threading.Thread(target=produce, name="pixelsql-decode-ahead", daemon=True)
    thread.start()
    try:
        while True:
            start = time.perf_counter()
            item = ready.get()
            transform.times.waiting_for_decode += time.perf_counter() - start
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            decoded, done = item
            if done is not None:  # the batch was made on the side stream: wait for it there,
                compute = torch.cuda.current_stream(device)  # and keep its memory until the
                compute.wait_event(done)  # compute stream is done with it
                for tensor in (decoded.images, decoded.labels):
                    tensor.record_stream(compute)
            yield decoded
    finally:
        stop.set()
        while thread.is_alive():  # unblock a producer waiting on a full queue, then wait
            with contextlib.suppress(queue.Empty):
                ready.get(timeout=0.1)
        thread.join()


def device_decode_available(device: torch.device) -> bool:
    """Whether torchvision can decode JPEGs on ``device`` (nvjpeg built in, a GPU present)."""
    if device.type != "cuda":
        return False
    if os.environ.get("PIXELSQL_DEVICE_DECODE", "1") == "0":
        return False
    probe = _TINY_JPEG
    try:
        decode_jpeg(torch.frombuffer(bytearray(probe), dtype=torch.uint8), device=device)
    except (RuntimeError, NotImplementedError):
        return False
    return True


def _tiny_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 200, 30)).save(buffer, format="JPEG")
    return buffer.getvalue()


_TINY_JPEG = _tiny_jpeg()
