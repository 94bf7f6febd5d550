"""How long a ``predict`` call waits for its first batch: freshly forked DataLoader workers
against the process's shared readers (``ml.readers``), in a process of a given size.

Forking costs with the parent's memory, and an ML worker on a GPU holds a CUDA context and
its models (~3 GB), so ``--ballast-gb`` fills this process with that much touched memory
first. Each way is timed over ``--calls`` calls of ``DeviceSetup.image_loader`` → first batch
(the rows' path check, the workers' start or reset, the first batch read and decoded), then
the rest of the call's batches. With ``--bytes`` the rows are JPEG bytes (bytea), sent to the
shared readers with their tasks, and a third way reads them in the call's own process (what
``DeviceSetup.loader`` does for up to ``ml.readers.IN_PROCESS_JPEGS`` of them). The rows are
64-px shapes, or with ``--photos`` ``bench/ml.py``'s 500x375 JPEGs (~44 KiB: what a row's
bytes cost to send). Example::

    .venv/bin/python bench/loader_start.py --ballast-gb 3 --workers 8 \
        [--bytes [--photos --read-only]]
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

from bench.ml import write_jpegs  # the JPEG generator of this checkout
from ml import readers, train
from ml.data import ImageRef, ImageRoots, Preprocessing
from ml.device_decode import DeviceLoader
from ml.testing import write_shape_dataset
from ml.train import DeviceSetup


def one_call(setup: DeviceSetup, paths: list[ImageRef], roots: ImageRoots, pre: Preprocessing,
             batch: int, way: str, read_only: bool) -> tuple[float, float]:
    """(ms to the first batch, ms for the whole call), read the ``way`` named; with
    ``read_only`` the batches as read, before the device decode (the CPU stands in for)."""
    # How many JPEG bytes rows a call reads in its own process: none, so that they go to the
    # shared readers; all of them; or what the server does (paths never are).
    train.IN_PROCESS_JPEGS = {"shared readers": 0, "in process": len(paths)}.get(
        way, readers.IN_PROCESS_JPEGS)
    start = time.perf_counter()
    loader = setup.image_loader(paths, None, roots, pre, train=False, batch_size=batch,
                                shuffle=False, reuse_workers=way != "fresh workers")
    batches = iter(loader.loader if read_only and isinstance(loader, DeviceLoader) else loader)
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
                        help="rows as JPEG bytes: also read in the call's own process")
    parser.add_argument("--photos", action="store_true",
                        help="500x375 photo-like JPEGs (~44 KiB) instead of 64-px shapes")
    parser.add_argument("--read-only", action="store_true",
                        help="time the batches as read, not decoded (decoding photos on this "
                             "CPU would swamp what differs: on a GPU nvJPEG does it)")
    args = parser.parse_args()
    ballast = torch.ones(int(args.ballast_gb * 2**30) // 4)  # noqa: F841 (kept alive)
    setup = DeviceSetup.choose("cpu", num_workers=args.workers, decode=args.decode,
                               decode_ahead=0)
    pre = Preprocessing(input_size=32)
    with tempfile.TemporaryDirectory() as tmp:
        if args.photos:
            files, _ = write_jpegs(Path(tmp), args.images)
        else:
            files, _ = write_shape_dataset(Path(tmp), args.images // 2, size=64)
        paths: list[ImageRef] = [_jpeg(f) for f in files] if args.bytes else list(files)
        roots = ImageRoots.of(tmp)
        ways = ["fresh workers", "shared readers"] + (["in process"] if args.bytes else [])
        firsts = {}
        for way in ways:
            # The shared readers' first call forks them (as an ML worker does at its start).
            if way == "shared readers":
                one_call(setup, paths, roots, pre, args.batch_size, way, args.read_only)
            times = [one_call(setup, paths, roots, pre, args.batch_size, way, args.read_only)
                     for _ in range(args.calls)]
            firsts[way] = statistics.median(t[0] for t in times)
            print(f"{way:15s} first batch " + ", ".join(f"{t[0]:.0f}" for t in times)
                  + " ms; whole call " + ", ".join(f"{t[1]:.0f}" for t in times) + " ms",
                  flush=True)
        kind = f"{len(paths)} {'photos' if args.photos else '64-px shapes'}" \
            + (" as JPEG bytes" if args.bytes else "")
        print(f"{args.ballast_gb:g} GB process, {args.workers} workers, "
              f"{'read only' if args.read_only else args.decode + ' decoding'}, "
              f"{kind}: median wait for the first batch "
              + ", ".join(f"{way} {firsts[way]:.0f} ms" for way in ways)
              + f" (fresh/shared {firsts[ways[0]] / firsts[ways[1]]:.1f}x)")


def _jpeg(path: str) -> bytes:
    buffer = io.BytesIO()
    Image.open(path).convert("RGB").save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


if __name__ == "__main__":
    main()
