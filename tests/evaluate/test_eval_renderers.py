"""The seeded renderers: the same note id always gives the same text, the noise comes at the rates
docs/evaluation.md states, and `cptscan evaluate --render` skips span scoring when offsets move.

The notes are written for the test."""

from __future__ import annotations

import json
import re

from typer.testing import CliRunner

from cptscan.cli import app
from cptscan.evaluate.render import RENDERERS, dictate, noise_settings, ocr, render_notes

NOTE = ("CARDIAC CT REPORT\n"
        "Technique: ECG-gated coronary CTA acquired today; the CCTA data set was sent for AI plaque analysis with "
        "HeartFlow Plaque Analysis. Total plaque volume 41.5 mm3, noncalcified share 12 percent.\n\n"
        "Impression: I reviewed the software output; my reading agrees with it: mild non-obstructive disease in "
        "the LAD and RCA, moderate low-attenuation plaque. Start a statin; follow up in 6 months.\n")
LONG = "\n".join(NOTE for _ in range(40))


def test_each_renderer_gives_a_note_the_same_text_every_time_and_other_notes_other_noise():
    for name in ("dictation", "ocr"):
        render = RENDERERS[name].render
        assert render(LONG, "N-7") == render(LONG, "N-7")
        assert render(LONG, "N-7") != render(LONG, "N-8")
        assert not RENDERERS[name].keeps_offsets
    assert RENDERERS["wrap64"].keeps_offsets and len(RENDERERS["wrap64"].render(LONG, "x")) == len(LONG)


def test_render_notes_seeds_by_note_id_not_by_position():
    notes = [{"note_id": "A", "text": LONG}, {"note_id": "B", "text": LONG}]
    forward = {n["note_id"]: n["text"] for n in render_notes(notes, "ocr")}
    backward = {n["note_id"]: n["text"] for n in render_notes(notes[::-1], "ocr")}
    assert forward == backward


def test_dictation_speaks_every_mark_and_break_and_spells_about_half_the_abbreviations():
    out = " ".join(dictate(LONG, f"N-{i}") for i in range(5))
    assert not re.search(r"[.,:;](?=\s|$)", out) and "\n" not in out
    assert out.count(" new paragraph ") == 5 * (40 + 39) and " period " in out and " semicolon " in out
    spelled = len(re.findall(r"\bC C T A\b", out)) + len(re.findall(r"\bA I\b", out))
    kept = len(re.findall(r"\bCCTA\b", out)) + len(re.findall(r"\bAI\b", out))
    assert 0.35 < spelled / (spelled + kept) < 0.65
    assert "forty one point five" in out and "heart flow" in out


def test_ocr_confuses_about_one_in_forty_look_alike_characters():
    rates = noise_settings()["ocr"]
    out = ocr(LONG, "N-1")
    body = [line for line in out.split("\n") if not re.search(r"Page|FAX|CONFIDENTIAL|Received", line)]
    joined = re.sub(r"-\n", "", "\n".join(body)).replace(" ", "").replace("\n", "")
    original = LONG.replace(" ", "").replace("\n", "")
    lost = sum(original.count(c) for c in "lo") - sum(joined.count(c) for c in "lo")
    share = lost / sum(original.count(c) for c in "lo")
    assert 0.5 * rates["confusion_rate"] < share < 2 * rates["confusion_rate"], share


def test_ocr_wraps_hyphenates_and_puts_a_page_block_every_25_to_35_lines():
    out = ocr(LONG, "N-2")
    lines = out.split("\n")
    assert max(len(line) for line in lines) <= noise_settings()["ocr"]["width"] + 1
    assert sum(line.endswith("-") and line[-2:-1].isalpha() for line in lines) >= 10
    blocks = [i for i, line in enumerate(lines) if re.search(r"Page \d|P\.\d{3}/", line)]
    assert len(lines) / 40 < len(blocks) < len(lines) / 20


def test_evaluate_scores_note_level_and_skips_spans_for_a_renderer_that_moves_offsets(tmp_path):
    notes = tmp_path / "notes.jsonl"
    gold = tmp_path / "gold.jsonl"
    notes.write_text('{"note_id": "R1", "date_of_service": "2026-04-02", "text": ' + json.dumps(NOTE) + "}\n")
    gold.write_text('{"note_id": "R1", "codes": [{"code": "75577", "status": "supported", "missing": [], '
                    '"coverage_documented": null}], "concepts": [], "spans": [{"start": 0, "end": 4, '
                    '"label": "SAME_SESSION_CT", "assertion": "affirmed"}]}\n')
    runner = CliRunner()
    for rendering, scored in (("wrap64", True), ("ocr", False), ("dictation", False)):
        result = runner.invoke(app, ["evaluate", str(notes), str(gold), "--json", "--reps", "0", "--render", rendering])
        assert result.exit_code == 0, result.output
        report = json.loads(result.stdout)
        assert (report["spans"] is not None) is scored
        assert (report["spans_skipped"] is None) is scored
        assert report["code"]["tp"] + report["code"]["fn"] == 1
