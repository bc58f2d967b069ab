"""scan_dataframe on a local[2] cluster gives exactly the single-process scan, row for row."""

import datetime as dt
import json
import sys

from pyspark import cloudpickle

from cptscan.spark import OUTPUT_DDL, scan_dataframe

# Workers cannot import this test module: ship its functions (the fake scanner factory) by value.
cloudpickle.register_pickle_by_value(sys.modules[__name__])

N = 300


def fake_factory():
    """Built on each worker, like ``cptscan.load`` would be."""

    class Fake:
        versions = {"cptscan": "test"}

        def scan(self, records):
            import os

            for r in records:
                codes = []
                if "plaque" in r["text"]:
                    codes = [{"code": "75577", "status": "supported", "missing": [], "coverage_documented": None,
                              "confidence": 0.9, "elements": {}, "evidence": []}]
                if "burn" in r["text"]:
                    codes.append({"code": "0992T", "status": "needs_review", "missing": [],
                                  "coverage_documented": False, "confidence": 0.3, "elements": {},
                                  "evidence": []})
                yield {"note_id": r["note_id"], "chart_id": r["chart_id"],
                       "date_of_service": r["date_of_service"], "note_type": r["note_type"], "codes": codes,
                       "concepts": ["CCTA_PLAQUE_ANALYSIS"] if codes else [], "mentions": [],
                       "error": None if r["text"] else {"code": "empty_text", "message": "no text"},
                       "versions": dict(self.versions, pid=os.getpid())}

    return Fake()


def _notes():
    texts = ["CCTA with AI plaque analysis, interpreted.", "Progress note, no imaging.",
             "Multispectral burn imaging of the left arm.", "plaque and burn", None]
    return [(f"N-{i:04d}", texts[i % len(texts)], f"C-{i % 17}", dt.date(2026, 3, 1 + i % 28),
             "radiology_report" if i % 3 else None) for i in range(N)]


def _by_id(rows):
    return {r["note_id"]: r for r in rows}


def test_scan_dataframe_matches_single_process(spark):
    df = spark.createDataFrame(_notes(), "doc string, body string, mrn string, dos date, kind string") \
              .repartition(4)
    out = scan_dataframe(df, id_col="doc", text_col="body", chart_col="mrn", date_col="dos", type_col="kind",
                         scanner_factory=fake_factory)
    assert out.schema.simpleString() == spark.createDataFrame([], OUTPUT_DDL).schema.simpleString()
    rows = [r.asDict() for r in out.collect()]  # collected only to check, in the test
    assert len(rows) == N

    local = fake_factory()
    records = [{"note_id": i, "text": t or "", "chart_id": c, "date_of_service": d.isoformat(), "note_type": k}
               for i, t, c, d, k in _notes()]
    expected = _by_id(local.scan(records))
    got = _by_id(rows)
    assert set(got) == set(expected)
    pids = set()
    for note_id, want in expected.items():
        row = got[note_id]
        assert json.loads(row["codes"]) == want["codes"]
        assert row["concepts"] == want["concepts"]
        assert (row["chart_id"], row["date_of_service"], row["note_type"]) == \
            (want["chart_id"], want["date_of_service"], want["note_type"])
        assert row["error_code"] == (want["error"] or {}).get("code")
        assert row["candidate_codes"] == [c["code"] for c in want["codes"] if c["status"] != "needs_review"]
        pids.add(json.loads(row["versions"])["pid"])
    assert len(pids) <= 2  # one scanner per Python worker, however many tasks and batches


def test_corpus_format_columns_need_no_mapping(spark):
    df = spark.createDataFrame([("N-1", "plaque", "C-1", "2026-03-14")],
                               "note_id string, text string, chart_id string, date_of_service string")
    (row,) = scan_dataframe(df, scanner_factory=fake_factory).collect()
    assert row.note_id == "N-1" and row.date_of_service == "2026-03-14" and row.note_type is None
    assert row.candidate_codes == ["75577"]
