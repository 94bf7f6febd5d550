"""The user guide documents every option each ThanoSQL statement accepts (and no others)."""

from __future__ import annotations

import re

import pytest

from engine import ml_exec
from tests.conftest import ROOT

GUIDE = (ROOT / "docs" / "USER_GUIDE.md").read_text()
SPECS = {"BUILD MODEL": ml_exec._TRAIN_OPTIONS, "PREDICT": ml_exec._PREDICT_OPTIONS,
         "EVALUATE": ml_exec._EVALUATE_OPTIONS, "PRINT IMAGE": ml_exec._PRINT_OPTIONS,
         "COPY": ml_exec._COPY_OPTIONS}


@pytest.mark.parametrize("statement", SPECS)
def test_every_option_is_documented(statement: str) -> None:
    documented = set(re.findall(r"`([a-z_]+)`", GUIDE))
    missing = set(SPECS[statement]) - documented
    assert not missing, f"{statement} options missing from docs/USER_GUIDE.md: {missing}"


def test_documented_bases_are_the_known_ones() -> None:
    for base in ml_exec.KNOWN_BASES:
        assert f"`{base}`" in GUIDE


def test_the_engines_base_list_matches_the_registry() -> None:
    from ml.models import list_models

    assert set(ml_exec.KNOWN_BASES) == {b for b in list_models() if b != "TinyTestNet"}
