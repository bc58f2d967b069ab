"""scan_dataframe with the real scanner (loaded once per worker) equals the single-process scan."""

import json

import cptscan
from cptscan.spark import scan_dataframe

TEMPLATES = [
    "EXAM: CT coronary angiography.\nFINDINGS: AI-based quantitative plaque analysis was performed on the "
    "CCTA data. Total plaque volume {n} mm3.\nIMPRESSION: I personally reviewed and interpreted the plaque "
    "analysis.",
    "Progress note. Patient seen for follow-up of hypertension. No imaging today. BP {n}/80.",
    "Wound care note. Multispectral imaging of the burn on the left forearm was performed with AI analysis "
    "of healing potential. Area {n} cm2. I reviewed the images and the report.",
    "Consult note. Coronary plaque analysis was discussed but not ordered. Follow up in {n} weeks.",
    "",
]


def _notes(n=240):
    return [{"note_id": f"N-{i:04d}", "text": TEMPLATES[i % len(TEMPLATES)].format(n=i),
             "chart_id": f"C-{i % 11}", "date_of_service": f"2026-03-{1 + i % 28:02d}",
             "note_type": "radiology_report" if i % 5 == 0 else None} for i in range(n)]


def test_real_scanner_on_spark_equals_single_process(spark):
    notes = _notes()
    df = spark.createDataFrame(notes, "note_id string, text string, chart_id string, date_of_service string, "
                                      "note_type string").repartition(3)
    rows = {r.note_id: r for r in scan_dataframe(df).collect()}  # collected only to check, in the test
    expected = {r["note_id"]: r for r in cptscan.load().scan(notes)}
    assert set(rows) == set(expected) and len(rows) == len(notes)
    assert any(json.loads(r.codes) for r in rows.values())
    for note_id, want in expected.items():
        row = rows[note_id]
        assert json.loads(row.codes) == want["codes"], note_id
        assert json.loads(row.mentions) == want.get("mentions", [])
        assert row.concepts == want["concepts"]
        assert row.error_code == (want["error"] or {}).get("code")
        assert json.loads(row.versions) == want["versions"]
