"""A knowledge directory: what a site validated, frozen with a hash per file and loaded elsewhere as it was."""

import json
from pathlib import Path

import pytest

import cptscan
from cptscan.io import read_records
from cptscan.knowledge import Knowledge, KnowledgeError, load_knowledge

DEMO = Path(__file__).parents[2] / "corpora" / "demo" / "notes.jsonl"


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    return load_knowledge(packs=["retinal"]).to_disk(tmp_path_factory.mktemp("k") / "knowledge")


def test_a_saved_knowledge_scans_as_the_packaged_one(written):
    notes = list(read_records(DEMO))
    packaged = cptscan.load(packs=["retinal"])
    frozen = cptscan.load(knowledge_dir=str(written))
    assert frozen.versions == packaged.versions
    assert frozen.knowledge.models_dir == written / "models"
    assert list(frozen.scan(notes)) == list(packaged.scan(notes))


def test_the_pipeline_config_names_the_directory(written):
    config = cptscan.load(knowledge_dir=str(written)).nlp.config["components"]["cptscan_targets"]["knowledge"]
    assert config["root"] == str(written.resolve())


@pytest.mark.parametrize("change, message", [
    (lambda d: (d / "packs" / "retinal" / "codes.json").write_text("{}"), "changed"),
    (lambda d: (d / "models" / "service.joblib").unlink(), "missing"),
    (lambda d: (d / "models" / "extra.joblib").write_bytes(b"\x80"), "added files"),
])
def test_a_changed_directory_is_refused(written, tmp_path, change, message):
    copy = load_knowledge(packs=["retinal"]).to_disk(tmp_path / "copy")
    change(copy)
    with pytest.raises(KnowledgeError, match=message):
        Knowledge.from_disk(copy)


def test_a_knowledge_directory_excludes_other_choices(written):
    with pytest.raises(KnowledgeError, match="one or the other"):
        cptscan.load(knowledge_dir=str(written), packs=["retinal"])


def test_the_manifest_lists_every_file(written):
    manifest = json.loads((written / "knowledge.json").read_text())
    assert manifest["packs"] == ["cpt2026", "retinal"]
    assert {"rules/context_rules.json", "packs/vocabulary.json", "models/manifest.json"} <= set(manifest["files"])
