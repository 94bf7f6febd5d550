"""PixelSQL's Python client helpers (the notebook magic lands here in a later issue)."""

__version__ = "0.1.0"
