"""PixelSQL's notebook client: the ``%thanosql`` magic and Python helpers over psycopg.

Install with ``pip install 'pixelsql[notebook]'`` (the client needs neither torch nor DuckDB).

Magics
------
::

    %load_ext pixelsql
    %thanosql postgresql://me@127.0.0.1:5433/pixelsql

    train_result = %thanosql PREDICT USING my_image_classifier AS SELECT * FROM cat_and_dog_train

    %%thanosql
    BUILD MODEL my_image_classifier USING ConvNeXt_Tiny
    OPTIONS (max_epochs = {epochs}, input_size = 32)        -- a progress bar follows training
    AS SELECT * FROM cat_and_dog_train WHERE label <> {skip}

* Without a ``%thanosql postgresql://…`` line the first statement connects to
  ``$PIXELSQL_DSN``; a bare ``%thanosql`` says where it is connected.
* A cell may hold several statements; they run one after another and the last one's rows come
  back as a pandas DataFrame (None when it returns no rows). Statements are split here, with
  quotes, dollar quotes and comments respected, so each can bind its own parameters.
* ``{name}`` / ``$name`` take the value of a notebook variable. Values are data: they are sent
  as bound parameters, never pasted into the SQL. Inside ``OPTIONS ( … )`` (read as literals by
  the server) they are inlined as safely quoted literals; ``{name!i}`` makes an identifier,
  ``{name!l}`` an inline literal, ``{name!raw}`` pastes SQL text as is.
* BUILD / FIT MODEL show a live tqdm bar (epoch, loss, accuracy, images/s, the server's ETA)
  fed by the server's progress notices; epoch summaries are printed. "Interrupt kernel"
  cancels the statement and its training job on the server.
* ``PRINT IMAGE … AS query`` returns an ``ImageFrame``: a DataFrame shown as an image grid,
  captioned with the other columns (green/red where ``label`` and ``predicted`` agree/differ).
* ``%thanosql --confusion EVALUATE …`` (or ``PREDICT …``) also plots the confusion matrix and
  stores it in ``result.attrs["confusion_matrix"]``. EVALUATE's own rows hold no matrix, so the
  magic runs the same model and query once more as a PREDICT to count it.
* Other options: ``--no-progress``, ``-q`` (quiet), ``-o NAME`` (store the result),
  ``--label-col C``, ``--connect DSN``. ``%pixelsql`` is the same magic.

Python API
----------
``connect(dsn=None)``
    An autocommit psycopg connection (DSN: argument, ``$PIXELSQL_DSN``, or
    ``postgresql://127.0.0.1:5433/pixelsql``), made current for the magics and helpers.
``run(sql, params=None, conn=None)``
    What a ``%%thanosql`` cell does, from Python code; placeholders come from ``params``.
``upload_dataframe(df, table, conn=None, if_exists='replace')``
    A DataFrame into a table through binary COPY (bytes columns become BYTEA).
``image_folder_to_table(path, table, conn=None, upload=False, if_exists='replace')``
    The tutorial's ``make_df``: a folder on the server via ``COPY table FROM 'folder'``
    (rows ``image_path, label``), or with ``upload=True`` a folder on this machine uploaded as
    image bytes (rows ``image, label, file_name``). Labels: sub-folder name, else file-name prefix.
``confusion_matrix(df, label_col, predicted_col)``, ``show_confusion_matrix(matrix)``,
``show_images(df, image_col)``
    The pieces behind ``--confusion`` and the PRINT IMAGE grid, for any DataFrame.

Errors from the server are raised as ``ServerError`` (SQLSTATE in ``.sqlstate``) and shown in
a notebook as psql shows them, without a Python traceback.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from IPython.core.interactiveshell import InteractiveShell

    from pixelsql.connection import connect, get_connection
    from pixelsql.display import (
        ImageFrame,
        confusion_matrix,
        show_confusion_matrix,
        show_images,
    )
    from pixelsql.errors import PixelSQLError, ServerError, StatementCancelled
    from pixelsql.runner import run
    from pixelsql.tables import image_folder_to_table, upload_dataframe

# Imported on first use, so that ``import pixelsql`` stays cheap and the server's processes,
# which share the package name, never load pandas or IPython.
_EXPORTS = {
    "connect": "pixelsql.connection", "get_connection": "pixelsql.connection",
    "run": "pixelsql.runner",
    "upload_dataframe": "pixelsql.tables", "image_folder_to_table": "pixelsql.tables",
    "ImageFrame": "pixelsql.display", "confusion_matrix": "pixelsql.display",
    "show_confusion_matrix": "pixelsql.display", "show_images": "pixelsql.display",
    "PixelSQLError": "pixelsql.errors", "ServerError": "pixelsql.errors",
    "StatementCancelled": "pixelsql.errors",
}

__all__ = [
    "ImageFrame", "PixelSQLError", "ServerError", "StatementCancelled", "confusion_matrix",
    "connect", "get_connection", "image_folder_to_table", "load_ipython_extension", "run",
    "show_confusion_matrix", "show_images", "upload_dataframe",
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'pixelsql' has no attribute {name!r}")


def load_ipython_extension(ipython: InteractiveShell) -> None:
    """``%load_ext pixelsql``: register ``%thanosql`` / ``%%thanosql`` and ``%pixelsql``."""
    from pixelsql.magics import ThanoSQLMagics

    ipython.register_magics(ThanoSQLMagics)
