# PixelSQL on a GPU host: the server, its ML worker processes on the GPUs, pg_isready for the
# health check. Build: docker build -t pixelsql .   Run: see docker-compose.yml and
# docs/OPERATIONS.md. Every setting is a PIXELSQL_* variable (README.md, "pixelsql serve").
#
# The base brings CUDA, cuDNN, PyTorch and torchvision; pyproject's ranges (torch>=2.9,
# torchvision>=0.24) accept them, so pip installs no other torch.
ARG BASE_IMAGE=pytorch/pytorch:2.9.1-cuda12.8-cudnn9-runtime
FROM ${BASE_IMAGE} AS server

ENV DEBIAN_FRONTEND=noninteractive \
    PIP_NO_CACHE_DIR=1 \
    PYTHONUNBUFFERED=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /opt/pixelsql
COPY pyproject.toml README.md ./
COPY server ./server
COPY engine ./engine
COPY ml ./ml
COPY pixelsql ./pixelsql
RUN pip install '.[ml]'

# A user of its own; the database, models and uploaded data live in the /data volume and
# images are read from /images (mount them read-only).
RUN useradd --uid 10001 --create-home --shell /usr/sbin/nologin pixelsql \
 && mkdir -p /data /images \
 && chown pixelsql:pixelsql /data
USER pixelsql
VOLUME ["/data"]

# Defaults for a container: listen on every interface, so password authentication (SCRAM)
# is required; the password comes from a secret file, never from a flag.
ENV PIXELSQL_HOST=0.0.0.0 \
    PIXELSQL_PORT=5433 \
    PIXELSQL_DATA_DIR=/data \
    PIXELSQL_AUTH=password \
    PIXELSQL_USER=pixelsql \
    PIXELSQL_PASSWORD_FILE=/run/secrets/pixelsql_password \
    PIXELSQL_IMAGE_ROOTS=/images \
    PIXELSQL_GPUS=auto \
    PIXELSQL_ML_WORKERS=auto \
    PIXELSQL_LOG_LEVEL=INFO
EXPOSE 5433
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD pg_isready -q -h 127.0.0.1 -p "$PIXELSQL_PORT" -d pixelsql || exit 1
ENTRYPOINT ["pixelsql", "serve"]

# The notebook side (docker compose --profile notebook): JupyterLab with the pixelsql client,
# connecting to the server by its service name.
FROM server AS notebook
USER root
RUN pip install '.[notebook]' jupyterlab
USER pixelsql
WORKDIR /home/pixelsql
EXPOSE 8888
ENTRYPOINT []
CMD ["jupyter", "lab", "--ip=0.0.0.0", "--port=8888", "--no-browser"]
