"""Rich notebook output: image grids for PRINT IMAGE and confusion matrices for EVALUATE.

``ImageFrame`` is a pandas DataFrame whose HTML form (what Jupyter shows) is a grid of its
images, each captioned with the row's other values; where the row has both a label and a
prediction the caption is green when they agree and red when not. Images are embedded as
base64 ``<img>`` tags, so the grid needs no plotting library and survives in saved notebooks.

The server's EVALUATE returns scalar metrics only, so the confusion matrix is computed here
from a PREDICT result that has the true labels (:func:`confusion_matrix`) and drawn with
matplotlib's object API on the Agg canvas (:func:`confusion_matrix_png`) — no pyplot state, the
same PNG in a kernel, a terminal or a test.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Sequence
from pathlib import PurePath
from typing import Any

import pandas as pd

IMAGE_DATA = "image_data"  # the column PRINT IMAGE adds
GRID_MAX_IMAGES = 200
PATH_COLUMNS = frozenset({"image_path", "image", "file_name", "path"})
LABEL_COLUMNS = ("label",)
PREDICTION_COLUMNS = ("predicted",)

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"), (b"GIF89a", "image/gif"), (b"BM", "image/bmp"),
)


def image_mime(data: bytes) -> str | None:
    """The MIME type a browser shows ``data`` as, or None when it cannot."""
    for signature, mime in _SIGNATURES:
        if data.startswith(signature):
            return mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def _as_browser_image(data: bytes) -> tuple[str, bytes] | None:
    """``(mime, bytes)`` a browser can show; other formats (TIFF, …) converted with Pillow."""
    mime = image_mime(data)
    if mime is not None:
        return mime, data
    try:
        from PIL import Image

        with Image.open(io.BytesIO(data)) as im:
            out = io.BytesIO()
            im.convert("RGB").save(out, format="PNG")
            return "image/png", out.getvalue()
    except Exception:  # not an image Pillow reads either (or no Pillow): shown as missing
        return None


def _caption_value(column: str, value: object) -> str:
    if column in PATH_COLUMNS and isinstance(value, str):
        return PurePath(value).name
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def image_grid_html(frame: pd.DataFrame, image_col: str = IMAGE_DATA,
                    max_images: int = GRID_MAX_IMAGES, thumb_px: int = 128) -> str:
    """An HTML grid of the images in ``frame[image_col]`` with one caption per image."""
    captions = [c for c in frame.columns
                if c != image_col and not frame[c].map(lambda v: isinstance(v, bytes)).any()]
    label = next((c for c in LABEL_COLUMNS if c in frame.columns), None)
    predicted = next((c for c in PREDICTION_COLUMNS if c in frame.columns), None)
    cells: list[str] = []
    for _, row in frame.head(max_images).iterrows():
        data = row[image_col]
        shown = _as_browser_image(bytes(data)) if isinstance(data, bytes | memoryview) else None
        if shown is None:
            img = '<div style="width:{0}px;height:{0}px;display:flex;align-items:center;' \
                  'justify-content:center;background:#eee;color:#888">no image</div>'
            img = img.format(thumb_px)
        else:
            b64 = base64.b64encode(shown[1]).decode("ascii")
            img = (f'<img src="data:{shown[0]};base64,{b64}" style="width:{thumb_px}px;'
                   f'height:{thumb_px}px;object-fit:contain;image-rendering:pixelated">')
        color = "#ddd"
        if label and predicted and row[label] is not None and row[predicted] is not None:
            color = "#2e7d32" if str(row[label]) == str(row[predicted]) else "#c62828"
        lines = "<br>".join(
            f"<b>{html.escape(str(c))}</b>: {html.escape(_caption_value(str(c), row[c]))}"
            for c in captions[:4])
        cells.append(f'<figure style="margin:4px;padding:4px;border:3px solid {color};'
                     f'width:{thumb_px}px;font-size:11px;line-height:1.3;overflow:hidden">'
                     f'{img}<figcaption style="word-break:break-all">{lines}</figcaption>'
                     "</figure>")
    more = ""
    if len(frame) > max_images:
        more = f"<p>showing {max_images} of {len(frame)} images</p>"
    return ('<div class="pixelsql-image-grid" style="display:flex;flex-wrap:wrap">'
            + "".join(cells) + "</div>" + more)


class ImageFrame(pd.DataFrame):
    """A DataFrame (PRINT IMAGE's result) that a notebook shows as an image grid."""

    @property
    def _constructor(self) -> Any:
        return ImageFrame

    def _repr_html_(self) -> str | None:
        if IMAGE_DATA not in self.columns:
            table: str | None = super()._repr_html_()  # type: ignore[misc]  # not in the stubs
            return table
        return image_grid_html(self)


def show_images(frame: pd.DataFrame, image_col: str = IMAGE_DATA,
                max_images: int = GRID_MAX_IMAGES) -> Any:
    """An IPython HTML object showing ``frame``'s images (a bytes column) as a grid."""
    from IPython.display import HTML

    return HTML(image_grid_html(frame, image_col, max_images))  # type: ignore[no-untyped-call]


def confusion_matrix(frame: pd.DataFrame, label_col: str = "label",
                     predicted_col: str = "predicted",
                     classes: Sequence[str] | None = None) -> pd.DataFrame:
    """Counts of (true label, predicted label): rows are true labels, columns predictions.

    Rows whose prediction is NULL (images the server could not read) are left out, as
    EVALUATE leaves them out of its metrics.
    """
    for col in (label_col, predicted_col):
        if col not in frame.columns:
            raise KeyError(f"no column {col!r}; the frame has {list(frame.columns)}")
    pairs = frame[[label_col, predicted_col]].dropna().astype(str)
    names = sorted(set(pairs[label_col]) | set(pairs[predicted_col])) if classes is None \
        else [str(c) for c in classes]
    matrix = pd.crosstab(pairs[label_col], pairs[predicted_col])
    matrix = matrix.reindex(index=names, columns=names, fill_value=0).astype(int)
    matrix.index.name, matrix.columns.name = "true label", "predicted"
    return matrix


def confusion_matrix_png(matrix: pd.DataFrame, title: str = "Confusion matrix") -> bytes:
    """A PNG heat map of a :func:`confusion_matrix` with the counts written in the cells."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    n = max(len(matrix.index), 1)
    side = min(3.0 + 0.6 * n, 12.0)
    fig = Figure(figsize=(side + 1.0, side), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    values = matrix.to_numpy()
    image = ax.imshow(values, cmap="Blues")
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    ax.set_xticks(range(len(matrix.columns)), [str(c) for c in matrix.columns], rotation=45,
                  ha="right")
    ax.set_yticks(range(len(matrix.index)), [str(c) for c in matrix.index])
    ax.set_xlabel(str(matrix.columns.name or "predicted"))
    ax.set_ylabel(str(matrix.index.name or "true label"))
    ax.set_title(title, fontsize="medium")
    threshold = values.max() / 2 if values.size else 0
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            count = int(values[i, j])
            ax.text(j, i, str(count), ha="center", va="center",
                    color="white" if count > threshold else "black")
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=100)
    return out.getvalue()


def show_confusion_matrix(matrix: pd.DataFrame, title: str = "Confusion matrix") -> Any:
    """Display the matrix as a plot in the notebook; returns the IPython Image."""
    from IPython.display import Image, display

    image = Image(data=confusion_matrix_png(matrix, title), format="png")  # type: ignore[no-untyped-call]
    display(image)  # type: ignore[no-untyped-call]
    return image
