"""ML throughput: end-to-end (JPEG files on disk → model) vs synthetic tensors, same process.

Generates ``--images`` 500x375 JPEGs into a temporary folder, then on whatever device exists
(or ``--device``) measures, for one base model:

* training, synthetic: a bare loop (autocast, forward, backward, AdamW step) on random tensors
  already on the device: the ceiling;
* training, end to end: ``ml.train.train_one_epoch`` over ``ImageDataset`` + ``DataLoader``
  (PIL decode, train augmentation, pinned memory, non-blocking copies), one warm-up pass first;
* inference, synthetic: forward passes on random device tensors under ``inference_mode``;
* inference, end to end: ``ml.predict.predict`` over the files (eval preprocessing).

and prints images/s and the end-to-end / synthetic ratio for each, plus a JSON line.
Examples::

    .venv/bin/python bench/ml.py                              # GPU defaults when CUDA exists
    .venv/bin/python bench/ml.py --images 96 --batch-size 16 --input-size 64   # quick CPU run
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch
import torchvision
from PIL import Image, ImageDraw

from ml.data import ImageDataset, ImageRoots, LabelEncoder, Preprocessing
from ml.models import get_model
from ml.predict import predict
from ml.train import DeviceSetup, cosine_with_warmup, train_one_epoch


def write_jpegs(directory: Path, count: int, seed: int = 0) -> tuple[list[str], list[str]]:
    """``count`` 500x375 photo-sized JPEGs of two classes (noise + a coloured shape)."""
    rng = random.Random(seed)
    noise = Image.effect_noise((500, 375), 40).convert("RGB")
    paths, labels = [], []
    for i in range(count):
        label = "red" if i % 2 == 0 else "blue"
        image = noise.copy()
        draw = ImageDraw.Draw(image)
        x, y, r = rng.randint(60, 440), rng.randint(60, 315), rng.randint(30, 60)
        fill = (200, 40, 40) if label == "red" else (40, 40, 200)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=fill)
        path = directory / f"{i:06d}.jpg"
        image.save(path, quality=90)
        paths.append(str(path))
        labels.append(label)
    return paths, labels


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def synthetic_training(model: torch.nn.Module, setup: DeviceSetup, batch: int, size: int,
                       steps: int, warmup: int) -> float:
    images = torch.randn(batch, 3, size, size, device=setup.device)
    if setup.channels_last:
        images = images.contiguous(memory_format=torch.channels_last)
    labels = torch.randint(0, 2, (batch,), device=setup.device)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, fused=setup.fused_optimizer or None)
    loss_fn = torch.nn.CrossEntropyLoss(label_smoothing=0.1)
    model.train()
    for step in range(warmup + steps):
        if step == warmup:
            sync(setup.device)
            start = time.perf_counter()
        with setup.autocast():
            loss = loss_fn(model(images), labels)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    sync(setup.device)
    return batch * steps / (time.perf_counter() - start)


@torch.inference_mode()
def synthetic_inference(model: torch.nn.Module, setup: DeviceSetup, batch: int, size: int,
                        steps: int, warmup: int) -> float:
    images = torch.randn(batch, 3, size, size, device=setup.device)
    if setup.channels_last:
        images = images.contiguous(memory_format=torch.channels_last)
    model.eval()
    for step in range(warmup + steps):
        if step == warmup:
            sync(setup.device)
            start = time.perf_counter()
        with setup.autocast():
            model(images).float().softmax(1).cpu()
    sync(setup.device)
    return batch * steps / (time.perf_counter() - start)


def main() -> None:
    cuda = torch.cuda.is_available()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="ConvNeXt_Tiny")
    parser.add_argument("--images", type=int, default=4096 if cuda else 96)
    parser.add_argument("--batch-size", type=int, default=128 if cuda else 16)
    parser.add_argument("--infer-batch-size", type=int, default=256 if cuda else 32)
    parser.add_argument("--input-size", type=int, default=224 if cuda else 64)
    parser.add_argument("--steps", type=int, default=30 if cuda else 4)
    parser.add_argument("--device", default=None)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--dir", default=None, help="folder for the JPEGs (default: a temp dir)")
    args = parser.parse_args()

    setup = DeviceSetup.choose(args.device, args.workers)
    device = setup.device
    card = torch.cuda.get_device_name(device) if device.type == "cuda" else platform.processor()
    print(f"device {device} ({card}); torch {torch.__version__}, torchvision "
          f"{torchvision.__version__}; {os.cpu_count()} CPUs, {setup.num_workers} decode workers;"
          f" {args.base} batch {args.batch_size} at {args.input_size}px", flush=True)

    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        paths, labels = write_jpegs(folder, args.images)
        print(f"wrote {len(paths)} 500x375 JPEGs in {time.perf_counter() - start:.1f}s",
              flush=True)
        roots = ImageRoots.of(folder)
        encoder = LabelEncoder.fit(labels)
        pre = Preprocessing(input_size=args.input_size)

        model = get_model(args.base, 2, use_pretrained=False).model.to(device)
        if setup.channels_last:
            model = model.to(memory_format=torch.channels_last)
        results: dict[str, float] = {}
        results["train_synthetic"] = synthetic_training(
            model, setup, args.batch_size, args.input_size, args.steps, warmup=3)
        print(f"train synthetic    {results['train_synthetic']:9.1f} img/s", flush=True)

        dataset = ImageDataset(paths, [encoder.encode(x) for x in labels], pre.train_transform(),
                               roots, draft_size=args.input_size)
        loader = setup.loader(dataset, args.batch_size, shuffle=True)
        opt = torch.optim.AdamW(model.parameters(), lr=1e-4,
                                fused=setup.fused_optimizer or None)
        sched = cosine_with_warmup(opt, 10 * len(loader), len(loader))
        loss_fn = torch.nn.CrossEntropyLoss(label_smoothing=0.1)
        train_one_epoch(model, loader, opt, sched, loss_fn, setup, max_steps=3)  # warm-up
        start = time.perf_counter()
        stats = train_one_epoch(model, loader, opt, sched, loss_fn, setup)
        sync(device)
        results["train_end_to_end"] = stats.images / (time.perf_counter() - start)
        print(f"train end-to-end   {results['train_end_to_end']:9.1f} img/s "
              f"({stats.images} images, loss {stats.loss:.3f})", flush=True)

        results["infer_synthetic"] = synthetic_inference(
            model, setup, args.infer_batch_size, args.input_size, args.steps, warmup=3)
        print(f"infer synthetic    {results['infer_synthetic']:9.1f} img/s", flush=True)
        predict(model, encoder, pre, paths[: args.infer_batch_size * 2], roots, setup=setup,
                batch_size=args.infer_batch_size)  # warm-up
        start = time.perf_counter()
        preds = predict(model, encoder, pre, paths, roots, setup=setup,
                        batch_size=args.infer_batch_size)
        sync(device)
        results["infer_end_to_end"] = len(preds) / (time.perf_counter() - start)
        print(f"infer end-to-end   {results['infer_end_to_end']:9.1f} img/s", flush=True)

    train_ratio = results["train_end_to_end"] / results["train_synthetic"]
    infer_ratio = results["infer_end_to_end"] / results["infer_synthetic"]
    print(f"ratios: training {train_ratio:.2f}x of synthetic, inference {infer_ratio:.2f}x")
    print(json.dumps({"device": str(device), "card": card, "torch": torch.__version__,
                      "base": args.base, "batch_size": args.batch_size,
                      "input_size": args.input_size, "images": args.images,
                      "workers": setup.num_workers, **results,
                      "train_ratio": train_ratio, "infer_ratio": infer_ratio}))


if __name__ == "__main__":
    main()
