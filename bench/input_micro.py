"""Micro-benchmark: the CPU side of the ML input pipeline (ml/device_decode.py), no model.

Generates ``--images`` 500x375 JPEGs (bench/ml.py's), then prints, best of ``--repeat``:

* hand-over: a DataLoader with ``--workers`` workers over ``EncodedDataset``, batches of
  ``--batch``: JPEG bytes only ("device" decoding) and pixels decoded in the workers ("workers");
  what reaches the main process per second; then the same for ``--large`` photos of
  2000x1500 decoded in the workers, at full size and at a reduced scale (DCT scaling,
  ``draft_size``);
* split decode: ``DeviceTransform``'s decode step over one batch with 0..``--threads`` host
  threads beside the main thread (on the CPU both sides are libjpeg-turbo);
* crop boxes: a batch's RandomResizedCrop boxes, one ``get_params`` call per image against
  ``crop_boxes`` drawing them at once.

``--code DIR`` imports ``ml`` from another checkout (e.g. a ``git worktree`` of an older
commit) for before/after figures; parts that checkout lacks are skipped.

    .venv/bin/python bench/input_micro.py [--images 256] [--workers 2] [--threads 2]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=256)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--large", type=int, default=64, help="2000x1500 photos (0: none)")
    parser.add_argument("--code", default=str(HERE.parent),
                        help="checkout whose ml package is measured")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE.parent))
    from bench.ml import write_jpegs  # the JPEG generator of this checkout

    for name in [m for m in sys.modules if m == "ml" or m.startswith("ml.")]:
        del sys.modules[name]  # bench.ml imported this checkout's; measure --code's
    sys.path.insert(0, args.code)
    import torch
    from torchvision import transforms as T

    import ml.device_decode as dd
    from ml.data import ImageRoots, Preprocessing
    from ml.train import DeviceSetup

    torch.set_num_threads(1)
    print(f"ml from {Path(dd.__file__).resolve().parent.parent}; torch {torch.__version__}")
    with tempfile.TemporaryDirectory() as tmp:
        paths, _ = write_jpegs(Path(tmp), args.images)
        roots = ImageRoots.of(tmp)
        setup = DeviceSetup.choose("cpu", num_workers=args.workers, decode="device")

        for in_worker in (False, True):
            rates = []
            for _ in range(args.repeat):
                dataset = dd.EncodedDataset(paths * 4, None, roots, decode_in_worker=in_worker)
                batches = iter(setup.loader(dataset, args.batch, shuffle=False))
                next(batches)
                start, count = time.perf_counter(), 0
                for batch in batches:
                    count += len(batch.rows)
                rates.append(count / (time.perf_counter() - start))
            label = "pixels (workers)" if in_worker else "JPEG bytes (device)"
            print(f"hand-over, {args.workers} workers, {label:20s} {max(rates):8.0f} img/s")

        if args.large:
            folder = Path(tmp) / "large"
            folder.mkdir()
            large, _ = write_jpegs(folder, args.large, scale=4)
            for draft in (None, 224):
                if draft and "draft_size" not in dd.EncodedDataset.__init__.__code__.co_varnames:
                    break
                extra = {"draft_size": draft} if draft else {}
                rates = []
                for _ in range(args.repeat):
                    dataset = dd.EncodedDataset(large * 2, None, roots, decode_in_worker=True,
                                                **extra)
                    batches = iter(setup.loader(dataset, 16, shuffle=False))
                    next(batches)
                    start, count = time.perf_counter(), 0
                    for batch in batches:
                        count += len(batch.rows)
                    rates.append(count / (time.perf_counter() - start))
                label = f"2000x1500, {'draft 224' if draft else 'full size'}"
                print(f"hand-over, {args.workers} workers, {label:20s} {max(rates):8.0f} img/s")

        dataset = dd.EncodedDataset(paths[:args.batch], None, roots)
        batch = dd.collate_encoded([dataset[i] for i in range(len(dataset))])
        pre = Preprocessing(input_size=224)
        for threads in range(args.threads + 1):
            if threads and not hasattr(dd, "HostShare"):
                break
            extra = {"host_threads": threads} if threads else {}
            transform = dd.DeviceTransform(pre, False, torch.device("cpu"), **extra)
            for _ in range(3):  # warm-up; the host share settles
                transform._decode(batch, [])
            best = min(_timed(lambda t=transform: t._decode(batch, []))
                       for _ in range(args.repeat))
            share = f", host share {transform.host_share.share:.2f}" if threads else ""
            print(f"split decode, {threads} host threads          "
                  f"{len(dataset) / best:8.0f} img/s{share}")

        image = torch.empty(3, 375, 500)
        per_image = min(_timed(lambda: [T.RandomResizedCrop.get_params(
            image, [0.35, 1.0], [3 / 4, 4 / 3]) for _ in range(args.batch)])
            for _ in range(args.repeat))
        print(f"crop boxes, get_params per image          {per_image * 1e3:8.2f} ms a batch")
        if hasattr(dd, "crop_boxes"):
            at_once = min(_timed(lambda: dd.crop_boxes(args.batch, 375, 500, (0.35, 1.0),
                                                        dd.TRAIN_RATIO))
                          for _ in range(args.repeat))
            print(f"crop boxes, crop_boxes                    {at_once * 1e3:8.2f} ms a batch")


def _timed(work: object) -> float:
    start = time.perf_counter()
    work()  # type: ignore[operator]
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
