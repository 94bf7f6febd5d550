"""How long a ``predict`` call waits for its first batch: freshly forked DataLoader workers
against the process's shared readers (``ml.readers``), in a process of a given size.

Forking costs with the parent's memory, and an ML worker on a GPU holds a CUDA context and
its models (~3 GB), so ``--ballast-gb`` fills this process with that much touched memory
first. Each way is timed over ``--calls`` calls of ``DeviceSetup.image_loader`` → first batch
(the rows' path check, the workers' start or reset, the first batch read and decoded), then
the rest of the call's batches. With ``--bytes`` the rows are JPEG bytes (bytea), which the
shared readers do not take: fresh workers against reading in the call's own process (what
``DeviceSetup.loader`` does for up to ``ml.readers.IN_PROCESS_JPEGS`` of them). Example::

    .venv/bin/python bench/loader_start.py --ballast-gb 3 --workers 8 [--bytes]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch
from PIL import Image

from ml.data import ImageRef, ImageRoots, Preprocessing
from ml.testing import write_shape_dataset
from ml.train import DeviceSetup


def one_call(setup: DeviceSetup, paths: list[ImageRef], roots: ImageRoots, pre: Preprocessing,
             batch: int, reuse_workers: bool) -> tuple[float, float]:
    """(ms to the first batch, ms for the whole call)."""
    start = time.perf_counter()
    loader = setup.image_loader(paths, None, roots, pre, train=False, batch_size=batch,
                                shuffle=False, reuse_workers=reuse_workers)
    batches = iter(loader)
    next(batches)
    first = time.perf_counter()
    for _ in batches:
        pass
    return 1e3 * (first - start), 1e3 * (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballast-gb", type=float, default=3.0)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--decode", default="device")
    parser.add_argument("--images", type=int, default=256)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--calls", type=int, default=3)
    parser.add_argument("--bytes", action="store_true",
                        help="rows as JPEG bytes: fresh workers against the call's own process")
    args = parser.parse_args()
    ballast = torch.ones(int(args.ballast_gb * 2**30) // 4)  # noqa: F841 (kept alive)
    setup = DeviceSetup.choose("cpu", num_workers=args.workers, decode=args.decode,
                               decode_ahead=0)
    pre = Preprocessing(input_size=32)
    with tempfile.TemporaryDirectory() as tmp:
        files, _ = write_shape_dataset(Path(tmp), args.images // 2, size=64)
        paths: list[ImageRef] = [_jpeg(f) for f in files] if args.bytes else list(files)
        roots = ImageRoots.of(tmp)
        firsts = {}
        for reuse in (False, True):
            name = ("in process" if args.bytes else "shared readers") if reuse \
                else "fresh workers"
            # The shared readers' first call forks them (as an ML worker does at its start).
            if reuse:
                one_call(setup, paths, roots, pre, args.batch_size, True)
            times = [one_call(setup, paths, roots, pre, args.batch_size, reuse)
                     for _ in range(args.calls)]
            firsts[reuse] = statistics.median(t[0] for t in times)
            print(f"{name:15s} first batch " + ", ".join(f"{t[0]:.0f}" for t in times)
                  + " ms; whole call " + ", ".join(f"{t[1]:.0f}" for t in times) + " ms",
                  flush=True)
    print(f"{args.ballast_gb:g} GB process, {args.workers} workers, {args.decode} decoding"
          f"{', JPEG bytes' if args.bytes else ''}: median wait for the first batch "
          f"{firsts[False]:.0f} ms fresh, {firsts[True]:.0f} ms "
          f"{'in process' if args.bytes else 'shared'} ({firsts[False] / firsts[True]:.1f}x)")


def _jpeg(path: str) -> bytes:
    buffer = io.BytesIO()
    Image.open(path).convert("RGB").save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


if __name__ == "__main__":
    main()
