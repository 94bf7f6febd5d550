"""PixelSQL's ML core: image model registry, dataset, trainer, predictor and artifacts.

Nothing here sees SQL or sockets. This package's ``__init__`` must stay free of torch imports:
the server process imports ``ml`` names (errors, option defaults) without paying for torch or
initialising CUDA; only worker processes import the torch-backed modules
(``ml.models``, ``ml.data``, ``ml.train``, ``ml.predict``, ``ml.artifacts``).
"""

from ml.errors import (
    Cancelled,
    ImageLoadError,
    MLError,
    PathOutsideRootsError,
    TooManyBadImagesError,
    UnknownModelError,
)

__all__ = [
    "Cancelled",
    "ImageLoadError",
    "MLError",
    "PathOutsideRootsError",
    "TooManyBadImagesError",
    "UnknownModelError",
]
