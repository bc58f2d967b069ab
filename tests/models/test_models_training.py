"""Training is deterministic: the same seed on the same (small) data gives the same metrics, and the
written manifest has the shape ``cptscan.models`` reads."""

import json
from pathlib import Path

from cptscan.models import load_model_components
from cptscan.train import run

CORPORA = Path(__file__).resolve().parents[2] / "corpora"
SMALL = {"limit": 25, "c_grid": (1.0,)}


def test_same_seed_same_metrics(tmp_path):
    written = run(CORPORA, tmp_path, seed=7, **SMALL)
    again = run(CORPORA, tmp_path / "unused", seed=7, write=False, **SMALL)
    assert written == again
    assert json.loads((tmp_path / "metrics.json").read_text()) == json.loads(json.dumps(again, sort_keys=True))
    assert set(written["models"]) == {"interpretation", "service"}


def test_manifest_is_what_the_loader_reads(tmp_path):
    run(CORPORA, tmp_path, seed=7, **SMALL)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert {"training_data_sha256", "created", "seed"} <= set(manifest)
    pipes, hashes = load_model_components(tmp_path)
    components = dict(pipes)
    config = components["cptscan_interpretation_classifier"]
    assert config["threshold"] == manifest["models"]["interpretation"]["threshold"]
    assert config["labels"] == ["interpretation"]
    assert Path(config["model_path"]).exists()
    assert set(hashes) == {"interpretation", "service"}
    assert (tmp_path / "MODEL_CARD.md").read_text().count("ablation:start") == 1


def test_retraining_the_sentence_models_keeps_the_genre_model(tmp_path):
    # the genre classifier has its own trainer: cptscan train must not drop its manifest entry or card section
    genre = {"file": "genre.joblib", "sha256": "0" * 64, "sklearn_version": "x", "component": "cptscan_genre"}
    (tmp_path / "manifest.json").write_text(json.dumps({"models": {"genre": genre}}))
    (tmp_path / "MODEL_CARD.md").write_text("old card\n<!-- genre:start -->\n## Genre\nits figures\n<!-- genre:end -->\n")
    run(CORPORA, tmp_path, seed=7, **SMALL)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["models"]["genre"] == genre and {"interpretation", "service"} <= set(manifest["models"])
    card = (tmp_path / "MODEL_CARD.md").read_text()
    assert "## Genre\nits figures" in card and "old card" not in card
