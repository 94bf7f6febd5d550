"""Image roots: the directories image paths must resolve into (torch-free, so the server
process can check paths, e.g. for PRINT IMAGE and COPY of an image folder, without torch)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ml.errors import PathOutsideRootsError

IMAGE_ROOTS_ENV = "PIXELSQL_IMAGE_ROOTS"
MAX_IMAGE_FILE_BYTES = 64 << 20  # an image file larger than this is refused unread


class ImageFileTooLargeError(ValueError):
    """An image file over MAX_IMAGE_FILE_BYTES (counts as a bad image, like a corrupt one)."""


def read_image_file(path: str | os.PathLike[str], limit: int | None = None) -> bytes:
    """The bytes of an image file, never more than ``limit`` (default MAX_IMAGE_FILE_BYTES)
    of them read into memory."""
    limit = MAX_IMAGE_FILE_BYTES if limit is None else limit
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise ImageFileTooLargeError(f"larger than {limit >> 20} MiB")
    return data


@dataclass(frozen=True)
class ImageRoots:
    """The directories image paths must resolve into."""

    roots: tuple[Path, ...]

    @classmethod
    def of(cls, *dirs: str | os.PathLike[str]) -> ImageRoots:
        return cls(tuple(Path(os.path.realpath(d)) for d in dirs))

    @classmethod
    def from_env(cls, data_dir: str | os.PathLike[str] | None = None) -> ImageRoots:
        """``PIXELSQL_IMAGE_ROOTS`` (colon-separated), else ``<data_dir>/images``."""
        env = os.environ.get(IMAGE_ROOTS_ENV, "")
        dirs = [d for d in env.split(os.pathsep) if d]
        if not dirs and data_dir is not None:
            dirs = [str(Path(data_dir) / "images")]
        return cls.of(*dirs)

    def resolve(self, path: str | os.PathLike[str]) -> Path:
        """The real path of ``path`` if it lies under a root; PathOutsideRootsError otherwise.

        A relative path is taken relative to the first root where it exists (the first root
        when it exists nowhere, so that the error says "file not found" rather than "outside").
        """
        candidate = Path(path)
        if not candidate.is_absolute() and self.roots:
            joined = [root / candidate for root in self.roots]
            candidate = next((j for j in joined if j.exists()), joined[0])
        real = Path(os.path.realpath(candidate))
        for root in self.roots:
            if real == root or real.is_relative_to(root):
                return real
        allowed = ", ".join(str(r) for r in self.roots) or "(no image roots configured)"
        raise PathOutsideRootsError(
            f"image path {os.fspath(path)!r} is outside the allowed image roots: {allowed}")
