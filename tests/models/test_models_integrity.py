"""A changed model file or a different scikit-learn is refused before anything is unpickled."""

import json
import shutil
from pathlib import Path

import pytest

import cptscan
from cptscan.models import ModelIntegrityError

MODELS = Path(__file__).resolve().parents[2] / "models"


@pytest.fixture
def models_copy(tmp_path, monkeypatch):
    target = tmp_path / "models"
    shutil.copytree(MODELS, target)
    monkeypatch.setenv("CPTSCAN_MODELS", str(target))
    return target


def test_flipped_byte_is_refused(models_copy):
    path = models_copy / "interpretation.joblib"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(ModelIntegrityError, match=r"interpretation\.joblib.*sha256.*does not match.*cptscan train"):
        cptscan.load()


def test_other_sklearn_version_is_refused(models_copy):
    manifest = json.loads((models_copy / "manifest.json").read_text())
    manifest["models"]["service"]["sklearn_version"] = "0.24.2"
    (models_copy / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ModelIntegrityError, match=r"service\.joblib.*scikit-learn 0\.24\.2"):
        cptscan.load()


def test_missing_file_is_refused(models_copy):
    (models_copy / "service.joblib").unlink()
    with pytest.raises(ModelIntegrityError, match="missing"):
        cptscan.load()


def test_empty_models_folder_means_rules_only(tmp_path, monkeypatch):
    monkeypatch.setenv("CPTSCAN_MODELS", str(tmp_path))
    scanner = cptscan.load()
    assert not [n for n in scanner.nlp.pipe_names if n.endswith("_classifier")]
    assert scanner.versions["models"] == {}
