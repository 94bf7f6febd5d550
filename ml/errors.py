"""Errors raised by the ML core, each with the SQLSTATE the engine should send to the client.

Kept free of torch so that the server process can import and match them.
"""

from __future__ import annotations


class MLError(Exception):
    """Base class; ``sqlstate`` is the PostgreSQL error code this maps to on the wire."""

    sqlstate = "XX000"


class UnknownModelError(MLError):
    """A base model name that is not in the registry (the message lists the known ones)."""

    sqlstate = "42704"


class InvalidOptionError(MLError):
    """An option value the trainer or predictor cannot use."""

    sqlstate = "22023"


class PathOutsideRootsError(MLError):
    """An image path that resolves outside every configured image root; it was not read."""

    sqlstate = "42501"


class ImageLoadError(MLError):
    """One image could not be read or decoded (normally recorded and skipped, not raised)."""

    sqlstate = "22000"


class TooManyBadImagesError(MLError):
    """More images failed to load than the configured maximum fraction allows."""

    sqlstate = "22000"


class WeightsError(MLError):
    """A weights file was named explicitly but could not be loaded into the model."""

    sqlstate = "58030"


class Cancelled(MLError):
    """Training or prediction stopped because cancellation was requested."""

    sqlstate = "57014"


class TrainingDivergedError(MLError):
    """The training loss became NaN or infinite; the message suggests what to change."""

    sqlstate = "22000"
