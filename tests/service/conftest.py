"""A stand-in scanner with the real interface, so the service is tested on its own terms and fast."""

import pytest

from cptscan.knowledge import load_knowledge


class FakeScanner:
    """Finds 75577 when a note says 'plaque'; turns ``_error`` records into error results like the real one."""

    versions = {"cptscan": "test", "catalog": "fake", "rules": "fake", "models": {}}
    knowledge = load_knowledge()

    def scan(self, records):
        for record in records:
            yield self.result(record)

    def scan_text(self, text, note_id="x", chart_id=None, date_of_service=None, note_type=None):
        return self.result({"note_id": note_id, "text": text, "chart_id": chart_id,
                            "date_of_service": date_of_service, "note_type": note_type})

    def result(self, record):
        out = {k: record.get(k) for k in ("note_id", "chart_id", "date_of_service", "note_type")}
        out.update(codes=[], concepts=[], mentions=[], error=None, versions=self.versions)
        if "_error" in record:
            out["error"] = record["_error"]
            return out
        start = record["text"].find("plaque")
        if start >= 0:
            ev = {"start": start, "end": start + 6, "label": "CCTA_PLAQUE_ANALYSIS", "text": "plaque",
                  "assertion": "affirmed", "section": None, "rule": "fake", "modifiers": [],
                  "source": "rule", "score": 1.0}
            out["codes"] = [{"code": "75577", "status": "supported", "missing": [], "coverage_documented": None,
                             "confidence": 0.9, "elements": {"input": True, "process": True, "interpretation": True},
                             "evidence": [ev]}]
            out["concepts"] = ["CCTA_PLAQUE_ANALYSIS"]
            out["mentions"] = [ev]
        return out


@pytest.fixture
def fake_scanner():
    return FakeScanner()
