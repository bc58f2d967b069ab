"""Code packs: a second family (retinal imaging, off by default) added as data only.

The retinal pack is scanned, reconciled and put on the worklist with no Python of its own; the scanner and
reconcile agree on its variant; the default results do not move when it is off or on.
"""

import re
from pathlib import Path

import pytest

import cptscan
from cptscan import packs
from cptscan.io import read_records
from cptscan.knowledge import load_knowledge
from cptscan.reconcile import reconcile
from cptscan.worklist.rows import build_rows

SRC = Path(cptscan.__file__).parent
RETINAL = packs.read_pack("retinal")


@pytest.fixture(scope="module")
def retinal_scanner():
    return cptscan.load(packs=["retinal"])


@pytest.fixture(scope="module")
def retinal_results(retinal_scanner):
    return {r["note_id"]: r for r in retinal_scanner.scan(RETINAL.examples("notes.jsonl"))}


def _codes(line):
    return [(c["code"], c["status"], sorted(c["missing"])) for c in line["codes"]]


def test_the_pack_is_off_by_default():
    assert packs.available() == {"cpt2026": True, "retinal": False}
    default = load_knowledge()
    assert default.packs == ("cpt2026",)
    assert not {"92227", "92228", "92229"} & set(default.catalog.entries)


@pytest.mark.parametrize("gold", RETINAL.examples("gold.jsonl"), ids=lambda g: g["note_id"])
def test_example_notes_get_their_codes(retinal_results, gold):
    """Each variant supported, a gap named, and hard negatives (declined, requested, a dilated exam, an old
    study) with no code."""
    assert _codes(retinal_results[gold["note_id"]]) == _codes(gold)


def test_results_say_which_packs_decided(retinal_scanner):
    assert retinal_scanner.versions["packs"] == ["cpt2026", "retinal"]
    assert cptscan.load().versions["packs"] == ["cpt2026"]


def _claim(chart, code, date):
    return {"chart_id": chart, "lines": [{"code": code, "date_of_service": date}]}


def test_reconcile_agrees_with_the_scanner_on_every_variant(retinal_scanner, retinal_results):
    knowledge = retinal_scanner.knowledge
    notes = {n["note_id"]: n for n in RETINAL.examples("notes.jsonl")}
    family = ("92227", "92228", "92229")
    for note_id, result in retinal_results.items():
        for code in [c for c in result["codes"] if c["status"] == "supported"]:
            note = notes[note_id]
            right = reconcile([result], [_claim(note["chart_id"], code["code"], note["date_of_service"])], knowledge)
            assert right[0]["findings"] == [], note_id
            for other in set(family) - {code["code"]}:
                wrong = reconcile([result], [_claim(note["chart_id"], other, note["date_of_service"])], knowledge)
                (finding,) = wrong[0]["findings"]
                assert (finding["type"], finding["billed"], finding["expected"]) == ("wrong_variant", other, code["code"])
                assert "None" not in finding["reason"]


def test_a_gap_in_a_pack_code_names_only_its_own_elements(retinal_scanner, retinal_results):
    """92229 requires input and process, not a physician's interpretation."""
    result = retinal_results["R-004"]
    (finding,) = reconcile([result], [_claim(result["chart_id"], "92229", result["date_of_service"])],
                           retinal_scanner.knowledge)[0]["findings"]
    assert (finding["type"], finding["missing"]) == ("unsupported_claim", ["input"])


def test_an_unbilled_pack_code_reaches_the_worklist(retinal_scanner, retinal_results):
    result = retinal_results["R-001"]
    charts = reconcile([result], [{"chart_id": result["chart_id"], "lines": []}], retinal_scanner.knowledge)
    (row,) = build_rows(charts, retinal_scanner.catalog)
    assert (row["type"], row["code"]) == ("missed_opportunity", "92229")


def test_default_results_do_not_move_with_the_pack(retinal_scanner):
    notes = list(read_records(Path(__file__).parents[2] / "corpora" / "demo" / "notes.jsonl"))
    off = list(cptscan.load().scan(notes))
    on = list(retinal_scanner.scan(notes))
    for a, b in zip(off, on):
        assert {k: v for k, v in a.items() if k != "versions"} == {k: v for k, v in b.items() if k != "versions"}


def test_an_unknown_pack_is_a_clear_error():
    with pytest.raises(packs.PackError, match="retinal"):
        cptscan.load(packs=["retina"])


def _names_in_data():
    names = set()
    for name in packs.available():
        knowledge = load_knowledge(packs=[name])
        names |= set(knowledge.rules.labels) | set(knowledge.catalog.entries)
    return names


def test_no_python_module_names_a_label_or_a_code():
    """Label and code names live in the packs' data; Python reads roles, policies and catalog fields."""
    names = _names_in_data()
    pattern = re.compile(r"\b(" + "|".join(sorted(map(re.escape, names), key=len, reverse=True)) + r")\b")
    found = {f"{path.relative_to(SRC)}: {m.group(0)}" for path in SRC.rglob("*.py")
             for m in pattern.finditer(path.read_text(encoding="utf-8"))}
    assert not found
