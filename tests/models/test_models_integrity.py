"""A changed model file or a different scikit-learn is refused before anything is unpickled."""

import json
import shutil
from pathlib import Path

import pytest

import cptscan
from cptscan.models import ModelIntegrityError, models_dir

MODELS = models_dir()


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


def test_a_folder_without_models_is_refused_unless_rules_only_is_asked(tmp_path, monkeypatch):
    """An install that lost its models must not silently scan without its classifiers."""
    monkeypatch.setenv("CPTSCAN_MODELS", str(tmp_path))
    with pytest.raises(ModelIntegrityError, match="no model manifest.*--rules-only"):
        cptscan.load()
    scanner = cptscan.load(rules_only=True)
    assert not [n for n in scanner.nlp.pipe_names if n.endswith("_classifier")]
    assert scanner.versions["models"] == {}


def test_a_manifest_listing_no_models_is_rules_only_on_purpose(tmp_path, monkeypatch):
    (tmp_path / "manifest.json").write_text(json.dumps({"models": {}}))
    monkeypatch.setenv("CPTSCAN_MODELS", str(tmp_path))
    assert cptscan.load().versions["models"] == {}
