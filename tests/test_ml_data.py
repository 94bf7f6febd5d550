"""Image dataset: confinement to image roots, bytes, colour modes, labels, bad images."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import torch
from torch.utils.data import DataLoader

from ml.data import (
    FailureTracker,
    ImageDataset,
    ImageRoots,
    LabelEncoder,
    Preprocessing,
    collate,
)
from ml.errors import InvalidOptionError, PathOutsideRootsError, TooManyBadImagesError
from ml.testing import shape_image, write_shape_dataset


def _load_all(dataset: ImageDataset, tracker: FailureTracker) -> list[int]:
    rows: list[int] = []
    for batch in DataLoader(dataset, batch_size=4, collate_fn=collate):
        tracker.add(batch.failures)
        rows += batch.rows.tolist()
        if len(batch):
            assert batch.images.shape[1:] == (3, 32, 32)
    tracker.check()
    return rows


def test_paths_outside_roots_are_refused_before_reading(tmp_path: Path) -> None:
    root = tmp_path / "images"
    root.mkdir()
    outside = tmp_path / "secret.png"
    outside.write_bytes(shape_image("red"))
    (root / "escape.png").symlink_to(outside)  # a symlink out of the root is outside too
    roots = ImageRoots.of(root)
    transform = Preprocessing(input_size=32).eval_transform()
    for bad in [str(outside), str(root / ".." / "secret.png"), str(root / "escape.png"),
                "/etc/passwd"]:
        with pytest.raises(PathOutsideRootsError) as err:
            ImageDataset([bad], [0], transform, roots)
        assert bad in str(err.value) and str(root) in str(err.value)
        assert err.value.sqlstate == "42501"


def test_relative_paths_resolve_under_the_roots(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    (second / "cats").mkdir(parents=True)
    first.mkdir()
    (second / "cats" / "c.png").write_bytes(shape_image("red"))
    roots = ImageRoots.of(first, second)
    assert roots.resolve("cats/c.png") == second / "cats" / "c.png"
    assert roots.resolve("cats/none.png") == first / "cats" / "none.png"
    with pytest.raises(PathOutsideRootsError):
        roots.resolve("../b/../../etc/passwd")


def _verdict(roots: ImageRoots, path: str) -> str:
    try:
        return str(roots.resolve(path))
    except PathOutsideRootsError:
        return "outside"


def test_checking_many_paths_agrees_with_resolving_each(tmp_path: Path) -> None:
    root, other = tmp_path / "images", tmp_path / "other"
    (root / "cats").mkdir(parents=True)
    other.mkdir()
    (root / "cats" / "c.png").write_bytes(b"x")
    (other / "secret.png").write_bytes(b"x")
    (root / "out").symlink_to(other)  # a folder link out of the root
    (root / "in").symlink_to(root / "cats")  # a folder link that stays inside
    (root / "cats" / "leak.png").symlink_to(other / "secret.png")  # a file link out
    (root / "cats" / "ok.png").symlink_to(root / "cats" / "c.png")  # a file link inside
    (tmp_path / "alias").symlink_to(root)  # the root reached through a link
    roots = ImageRoots.of(root)
    candidates = [
        "cats/c.png", "cats/none.png", "cats/../cats/c.png", "../other/secret.png",
        "out/secret.png", "in/c.png", "cats/leak.png", "cats/ok.png", "cats/", "cats/..",
        "cats/.", "..",
        str(root / "cats" / "c.png"), str(tmp_path / "alias" / "cats" / "c.png"),
        str(tmp_path / "alias" / "out" / "secret.png"), str(other / "secret.png"),
        str(root) + "//cats///c.png", str(root) + "-sibling/c.png", "/etc/passwd", "/",
        str(root), str(root) + "/", str(root / "cats"), str(tmp_path),
    ]
    for path in candidates:
        expected = _verdict(roots, path)
        if expected == "outside":
            with pytest.raises(PathOutsideRootsError, match="outside the allowed image roots"):
                roots.check_all(["cats/c.png", path])
        else:
            roots.check_all([path, "cats/c.png"])
    assert _verdict(roots, "out/secret.png") == _verdict(roots, "cats/leak.png") == "outside"
    assert _verdict(roots, str(tmp_path / "alias" / "cats" / "c.png")) == str(root / "cats/c.png")


def test_a_folder_swapped_for_a_link_after_the_check_is_refused_at_read(tmp_path: Path) -> None:
    root, other = tmp_path / "images", tmp_path / "other"
    (root / "cats").mkdir(parents=True)
    other.mkdir()
    (root / "cats" / "c.png").write_bytes(shape_image("red"))
    (other / "c.png").write_bytes(shape_image("blue"))
    roots = ImageRoots.of(root)
    dataset = ImageDataset([str(root / "cats" / "c.png")], [0],
                           Preprocessing(input_size=32).eval_transform(), roots)
    (root / "cats" / "c.png").unlink()
    (root / "cats").rmdir()
    (root / "cats").symlink_to(other)  # after the up-front check: each read checks again
    with pytest.raises(PathOutsideRootsError):
        dataset[0]


def test_roots_from_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIXELSQL_IMAGE_ROOTS", f"{tmp_path / 'a'}{os.pathsep}{tmp_path / 'b'}")
    assert ImageRoots.from_env().roots == (tmp_path / "a", tmp_path / "b")
    monkeypatch.delenv("PIXELSQL_IMAGE_ROOTS")
    assert ImageRoots.from_env(tmp_path).roots == (tmp_path / "images",)


def test_bytes_and_paths_rgb_and_gray(tmp_path: Path) -> None:
    paths, _ = write_shape_dataset(tmp_path, 2)
    refs: list[str | bytes] = [*paths, shape_image("green", 48, fmt="JPEG")]
    for color in ("RGB", "GRAY"):
        pre = Preprocessing(input_size=32, color=color)
        dataset = ImageDataset(refs, None, pre.eval_transform(), ImageRoots.of(tmp_path), color)
        tracker = FailureTracker(len(refs))
        assert _load_all(dataset, tracker) == list(range(len(refs)))
        assert tracker.count == 0
        first = dataset[0]
        assert isinstance(first, tuple)
        if color == "GRAY":  # one gray channel replicated (before per-channel normalising)
            mean = torch.tensor(pre.mean).view(3, 1, 1)
            std = torch.tensor(pre.std).view(3, 1, 1)
            pixels = first[0] * std + mean
            assert torch.allclose(pixels[0], pixels[1], atol=1e-5)
            assert torch.allclose(pixels[1], pixels[2], atol=1e-5)
    with pytest.raises(InvalidOptionError):
        Preprocessing(color="CMYK")


def test_train_transform_is_random_eval_is_not(tmp_path: Path) -> None:
    pre = Preprocessing(input_size=32)
    image_bytes = shape_image("red", 64)
    roots = ImageRoots.of(tmp_path)
    train = ImageDataset([image_bytes], [0], pre.train_transform(), roots)
    evals = ImageDataset([image_bytes], [0], pre.eval_transform(), roots)
    torch.manual_seed(0)
    a, b = train[0], train[0]
    assert isinstance(a, tuple) and isinstance(b, tuple) and not torch.equal(a[0], b[0])
    c, d = evals[0], evals[0]
    assert isinstance(c, tuple) and isinstance(d, tuple) and torch.equal(c[0], d[0])
    assert Preprocessing.from_dict(pre.to_dict()) == pre


def test_label_encoding_is_sorted_and_deterministic() -> None:
    enc = LabelEncoder.fit(["dog", "cat", "dog", "bird", None])
    assert enc.classes == ("bird", "cat", "dog")
    assert [enc.encode(x) for x in ["cat", "dog"]] == [1, 2]
    assert enc.decode(0) == "bird"
    assert LabelEncoder.fit([1, 2, 10]).classes == ("1", "10", "2")
    with pytest.raises(InvalidOptionError, match="at least 2"):
        LabelEncoder.fit(["only"])


def test_missing_and_corrupt_images_are_reported_and_skipped(tmp_path: Path) -> None:
    paths, _ = write_shape_dataset(tmp_path, 4)
    missing = str(tmp_path / "gone.png")
    corrupt = tmp_path / "corrupt.jpg"
    corrupt.write_bytes(b"\xff\xd8\xff\xe0 this is not really a jpeg")
    truncated = tmp_path / "truncated.png"
    truncated.write_bytes(shape_image("red")[:60])
    refs: list[str | bytes] = [*paths, missing, str(corrupt), str(truncated), b"garbage"]
    dataset = ImageDataset(refs, None, Preprocessing(input_size=32).eval_transform(),
                           ImageRoots.of(tmp_path))
    tracker = FailureTracker(len(refs), max_fraction=0.5)
    rows = _load_all(dataset, tracker)
    assert rows == list(range(8))
    assert tracker.count == 4
    by_row = {f.row: f for f in tracker.examples_all()}
    assert by_row[8].ref == missing and by_row[8].reason == "file not found"
    assert by_row[9].ref == str(corrupt)
    assert by_row[10].ref == str(truncated)
    assert by_row[11].ref == "<7 bytes>"
    summary = tracker.summary()
    assert f"row 8 {missing} (file not found)" in summary and str(corrupt) in summary

    strict = FailureTracker(len(refs), max_fraction=0.2)
    with pytest.raises(TooManyBadImagesError) as err:
        _load_all(dataset, strict)
    assert "could not be loaded" in str(err.value) and "max_failure_fraction=0.2" in str(err.value)


def test_an_oversized_image_file_is_a_bad_image_and_is_never_read_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ml import data as data_module
    from ml import roots as roots_module
    from ml.device_decode import EncodedDataset

    paths, _ = write_shape_dataset(tmp_path, 2)
    big = tmp_path / "huge.png"
    big.write_bytes(shape_image("red") + b"\0" * 5000)  # a valid PNG with trailing bytes
    monkeypatch.setattr(roots_module, "MAX_IMAGE_FILE_BYTES", 4096)
    monkeypatch.setattr(data_module, "MAX_IMAGE_FILE_BYTES", 4096)
    refs: list[str | bytes] = [*paths, str(big)]
    roots = ImageRoots.of(tmp_path)
    for dataset in (ImageDataset(refs, None, Preprocessing(input_size=32).eval_transform(),
                                 roots),
                    EncodedDataset(refs, None, roots, "RGB")):
        items = [dataset[i] for i in range(len(refs))]
        assert [getattr(item, "reason", None) for item in items] == [None] * len(paths) + [
            "ImageFileTooLargeError: larger than 0 MiB"], type(dataset)
    assert roots_module.read_image_file(paths[0]) == Path(paths[0]).read_bytes()
    with pytest.raises(roots_module.ImageFileTooLargeError):
        roots_module.read_image_file(big)
