"""Model registry: every base builds and runs; names; pretrained weights lookup."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from ml.errors import UnknownModelError, WeightsError
from ml.models import WEIGHTS_DIR_ENV, get_model, get_spec, list_models

BASES = ["ConvNeXt_Tiny", "ConvNeXt_Base", "EfficientNetV2S", "EfficientNetV2M"]


@pytest.fixture(autouse=True)
def _no_local_weights(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No weights leak in from the machine: empty hub cache, no weights dir."""
    monkeypatch.delenv(WEIGHTS_DIR_ENV, raising=False)
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch_home"))


def test_registry_lists_the_four_bases() -> None:
    assert set(BASES) <= set(list_models())


@pytest.mark.parametrize("name", BASES)
def test_each_base_builds_with_new_head_and_runs_forward(name: str) -> None:
    torch.manual_seed(0)
    built = get_model(name, 3)
    assert built.base == name
    assert not built.pretrained and built.weights_source is None
    assert built.notice is not None and "random initialisation" in built.notice
    built.model.eval()
    with torch.inference_mode():
        out = built.model(torch.randn(2, 3, 32, 32))
    assert out.shape == (2, 3)


@pytest.mark.parametrize("spelling", ["convnext_tiny", "CONVNEXT_TINY", "ConvNeXt-Tiny",
                                      "convnexttiny"])
def test_names_are_case_insensitive(spelling: str) -> None:
    assert get_spec(spelling).name == "ConvNeXt_Tiny"


def test_unknown_name_lists_known_models() -> None:
    with pytest.raises(UnknownModelError) as err:
        get_model("ResNet9000", 2)
    message = str(err.value)
    assert "ResNet9000" in message
    for name in BASES:
        assert name in message
    assert err.value.sqlstate == "42704"


def _make_weights_file(path: Path) -> dict[str, torch.Tensor]:
    from torchvision.models import efficientnet_v2_s

    torch.manual_seed(123)
    state = efficientnet_v2_s().state_dict()
    torch.save(state, path)
    return state


def _same_backbone(model: torch.nn.Module, state: dict[str, torch.Tensor]) -> bool:
    key = "features.0.0.weight"
    return torch.equal(model.state_dict()[key], state[key])


def test_weights_from_explicit_file(tmp_path: Path) -> None:
    path = tmp_path / "my_weights.pth"
    state = _make_weights_file(path)
    built = get_model("efficientnetv2s", 4, weights=path)
    assert built.pretrained and built.weights_source == str(path) and built.notice is None
    assert _same_backbone(built.model, state)
    with torch.inference_mode():
        assert built.model.eval()(torch.randn(1, 3, 32, 32)).shape == (1, 4)


def test_weights_found_in_env_dir_and_hub_cache(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    weights_dir = tmp_path / "weights"
    weights_dir.mkdir()
    state = _make_weights_file(weights_dir / "efficientnetv2s.pth")
    monkeypatch.setenv(WEIGHTS_DIR_ENV, str(weights_dir))
    built = get_model("EfficientNetV2S", 2)
    assert built.pretrained and _same_backbone(built.model, state)

    # The torchvision file name in the hub cache is found too.
    monkeypatch.delenv(WEIGHTS_DIR_ENV)
    hub = Path(torch.hub.get_dir()) / "checkpoints"
    hub.mkdir(parents=True)
    url = get_spec("EfficientNetV2S").weights_url
    assert url is not None
    (weights_dir / "efficientnetv2s.pth").rename(hub / url.rsplit("/", 1)[-1])
    built = get_model("EfficientNetV2S", 2)
    assert built.pretrained and str(hub) in (built.weights_source or "")


def test_bad_explicit_weights_are_an_error(tmp_path: Path) -> None:
    with pytest.raises(WeightsError, match="does not exist"):
        get_model("EfficientNetV2S", 2, weights=tmp_path / "nope.pth")
    junk = tmp_path / "junk.pth"
    junk.write_bytes(b"not a checkpoint")
    with pytest.raises(WeightsError, match="cannot load"):
        get_model("EfficientNetV2S", 2, weights=junk)
    wrong = tmp_path / "wrong.pth"
    _make_weights_file(wrong)
    with pytest.raises(WeightsError, match="do not fit"):
        get_model("ConvNeXt_Tiny", 2, weights=wrong)


def test_importing_ml_does_not_import_torch() -> None:
    """The server process imports ``ml`` (errors) and must not pay for torch or CUDA."""
    import subprocess
    import sys

    code = "import sys, ml; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
