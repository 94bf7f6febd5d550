"""Image dataset over rows of (image reference, label), with confinement and failure reporting.

An image reference is a server file path (``str`` / ``Path``) or the image's bytes (bytea).
Paths are resolved (symlinks followed) and must lie under one of the configured image roots;
anything else raises PathOutsideRootsError before the file is opened. Images are decoded with
Pillow, converted to RGB or GRAY, and transformed by a ``Preprocessing`` that is stored with the
model so prediction uses exactly what training used.

Theory of operation for bad images: a missing, unreadable or corrupt image does not stop the
job. ``ImageDataset.__getitem__`` returns a failure marker instead of raising (it may run in a
DataLoader worker process, where recording state would be lost); ``collate`` drops such items
from the batch and carries them in ``Batch.failures``; the consumer feeds them to a
``FailureTracker``, which counts each row once, keeps a few examples for the user, and raises
TooManyBadImagesError when the failed fraction passes the configured maximum.
"""

from __future__ import annotations

import copy
import io
import math
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import torch
from PIL import Image, UnidentifiedImageError
from torch.utils.data import Dataset, get_worker_info
from torchvision import transforms as T

from ml.errors import InvalidOptionError, TooManyBadImagesError
from ml.roots import IMAGE_ROOTS_ENV as IMAGE_ROOTS_ENV  # re-exported
from ml.roots import MAX_IMAGE_FILE_BYTES, ImageFileTooLargeError
from ml.roots import ImageRoots as ImageRoots  # re-exported

ImageRef = str | bytes | os.PathLike[str]
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
COLORS = ("RGB", "GRAY")


def _triple(values: Sequence[float]) -> tuple[float, float, float]:
    a, b, c = (float(v) for v in values)
    return a, b, c


@dataclass(frozen=True)
class Preprocessing:
    """Everything needed to turn an image into the model's input; saved with the model."""

    input_size: int = 224
    color: str = "RGB"
    mean: tuple[float, float, float] = IMAGENET_MEAN
    std: tuple[float, float, float] = IMAGENET_STD
    resize_ratio: float = 0.875  # eval: resize shorter side to input_size / ratio, center crop
    train_scale: tuple[float, float] = (0.35, 1.0)  # RandomResizedCrop area range
    train_hflip: bool = True

    def __post_init__(self) -> None:
        if self.color not in COLORS:
            raise InvalidOptionError(
                f"color must be one of {', '.join(COLORS)}, got {self.color!r}")
        if not 8 <= self.input_size <= 1024:
            raise InvalidOptionError(f"input_size must be in 8..1024, got {self.input_size}")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Preprocessing:
        return cls(input_size=int(data["input_size"]), color=str(data["color"]),
                   mean=_triple(data["mean"]), std=_triple(data["std"]),
                   resize_ratio=float(data["resize_ratio"]),
                   train_scale=(float(data["train_scale"][0]), float(data["train_scale"][1])),
                   train_hflip=bool(data["train_hflip"]))

    def _tail(self) -> list[Any]:
        tail: list[Any] = []
        if self.color == "GRAY":  # the bases take 3 channels: replicate the gray one
            tail.append(T.Grayscale(num_output_channels=3))
        tail += [T.ToTensor(), T.Normalize(self.mean, self.std)]
        return tail

    def eval_transform(self) -> Callable[[Image.Image], torch.Tensor]:
        resize = max(self.input_size, round(self.input_size / self.resize_ratio))
        transform: Callable[[Image.Image], torch.Tensor] = T.Compose(
            [T.Resize(resize), T.CenterCrop(self.input_size), *self._tail()])
        return transform

    def train_transform(self) -> Callable[[Image.Image], torch.Tensor]:
        steps: list[Any] = [T.RandomResizedCrop(self.input_size, scale=self.train_scale)]
        if self.train_hflip:
            steps.append(T.RandomHorizontalFlip())
        transform: Callable[[Image.Image], torch.Tensor] = T.Compose([*steps, *self._tail()])
        return transform


@dataclass(frozen=True)
class LabelEncoder:
    """Labels ↔ class indices; classes sorted by their text so encoding is deterministic."""

    classes: tuple[str, ...]

    @classmethod
    def fit(cls, labels: Iterable[object]) -> LabelEncoder:
        classes = tuple(sorted({str(label) for label in labels if label is not None}))
        if len(classes) < 2:
            raise InvalidOptionError(
                f"training needs at least 2 distinct labels, found {len(classes)}")
        return cls(classes)

    def encode(self, label: object) -> int:
        try:
            return self.classes.index(str(label))
        except ValueError:
            raise InvalidOptionError(f"label {label!r} is not one of the model's classes") from None

    def decode(self, index: int) -> str:
        return self.classes[index]


def describe_ref(ref: ImageRef) -> str:
    """A short human description of an image reference for error messages."""
    if isinstance(ref, bytes | bytearray | memoryview):
        return f"<{len(ref)} bytes>"
    return os.fspath(ref)


def open_image(ref: ImageRef, roots: ImageRoots, color: str,
               draft_size: int | None = None) -> Image.Image:
    """Read and decode one image; raises OSError / ValueError style errors on bad input.

    ``draft_size`` lets JPEG decode at a reduced scale (DCT scaling) when the image is much
    larger than needed, which is most of the CPU decode cost for photos.
    """
    if isinstance(ref, bytes | bytearray | memoryview):
        image = Image.open(io.BytesIO(bytes(ref)))
    else:
        path = roots.resolve(ref)
        if os.stat(path).st_size > MAX_IMAGE_FILE_BYTES:
            raise ImageFileTooLargeError(f"larger than {MAX_IMAGE_FILE_BYTES >> 20} MiB")
        image = Image.open(path)
    mode = "L" if color == "GRAY" else "RGB"
    if draft_size is not None and image.format == "JPEG":
        image.draft(mode, (draft_size, draft_size))
    image.load()
    return image.convert(mode)


def failure_reason(exc: BaseException) -> str:
    """Why an image could not be used, for the user. Pillow names the file object it was
    handed (``<_io.BytesIO object at 0x…>`` for bytes), which says nothing to a user."""
    if isinstance(exc, UnidentifiedImageError):
        return f"{type(exc).__name__}: not an image format Pillow can read"
    return f"{type(exc).__name__}: {exc}"


@dataclass(frozen=True)
class ImageFailure:
    """One image that could not be used."""

    row: int
    ref: str
    reason: str


@dataclass
class Batch:
    """A collated batch: images, labels (-1 when unlabelled), input row indices, failures."""

    images: torch.Tensor
    labels: torch.Tensor
    rows: torch.Tensor
    failures: list[ImageFailure] = field(default_factory=list)

    def pin_memory(self) -> Batch:
        return Batch(self.images.pin_memory(), self.labels.pin_memory(),
                     self.rows.pin_memory(), self.failures)

    def __len__(self) -> int:
        return int(self.rows.numel())


Item = tuple[torch.Tensor, int, int] | ImageFailure


class ImageRows:
    """Rows of image references with optional encoded labels, checked against the image roots
    when built, so a path outside them fails the job before any file is read. The datasets
    (this module's, ``ml.device_decode``'s) add how an image becomes a model input."""

    def __init__(self, refs: Sequence[ImageRef], labels: Sequence[int] | None,
                 roots: ImageRoots, color: str = "RGB",
                 rows: Sequence[int] | None = None) -> None:
        if labels is not None and len(labels) != len(refs):
            raise ValueError("refs and labels differ in length")
        roots.check_all(ref for ref in refs if not isinstance(ref, bytes | bytearray | memoryview))
        self.refs = refs
        self.labels = labels
        self.roots = roots
        self.color = color
        self.rows = list(rows) if rows is not None else list(range(len(refs)))

    def __len__(self) -> int:
        return len(self.refs)

    def label(self, index: int) -> int:
        return self.labels[index] if self.labels is not None else -1

    def __getitem__(self, index: int) -> Any:
        return self.read(self.refs[index], self.rows[index], self.label(index))

    def read(self, ref: ImageRef, row: int, label: int) -> Any:
        """One row as the model input (or a failure marker); the subclasses say how."""
        raise NotImplementedError

    def reader(self) -> ImageRows:
        """This dataset without its rows: what ``read`` needs, small enough to send to a
        reader process with every batch (``ml.readers``)."""
        empty = copy.copy(self)
        empty.refs, empty.labels, empty.rows = [], None, []
        return empty


class ImageDataset(ImageRows, Dataset[Item]):
    """Images decoded and transformed with Pillow/torchvision (in DataLoader workers)."""

    def __init__(self, refs: Sequence[ImageRef], labels: Sequence[int] | None,
                 transform: Callable[[Image.Image], torch.Tensor], roots: ImageRoots,
                 color: str = "RGB", rows: Sequence[int] | None = None,
                 draft_size: int | None = None) -> None:
        super().__init__(refs, labels, roots, color, rows)
        self.transform = transform
        self.draft_size = draft_size

    def read(self, ref: ImageRef, row: int, label: int) -> Item:
        try:
            image = open_image(ref, self.roots, self.color, self.draft_size)
            tensor = self.transform(image)
        except FileNotFoundError:
            return ImageFailure(row, describe_ref(ref), "file not found")
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
            # SyntaxError: some Pillow plugins raise it for malformed headers.
            return ImageFailure(row, describe_ref(ref), failure_reason(exc))
        return tensor, label, row


def worker_output(like: torch.Tensor, shape: tuple[int, ...]) -> torch.Tensor | None:
    """Where a collate function should build a batch tensor of ``shape``: in a DataLoader
    worker, an uninitialised tensor in shared memory (``like``'s dtype); elsewhere None (let
    the operation allocate).

    A worker's batch reaches the main process as a shared-memory block. Built anywhere else it
    is copied into one on the way out, which for a batch of pixels costs about as much as
    building it did; DataLoader's own ``default_collate`` allocates the same way.
    """
    if get_worker_info() is None:
        return None
    numel = math.prod(shape)
    storage = like._typed_storage()._new_shared(  # type: ignore[no-untyped-call]
        numel, device=like.device)
    return like.new(storage).view(shape)


def collate(items: list[Item]) -> Batch:
    """Stack the good items, carry the failures (DataLoader ``collate_fn``)."""
    good = [it for it in items if not isinstance(it, ImageFailure)]
    failures = [it for it in items if isinstance(it, ImageFailure)]
    tensors = [it[0] for it in good]
    images = (torch.stack(tensors, out=worker_output(tensors[0], (len(tensors),
                                                                   *tensors[0].shape)))
              if tensors else torch.empty(0))
    labels = torch.tensor([it[1] for it in good], dtype=torch.long)
    rows = torch.tensor([it[2] for it in good], dtype=torch.long)
    return Batch(images, labels, rows, failures)


class FailureTracker:
    """Counts failed rows once each, keeps examples, enforces the maximum failed fraction."""

    def __init__(self, total_rows: int, max_fraction: float = 0.1, max_examples: int = 5) -> None:
        if not 0.0 <= max_fraction <= 1.0:
            raise InvalidOptionError(f"max_failure_fraction must be in [0, 1], got {max_fraction}")
        self.total_rows = total_rows
        self.max_fraction = max_fraction
        self.max_examples = max_examples
        self._failed: dict[int, ImageFailure] = {}

    @property
    def count(self) -> int:
        return len(self._failed)

    @property
    def examples(self) -> list[ImageFailure]:
        return list(self._failed.values())[: self.max_examples]

    @property
    def failed_rows(self) -> set[int]:
        return set(self._failed)

    def examples_all(self) -> list[ImageFailure]:
        """Every failure recorded (prediction reports each failed row)."""
        return list(self._failed.values())

    def add(self, failures: Iterable[ImageFailure]) -> None:
        for failure in failures:
            self._failed.setdefault(failure.row, failure)

    def check(self) -> None:
        """Raise TooManyBadImagesError if the failed fraction is over the maximum."""
        if self.total_rows and self.count / self.total_rows > self.max_fraction:
            raise TooManyBadImagesError(
                f"{self.count} of {self.total_rows} images could not be loaded "
                f"(more than max_failure_fraction={self.max_fraction}); e.g. {self.summary()}")

    def summary(self) -> str:
        """'N images skipped: row 3 /p/a.jpg (file not found); …' for a NOTICE."""
        parts = [f"row {f.row} {f.ref} ({f.reason})" for f in self.examples]
        more = "" if self.count <= len(parts) else f"; and {self.count - len(parts)} more"
        return "; ".join(parts) + more

    def to_dict(self) -> dict[str, Any]:
        return {"failed": self.count,
                "examples": [asdict(f) for f in self.examples]}
