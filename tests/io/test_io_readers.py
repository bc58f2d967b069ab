"""Each reader on a small realistic file written by the test, including the bad inputs it must survive."""

import base64
import csv
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cptscan.io import detect_format, read_records

CCTA = ("EXAM: CT coronary angiography with AI-based quantitative plaque analysis.\n"
        "IMPRESSION: Non-calcified plaque volume 112 mm3. Reviewed and interpreted by me.")


def _b64(text: str, encoding: str = "utf-8") -> str:
    return base64.b64encode(text.encode(encoding)).decode("ascii")


def _docref(doc_id, text=CCTA, content_type="text/plain; charset=utf-8", **extra):
    doc = {
        "resourceType": "DocumentReference", "id": doc_id, "status": "current",
        "type": {"coding": [{"system": "http://loinc.org", "code": "18748-4",
                             "display": "Diagnostic imaging study"}]},
        "subject": {"reference": "Patient/C-001"},
        "date": "2026-03-15T09:12:00Z",
        "context": {"period": {"start": "2026-03-14T08:00:00-05:00"}},
        "content": [{"attachment": {"contentType": content_type, "data": _b64(text)}}],
    }
    doc.update(extra)
    return doc


def test_jsonl_good_malformed_and_non_utf8_lines(tmp_path):
    path = tmp_path / "notes.jsonl"
    good = {"note_id": "N-1", "chart_id": "C-1", "date_of_service": "2026-03-14",
            "note_type": "radiology_report", "text": CCTA}
    path.write_bytes(
        (json.dumps(good) + "\n").encode()
        + b'{"note_id": "N-2", "text": "unterminated\n'
        + b"\n"  # blank lines are skipped
        + b'{"note_id": "N-3", "text": "caf\xe9"}\n'
        + b'["not", "an", "object"]\n'
        + json.dumps({"note_id": "N-5", "text": "Plaque analysis declined."}).encode() + b"\n"
    )
    records = list(read_records(path))
    assert records[0] == good
    assert records[1]["_error"]["code"] == "malformed_json"
    assert "line 2" in records[1]["_error"]["message"]
    assert records[2]["_error"]["code"] == "invalid_utf8"
    assert "line 4" in records[2]["_error"]["message"]
    assert records[3]["_error"]["code"] == "malformed_json"
    assert records[4]["note_id"] == "N-5"
    assert len(records) == 5


def test_error_messages_never_carry_note_text(tmp_path):
    path = tmp_path / "notes.jsonl"
    path.write_bytes(b'{"note_id": "N-1", "text": "SECRET PATIENT NAME \xff"}\n'
                     b'{"note_id": "N-2", "text": "SECRET PATIENT NAME\n')
    for record in read_records(path):
        assert "SECRET" not in record["_error"]["message"]


def test_csv_with_column_mapping_and_a_bad_row(tmp_path):
    path = tmp_path / "export.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["DocID", "Body", "MRN", "Svc Date", "Kind", "Ignored"])
        w.writerow(["D1", CCTA + "\n\nsecond, paragraph \"quoted\"", "M-9", "2026-03-14", "radiology_report", "x"])
        w.writerow(["D2", "Burn wound imaging, no AI.", "", "", "", "y"])
    with open(path, "ab") as fh:
        fh.write(b"D3,caf\xe9 note,M-9,2026-03-15,progress_note,z\r\n")
        fh.write(b"D4,ok note,M-10,2026-03-16,progress_note,z\r\n")
    records = list(read_records(path, id_col="DocID", text_col="Body", chart_col="MRN",
                                date_col="Svc Date", type_col="Kind"))
    assert records[0] == {"note_id": "D1", "text": CCTA + "\n\nsecond, paragraph \"quoted\"",
                          "chart_id": "M-9", "date_of_service": "2026-03-14", "note_type": "radiology_report"}
    assert records[1] == {"note_id": "D2", "text": "Burn wound imaging, no AI.", "chart_id": None,
                          "date_of_service": None, "note_type": None}
    assert records[2]["note_id"] == "D3" and records[2]["_error"]["code"] == "invalid_utf8"
    assert records[3]["note_id"] == "D4" and records[3]["text"] == "ok note"


def test_csv_in_corpus_format_needs_no_mapping_and_long_fields_pass(tmp_path):
    path = tmp_path / "notes.csv"
    long_text = "Plaque analysis. " * 20000  # > the csv module's default 128 KiB field limit
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["note_id", "text", "chart_id"])
        w.writerow(["N-1", long_text, "C-1"])
    (record,) = read_records(path)
    assert record == {"note_id": "N-1", "text": long_text, "chart_id": "C-1"}


def test_csv_missing_mapped_column_fails_early(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("id,body\n1,x\n")
    with pytest.raises(ValueError, match="no column 'note_id'"):
        list(read_records(path))
    with pytest.raises(ValueError, match="no column 'MRN'"):
        list(read_records(path, id_col="id", text_col="body", chart_col="MRN"))


def test_tsv(tmp_path):
    path = tmp_path / "notes.tsv"
    path.write_text("note_id\ttext\nN-1\thello, world\n")
    assert list(read_records(path)) == [{"note_id": "N-1", "text": "hello, world"}]


def test_parquet_streams_batches_with_mapping_and_typed_columns(tmp_path):
    import datetime as dt

    path = tmp_path / "notes.parquet"
    n = 2500
    table = pa.table({
        "doc": pa.array(range(n), pa.int64()),
        "body": [f"note {i}: {CCTA}" if i % 7 else None for i in range(n)],
        "patient": [f"C-{i % 13}" for i in range(n)],
        "dos": pa.array([dt.date(2026, 3, 1 + i % 28) for i in range(n)], pa.date32()),
        "unused": ["x" * 10] * n,
    })
    pq.write_table(table, path, row_group_size=1000)
    records = list(read_records(path, id_col="doc", text_col="body", chart_col="patient", date_col="dos"))
    assert len(records) == n
    assert records[1] == {"note_id": "1", "text": f"note 1: {CCTA}", "chart_id": "C-1",
                          "date_of_service": "2026-03-02"}
    assert records[0]["text"] == ""  # a null text is an empty note, which scans to no codes
    assert "unused" not in records[5]


def test_txt_folder(tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "N-2.txt").write_text(CCTA, encoding="utf-8")
    (folder / "N-1.txt").write_text("Progress note. No imaging.", encoding="utf-8")
    (folder / "N-3.txt").write_bytes(b"latin-1 caf\xe9")
    (folder / "README.md").write_text("not a note")
    (folder / "sub").mkdir()
    (folder / "sub" / "N-9.txt").write_text("nested, ignored")
    assert detect_format(folder) == "txt"
    records = list(read_records(folder))
    assert [r["note_id"] for r in records] == ["N-1", "N-2", "N-3"]
    assert records[1]["text"] == CCTA
    assert records[2]["_error"]["code"] == "invalid_utf8"


def test_fhir_bundle(tmp_path):
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [
        {"resource": {"resourceType": "Patient", "id": "C-001"}},
        {"resource": _docref("doc-1")},
        {"resource": _docref("doc-2", content=[{"attachment": {"contentType": "application/pdf",
                                                               "data": _b64("%PDF")}}])},
        {"resource": _docref("doc-3", content=[{"attachment": {"contentType": "text/plain",
                                                               "url": "Binary/123"}}])},
        {"resource": _docref("doc-4", text="Wound photo with multispectral imaging.",
                             type={"text": "Wound care progress note"}, context={}, date="2026-04-02")},
        {"resource": _docref("doc-5", relatesTo=[{"code": "appends", "target": {"reference": "DocumentReference/doc-1"}}])},
        {"resource": _docref("doc-6", content=[{"attachment": {"contentType": "text/plain", "data": "@@@"}}])},
    ]}
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle, indent=2))
    assert detect_format(path) == "fhir-bundle"
    records = list(read_records(path))
    assert [r["note_id"] for r in records] == ["doc-1", "doc-2", "doc-3", "doc-4", "doc-5", "doc-6"]
    assert records[0] == {"note_id": "doc-1", "chart_id": "Patient/C-001", "date_of_service": "2026-03-14",
                          "note_type": "radiology_report", "text": CCTA}
    assert records[1]["_error"]["code"] == "unsupported_attachment"
    assert "application/pdf" in records[1]["_error"]["message"]
    assert records[2]["_error"]["code"] == "no_inline_data"
    assert records[3]["note_type"] == "wound_care_note" and records[3]["date_of_service"] == "2026-04-02"
    assert records[4]["note_type"] == "addendum"
    assert records[5]["_error"]["code"] == "invalid_base64"
    # the generic name picks Bundle vs NDJSON itself
    assert [r["note_id"] for r in read_records(path, fmt="fhir")] == [r["note_id"] for r in records]


def test_fhir_ndjson(tmp_path):
    path = tmp_path / "DocumentReference.ndjson"
    lat1 = _docref("doc-2", content=[{"attachment": {"contentType": "text/plain",
                                                     "data": base64.b64encode(b"caf\xe9").decode()}}])
    iso = _docref("doc-3", content=[{"attachment": {"contentType": "text/plain; charset=ISO-8859-1",
                                                    "data": base64.b64encode(b"caf\xe9").decode()}}])
    lines = [json.dumps(_docref("doc-1")), "{broken", json.dumps(lat1), json.dumps(iso),
             json.dumps({"resourceType": "Patient", "id": "p"}),
             json.dumps(_docref("doc-5", status="entered-in-error")),
             json.dumps({"resourceType": "DocumentReference", "content": []})]
    path.write_text("\n".join(lines) + "\n")
    assert detect_format(path) == "fhir-ndjson"
    records = list(read_records(path))
    assert records[0]["note_id"] == "doc-1" and records[0]["text"] == CCTA
    assert records[1]["_error"]["code"] == "malformed_json"
    assert records[2]["_error"]["code"] == "invalid_utf8" and records[2]["note_id"] == "doc-2"
    assert records[3]["text"] == "café"
    assert records[4]["_error"]["code"] == "entered_in_error"
    assert records[5]["_error"]["code"] == "missing_id"
    assert len(records) == 6


def test_format_detection_and_errors(tmp_path):
    plain = tmp_path / "notes.jsonl"
    plain.write_text('{"note_id": "a", "text": "b"}\n')
    assert detect_format(plain) == "jsonl"
    assert detect_format("-") == "jsonl"
    with pytest.raises(ValueError, match="cannot tell the format"):
        detect_format(tmp_path / "notes.xml")
    with pytest.raises(ValueError, match="unknown input format"):
        read_records(plain, fmt="xml")
    with pytest.raises(ValueError, match="column mapping"):
        read_records(plain, id_col="x")


def test_stdin_jsonl(monkeypatch):
    import io
    import sys

    fake = io.TextIOWrapper(io.BytesIO(b'{"note_id": "a", "text": "b"}\nnot json\n'))
    monkeypatch.setattr(sys, "stdin", fake)
    records = list(read_records("-"))
    assert records[0] == {"note_id": "a", "text": "b"}
    assert records[1]["_error"]["code"] == "malformed_json"


def test_setup_errors_raise_before_the_first_record(tmp_path):
    """The CLI reports these before scanning: read_records raises at the call, not mid-iteration."""
    with pytest.raises(FileNotFoundError):
        read_records(tmp_path / "missing.jsonl")
    path = tmp_path / "notes.csv"
    path.write_text("id,body\n1,x\n")
    with pytest.raises(ValueError, match="no column 'note_id'"):
        read_records(path)
    table = tmp_path / "notes.parquet"
    pq.write_table(pa.table({"id": ["1"], "body": ["x"]}), table)
    with pytest.raises(ValueError, match="no column 'text'"):
        read_records(table, id_col="id")
    # None values (CLI options left unset) are no mapping at all
    assert list(read_records(tmp_path / "notes.csv", id_col="id", text_col="body", chart_col=None)) == \
        [{"note_id": "1", "text": "x"}]


def test_a_deeply_nested_line_is_that_lines_error_record(tmp_path):
    path = tmp_path / "notes.jsonl"
    path.write_text(json.dumps({"note_id": "N-1", "text": CCTA}) + "\n" + '{"a": ' * 100_000 + "\n"
                    + "[" * 100_000 + "\n" + json.dumps({"note_id": "N-4", "text": CCTA}) + "\n", encoding="utf-8")
    records = list(read_records(path))
    assert [r.get("note_id") for r in records] == ["N-1", None, None, "N-4"]
    assert [r["_error"]["code"] for r in records[1:3]] == ["nested_too_deeply"] * 2
    assert "line 2" in records[1]["_error"]["message"] and "line 3" in records[2]["_error"]["message"]


def test_a_deeply_nested_fhir_bundle_is_an_error_record(tmp_path):
    path = tmp_path / "bundle.json"
    path.write_text('{"resourceType": "Bundle", "entry": ' + "[" * 100_000, encoding="utf-8")
    [record] = read_records(path)
    assert record["_error"]["code"] == "nested_too_deeply"


BOM = b"\xef\xbb\xbf"


def test_excel_csv_utf8_with_a_byte_order_mark(tmp_path):
    """Excel's "CSV UTF-8" starts with a BOM and ends rows with CRLF; the first column is still note_id."""
    path = tmp_path / "export.csv"
    path.write_bytes(BOM + b"note_id,chart_id,text\r\nN-1,C-1,CCTA with plaque analysis\r\nN-2,C-1,No imaging\r\n")
    assert [(r["note_id"], r["chart_id"]) for r in read_records(path)] == [("N-1", "C-1"), ("N-2", "C-1")]


def test_jsonl_and_fhir_with_a_byte_order_mark_keep_their_first_record(tmp_path, monkeypatch):
    lines = [{"note_id": "N-1", "text": CCTA}, {"note_id": "N-2", "text": CCTA}]
    path = tmp_path / "notes.jsonl"
    path.write_bytes(BOM + "".join(json.dumps(x) + "\n" for x in lines).encode())
    assert list(read_records(path)) == lines
    bundle = tmp_path / "bundle.json"
    bundle.write_bytes(BOM + json.dumps({"resourceType": "Bundle", "type": "collection",
                                         "entry": [{"resource": _docref("D-1")}]}).encode())
    assert [r["note_id"] for r in read_records(bundle)] == ["D-1"]
    folder = tmp_path / "txt"
    folder.mkdir()
    (folder / "N-9.txt").write_bytes(BOM + CCTA.encode())
    assert [r["text"] for r in read_records(folder)] == [CCTA]


def test_blank_lines_are_no_records_in_jsonl_and_csv_alike(tmp_path):
    jsonl = tmp_path / "notes.jsonl"
    jsonl.write_text('{"note_id": "N-1", "text": "a"}\n\n  \n{"note_id": "N-2", "text": "b"}\n\n', encoding="utf-8")
    table = tmp_path / "notes.csv"
    table.write_text("note_id,text\nN-1,a\n\nN-2,b\n\n", encoding="utf-8")
    assert [r["note_id"] for r in read_records(jsonl)] == [r["note_id"] for r in read_records(table)] == ["N-1", "N-2"]
