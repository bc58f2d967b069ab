"""Every kind of bad input among good notes, end to end through ``cptscan scan``.

One output line per input record, in order; bad records carry an error code; the run exits 3; the good
notes' results are exactly those of a clean run of the good notes alone. Markup (HTML, RTF) is scanned
with evidence offsets into the text the user sent.
"""

from __future__ import annotations


import pytest

from reliability_support import BURN, NEGATIVE, POSITIVE, evidence_spans, read_results, run_cli, write_lines

MAX_CHARS = 4000
EXIT_RECORD_ERRORS = 3

HTML = ("<html><body><p>EXAM: CT CORONARY ANGIOGRAPHY</p>"
        "<p>TECHNIQUE: The CCTA data set was analyzed with <b>Cleerly</b> AI-based quantitative plaque analysis.</p>"
        "<p>IMPRESSION: My interpretation: moderate plaque burden &amp; high risk.</p></body></html>")
RTF = ("{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 Times New Roman;}}\\f0\\fs24 EXAM: CT CORONARY ANGIOGRAPHY\\par\n"
       "TECHNIQUE: The CCTA data set was analyzed with \\b Cleerly\\b0  AI-based quantitative plaque analysis.\\par\n"
       "IMPRESSION: My interpretation: moderate plaque burden.\\par\n}")

# (line, expected error code or None); good lines are dicts with a note_id starting "OK-"
LINES: list[tuple[object, str | None]] = [
    ({"note_id": "OK-1", "date_of_service": "2026-02-10", "note_type": "radiology_report", "text": POSITIVE}, None),
    ({"note_id": "BAD-empty", "text": ""}, "empty_text"),
    ({"note_id": "OK-2", "text": NEGATIVE}, None),
    ({"note_id": "BAD-blank", "text": "  \n\t  \n"}, "empty_text"),
    (b'{"note_id": "BAD-utf8", "text": "caf\xe9 \xff\xfe CCTA with Cleerly"}', "invalid_utf8"),
    ({"note_id": "BAD-binary", "text": "\x00\x01\x02\x03PK\x03\x04\x00\x00\x08\x00" * 40 + " Cleerly"}, "binary_text"),
    ('{"note_id": "BAD-json", "text": "CCTA with Cleerly', "malformed_json"),
    ({"note_id": "OK-html", "date_of_service": "2026-02-10", "text": HTML}, None),
    ({"text": POSITIVE}, "missing_note_id"),
    ({"note_id": "  ", "text": POSITIVE}, "missing_note_id"),
    ({"note_id": "BAD-notext", "date_of_service": "2026-02-10"}, "missing_text"),
    ({"note_id": "BAD-listtext", "text": ["CCTA", "Cleerly"]}, "invalid_text"),
    ({"note_id": "BAD-numtext", "text": 75577}, "invalid_text"),
    ({"note_id": "OK-1", "text": BURN}, "duplicate_note_id"),
    ({"note_id": "BAD-date", "date_of_service": "31/31/2026", "text": POSITIVE}, "invalid_date"),
    ({"note_id": "OK-rtf", "date_of_service": "2026-02-10", "text": RTF}, None),
    ({"note_id": "BAD-big", "text": (NEGATIVE + "\n") * (MAX_CHARS // len(NEGATIVE) + 5) + POSITIVE}, "text_too_large"),
    ({"note_id": "OK-burn", "date_of_service": "2026-03-05", "text": BURN}, None),
    (["not", "an", "object"], "malformed_json"),
]
EXPECTED = [code for _, code in LINES]


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, object]:
    """The mixed file scanned with 1 and 2 jobs and with --strict, and a clean run of the good lines."""
    tmp = tmp_path_factory.mktemp("bad_input")
    mixed = write_lines(tmp / "mixed.jsonl", [line for line, _ in LINES])
    clean = write_lines(tmp / "clean.jsonl", [line for line, code in LINES if code is None])
    out = {}
    for name, src, extra in (("mixed", mixed, []), ("mixed_jobs2", mixed, ["--jobs", "2"]),
                             ("clean", clean, []), ("strict", mixed, ["--strict"])):
        target = tmp / f"{name}.out.jsonl"
        proc = run_cli("scan", str(src), "-o", str(target), "--max-chars", str(MAX_CHARS), "-q", *extra)
        out[name] = (proc, read_results(target))
    out["texts"] = {line["note_id"]: line["text"] for line, code in LINES if code is None}
    return out


@pytest.mark.parametrize("run", ["mixed", "mixed_jobs2"])
def test_one_line_per_record_with_error_codes(runs, run):
    proc, results = runs[run]
    assert proc.returncode == EXIT_RECORD_ERRORS, proc.stderr
    assert len(results) == len(LINES)
    assert [(r["error"] or {}).get("code") for r in results] == EXPECTED
    for result, (line, code) in zip(results, LINES):
        if code is None:
            assert result["note_id"] == line["note_id"]
        else:
            assert result["codes"] == [] and result["mentions"] == [] and result["error"]["message"]


def test_readable_ids_kept_on_error_lines(runs):
    _, results = runs["mixed"]
    ids = [r["note_id"] for r in results]
    assert ids[EXPECTED.index("empty_text")] == "BAD-empty"
    assert ids[EXPECTED.index("duplicate_note_id")] == "OK-1"
    assert ids[EXPECTED.index("invalid_date")] == "BAD-date"
    assert ids[EXPECTED.index("missing_note_id")] is None
    assert ids[EXPECTED.index("invalid_utf8")] is None  # the line could not be decoded at all


@pytest.mark.parametrize("run", ["mixed", "mixed_jobs2"])
def test_good_notes_equal_a_clean_run(runs, run):
    _, results = runs[run]
    clean_proc, clean = runs["clean"]
    assert clean_proc.returncode == 0, clean_proc.stderr
    good = [r for r, code in zip(results, EXPECTED) if code is None]
    assert good == clean


def test_unusual_text_is_scanned(runs):
    _, results = runs["mixed"]
    by_id = {r["note_id"]: r for r, code in zip(results, EXPECTED) if code is None}
    assert [c["code"] for c in by_id["OK-1"]["codes"]] == ["75577"]
    assert by_id["OK-2"]["codes"] == []
    assert [c["code"] for c in by_id["OK-burn"]["codes"]] == ["0972T"]
    for note_id in ("OK-html", "OK-rtf"):
        codes = by_id[note_id]["codes"]
        assert [c["code"] for c in codes] == ["75577"], note_id
        assert codes[0]["status"] == "supported", note_id
        assert "CCTA_PLAQUE_ANALYSIS" in by_id[note_id]["concepts"]


@pytest.mark.parametrize("note_id", ["OK-html", "OK-rtf"])
def test_markup_offsets_point_into_original_text(runs, note_id):
    """Offsets index the text as sent, and the evidence text is that slice of it (markup included)."""
    _, results = runs["mixed"]
    original = runs["texts"][note_id]
    result = next(r for r in results if r["note_id"] == note_id)
    spans = evidence_spans(result)
    assert any("Cleerly" in original[s["start"]:s["end"]] for s in spans)
    for span in spans:
        assert 0 <= span["start"] < span["end"] <= len(original)
        assert original[span["start"]:span["end"]] == span["text"]


def test_strict_stops_at_first_error(runs):
    proc, results = runs["strict"]
    first_error = EXPECTED.index("empty_text")
    assert proc.returncode == EXIT_RECORD_ERRORS
    assert len(results) == first_error + 1
    assert results[-1]["error"]["code"] == "empty_text"
    assert results[:-1] == runs["mixed"][1][:first_error]
    assert "stopped (--strict)" in proc.stderr


def test_clean_run_exits_zero(runs):
    proc, results = runs["clean"]
    assert proc.returncode == 0
    assert all(r["error"] is None for r in results)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_pipeline_fault_on_one_note_is_an_error_line_and_the_run_goes_on(scanner, monkeypatch, jobs):
    """A bug of ours that raises on one note (here a component) costs that note only, with jobs=1 and 2."""
    targets = scanner.nlp.get_pipe("cptscan_targets")
    original = type(targets).__call__

    def faulty(self, doc):
        if "FAULT-TRIGGER" in doc.text:
            raise IndexError("simulated component fault")
        return original(self, doc)

    monkeypatch.setattr(type(targets), "__call__", faulty)
    records = [{"note_id": "OK-a", "text": POSITIVE, "date_of_service": "2026-02-10", "chart_id": "C1"},
               {"note_id": "FAULT", "text": POSITIVE + "\nFAULT-TRIGGER", "date_of_service": "2026-02-10", "chart_id": "C1"},
               {"note_id": "OK-b", "text": BURN}]
    results = list(scanner.scan(records, jobs=jobs))
    assert [r["note_id"] for r in results] == ["OK-a", "FAULT", "OK-b"]
    fault = results[1]
    assert fault["error"]["code"] == "internal_error" and "IndexError" in fault["error"]["message"]
    assert fault["chart_id"] == "C1" and fault["date_of_service"] == "2026-02-10" and not fault["codes"]
    assert "FAULT-TRIGGER" not in fault["error"]["message"]
    assert results[0]["codes"] and results[2]["codes"] and results[0]["error"] is None
