"""What lives where in the data directory.

``pixelsql.duckdb`` (+ its WAL)   the database; out of SQL's reach
``models/<name>/``                 model artifacts; written only by the ML workers
``files/``                          the one folder SQL may read and write files in (and the
                                    server's working directory, so relative names land there)
``images/``                         the default image root
"""

FILES_DIR = "files"
MODELS_DIR = "models"
