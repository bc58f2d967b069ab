"""Checks on cptscan's own annotated corpora (corpora/generated, carriers, handwritten, demo)."""
import filecmp
import json
import os
import subprocess
import sys

import pytest

from cptscan.knowledge import load_knowledge

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPORA = os.path.join(ROOT, "corpora")
DIRS = ["generated", "carriers", "handwritten", "demo"]
TRAINING = ("generated", "carriers", "handwritten")
MTSAMPLES = os.path.join(ROOT, "..", "shared", "external", "mtsamples", "mtsamples.csv")
# what the corpora may say comes from the default knowledge: the labels gold annotates and the codes
KNOWLEDGE = load_knowledge()
LABELS = set(KNOWLEDGE.rules.concept_labels)
SERVICES = KNOWLEDGE.labels("service")
INTERPRETATION = KNOWLEDGE.labels("interpretation")
CATALOG = KNOWLEDGE.catalog
ASSERTIONS = {"affirmed", "negated", "hypothetical", "historical", "family"}
NOTE_TYPES = {"radiology_report", "progress_note", "consult_note", "procedure_note", "wound_care_note", "addendum",
              "discharge_summary", "other"}
CODES = {entry.code for entry in CATALOG.detectable()}


def load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@pytest.fixture(scope="module", params=DIRS)
def corpus(request):
    d = os.path.join(CORPORA, request.param)
    notes = load(os.path.join(d, "notes.jsonl"))
    gold = load(os.path.join(d, "gold.jsonl"))
    sents = load(os.path.join(d, "sentences.jsonl"))
    return request.param, notes, gold, sents


def test_notes_and_gold_align(corpus):
    name, notes, gold, _ = corpus
    ids = [n["note_id"] for n in notes]
    assert len(ids) == len(set(ids))
    assert ids == [g["note_id"] for g in gold]
    prefix = {"generated": "G-", "carriers": "M-", "handwritten": "H-", "demo": "DEMO-"}[name]
    assert all(i.startswith(prefix) for i in ids)
    for n in notes:
        assert isinstance(n["text"], str) and n["text"]
        assert n.get("note_type") in NOTE_TYPES
        assert n.get("date_of_service") and len(n["date_of_service"]) == 10


def test_spans_exact_and_concepts(corpus):
    _, notes, gold, _ = corpus
    texts = {n["note_id"]: n["text"] for n in notes}
    for g in gold:
        t = texts[g["note_id"]]
        for s in g["spans"]:
            assert 0 <= s["start"] < s["end"] <= len(t), (g["note_id"], s)
            seg = t[s["start"]:s["end"]]
            assert seg == seg.strip() and seg, (g["note_id"], s, seg)
            assert s["label"] in LABELS and s["assertion"] in ASSERTIONS
        affirmed = {s["label"] for s in g["spans"] if s["assertion"] == "affirmed"}
        assert set(g["concepts"]) == affirmed, g["note_id"]


def test_codes_follow_rules(corpus):
    _, notes, gold, _ = corpus
    for g in gold:
        seen = set()
        for c in g["codes"]:
            assert c["code"] in CODES and c["code"] not in seen
            seen.add(c["code"])
            assert c["status"] in ("supported", "documentation_gap")
            entry = CATALOG[c["code"]]
            assert set(c["missing"]) <= set(entry.required)
            if c["status"] == "supported":
                assert c["missing"] == [], g["note_id"]
            else:
                assert c["missing"], g["note_id"]
                assert len(c["missing"]) < len(entry.required)
            if entry.coverage_applies:
                assert isinstance(c["coverage_documented"], bool), g["note_id"]
            else:
                assert c["coverage_documented"] is None, g["note_id"]
            # the service concept is affirmed whenever the code is indicated, and its variant's concept too
            assert entry.service_concept in g["concepts"], g["note_id"]
            assert CATALOG.variant_for(entry.service_concept, g["concepts"]).code == c["code"], g["note_id"]
            if "interpretation" not in c["missing"]:
                assert INTERPRETATION & set(g["concepts"]), g["note_id"]
        families = [CATALOG[code].family for code in seen]
        assert len(families) == len(set(families)), g["note_id"]  # one code per family (never both variants)
        if g["codes"] and all("interpretation" in c["missing"] for c in g["codes"]):
            assert not INTERPRETATION & set(g["concepts"]), g["note_id"]
        if not g["codes"]:
            assert not ((SERVICES | INTERPRETATION) & set(g["concepts"])), g["note_id"]


def test_sentences_valid(corpus):
    _, notes, _, sents = corpus
    texts = {n["note_id"]: n["text"] for n in notes}
    assert {s["note_id"] for s in sents} == set(texts)
    for s in sents:
        t = texts[s["note_id"]]
        assert 0 <= s["start"] < s["end"] <= len(t)
        assert s["label"] in {"interpretation", "software_output", "service_performed", "other"}
    labels = {s["label"] for s in sents}
    assert {"interpretation", "software_output", "service_performed", "other"} <= labels


def test_counts():
    assert len(load(os.path.join(CORPORA, "generated", "notes.jsonl"))) >= 1500
    assert len(load(os.path.join(CORPORA, "handwritten", "notes.jsonl"))) >= 60
    assert len(load(os.path.join(CORPORA, "carriers", "notes.jsonl"))) >= 300
    assert 10 <= len(load(os.path.join(CORPORA, "demo", "notes.jsonl"))) <= 20


def test_every_code_status_present():
    for d in TRAINING:
        gold = load(os.path.join(CORPORA, d, "gold.jsonl"))
        combos = {(c["code"], c["status"]) for g in gold for c in g["codes"]}
        for code in CODES:
            for st in ("supported", "documentation_gap"):
                assert (code, st) in combos, (d, code, st)


def test_splits_cover_training_notes():
    with open(os.path.join(CORPORA, "splits.json"), encoding="utf-8") as f:
        splits = json.load(f)
    train, val = set(splits["train"]), set(splits["validation"])
    assert not train & val
    ids = {n["note_id"] for d in TRAINING for n in load(os.path.join(CORPORA, d, "notes.jsonl"))}
    assert train | val == ids
    assert 0.1 < len(val) / len(ids) < 0.3


def test_validation_notes_use_only_held_out_phrasing():
    """Split by phrasing family: no wording of a labelled sentence is read by both splits."""
    with open(os.path.join(CORPORA, "splits.json"), encoding="utf-8") as f:
        splits = json.load(f)
    train_fams, val_fams = set(splits["families"]["train"]), set(splits["families"]["validation"])
    assert train_fams and val_fams and not train_fams & val_fams
    split_of = {i: name for name in ("train", "validation") for i in splits[name]}
    used = {"train": set(), "validation": set()}
    for d in ("generated", "carriers"):
        for p in load(os.path.join(CORPORA, d, "provenance.jsonl")):
            assert p["split"] == split_of[p["note_id"]]
            used[p["split"]].update(p["families"])
        for s in load(os.path.join(CORPORA, d, "sentences.jsonl")):
            if s["family"]:
                assert s["family"] in (train_fams if split_of[s["note_id"]] == "train" else val_fams), s
    assert used["train"] == train_fams and used["validation"] == val_fams
    # every kind of labelled sentence that varies has wordings on both sides
    keys = {side: {f.rpartition("#")[0] for f in fams} for side, fams in (("t", train_fams), ("v", val_fams))}
    assert {"plaque.interpretation", "pvat.interpretation", "burn.service", "other.disclaimer"} <= keys["t"] & keys["v"]


def test_hand_written_notes_name_their_writer():
    with open(os.path.join(CORPORA, "splits.json"), encoding="utf-8") as f:
        splits = json.load(f)
    prov = load(os.path.join(CORPORA, "handwritten", "provenance.jsonl"))
    notes = load(os.path.join(CORPORA, "handwritten", "notes.jsonl"))
    assert [p["note_id"] for p in prov] == [n["note_id"] for n in notes] and all(p["writer"] for p in prov)
    for p in prov:
        if p["writer"] in splits["held_out_writers"]:
            assert p["note_id"] in splits["validation"]
    assert sum(sum(c.values()) for c in splits["writers"].values()) == len(notes)


def test_carrier_rows_are_recorded_and_stay_in_the_pool():
    rows = json.load(open(os.path.join(CORPORA, "carriers", "rows.json"), encoding="utf-8"))
    prov = load(os.path.join(CORPORA, "carriers", "provenance.jsonl"))
    used = [p["mtsamples_row"] for p in prov]
    assert len(used) == len(set(used)) and sorted(used, key=int) == rows["used_rows"]
    assert set(used) <= set(rows["pool_rows"])


def test_demo_claims_reference_demo_charts():
    notes = load(os.path.join(CORPORA, "demo", "notes.jsonl"))
    charts = {n["chart_id"] for n in notes if n.get("chart_id")}
    claims = load(os.path.join(CORPORA, "demo", "claims.jsonl"))
    assert {c["chart_id"] for c in claims} == charts and len(charts) >= 2
    codes = {(l["code"], l["date_of_service"][:4]) for c in claims for l in c["lines"]}
    assert ("0623T", "2026") in codes


def _run_generator(out, seed=11, n=120):
    subprocess.run([sys.executable, os.path.join(CORPORA, "generate.py"), "--seed", str(seed), "--n", str(n),
                    "--out", str(out), "--no-splits", "--quiet"], check=True)


def test_generator_deterministic(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    _run_generator(a)
    _run_generator(b)
    for f in ("notes.jsonl", "gold.jsonl", "sentences.jsonl", "stats.json"):
        assert filecmp.cmp(a / f, b / f, shallow=False), f
    assert len(load(a / "notes.jsonl")) == 120


def test_committed_generated_corpus_matches_default_seed(tmp_path):
    _run_generator(tmp_path, seed=2026, n=1600)
    for f in ("notes.jsonl", "gold.jsonl", "sentences.jsonl", "provenance.jsonl"):
        assert filecmp.cmp(tmp_path / f, os.path.join(CORPORA, "generated", f), shallow=False), f


@pytest.mark.skipif(not os.path.exists(MTSAMPLES), reason="needs ../shared/external/mtsamples")
def test_committed_carriers_match_a_fresh_build(tmp_path):
    subprocess.run([sys.executable, os.path.join(CORPORA, "carriers.py"), "--mtsamples", MTSAMPLES,
                    "--out", str(tmp_path), "--quiet"], check=True)
    for f in ("notes.jsonl", "gold.jsonl", "sentences.jsonl", "provenance.jsonl", "rows.json"):
        assert filecmp.cmp(tmp_path / f, os.path.join(CORPORA, "carriers", f), shallow=False), f


def test_layout_and_noise_variants_are_present():
    """Wrapped, joined, bulleted, dictated and OCR-noised notes are all in the corpus (spans: test above)."""
    notes = {n["note_id"]: n["text"] for n in load(os.path.join(CORPORA, "generated", "notes.jsonl"))}
    prov = load(os.path.join(CORPORA, "generated", "provenance.jsonl"))
    kinds = {k for p in prov for k in p["augment"]}
    assert {"wrap", "joined", "bullets", "dictated", "ocr"} <= kinds
    dictated = [notes[p["note_id"]] for p in prov if "dictated" in p["augment"]]
    assert sum(" period" in t for t in dictated) > 0.8 * len(dictated)


def test_handwritten_build_reproducible(tmp_path):
    for d in ("handwritten", "demo"):
        out = tmp_path / d
        out.mkdir()
        subprocess.run([sys.executable, os.path.join(CORPORA, "handwritten", "build.py"),
                        os.path.join(CORPORA, d, "source.txt"), str(out)], check=True, capture_output=True)
        for f in ("notes.jsonl", "gold.jsonl", "sentences.jsonl"):
            assert filecmp.cmp(out / f, os.path.join(CORPORA, d, f), shallow=False), (d, f)
