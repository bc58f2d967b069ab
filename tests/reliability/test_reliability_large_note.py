"""A 5 MB note goes through ``cptscan scan`` in bounded memory (peak RSS of the scanning process).

The memory bound is a safety check (a leak or a copy per token would blow it), not a timing assertion.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest

from reliability_support import CPTSCAN, ROOT, read_results, write_lines

RSS_LIMIT_MB = 1536
SIZE = 5_000_000
FILLER = ("Patient seen in clinic for follow-up of hypertension and hyperlipidemia. Blood pressure is well "
          "controlled on the current regimen. No chest pain, dyspnea, or palpitations reported. Denies "
          "syncope. Lungs clear, heart regular. Continue current medications and diet counselling.\n")
SERVICE = ("\nIMPRESSION: The CCTA data set was analyzed with Cleerly AI-based quantitative plaque analysis. "
           "My interpretation: moderate non-calcified plaque in the proximal LAD.\n")
# no word any anchor rule needs: the gate lets the pipeline skip it
QUIET_FILLER = "Seen today. Doing well overall. Eats and sleeps normally. Walks daily. Next visit in six months.\n"


def big_note(filler: str, mention: str = "") -> str:
    body = filler * (SIZE // len(filler))
    mid = body.find("\n", len(body) // 2) + 1
    return body[:mid] + mention + body[mid:]


def scan_peak_rss(tmp_path, text: str, timeout: float, *args: str) -> tuple[int, float, list[dict]]:
    """Exit status, peak RSS in MB of the ``cptscan scan`` process, and its results."""
    notes = write_lines(tmp_path / "big.jsonl", [{"note_id": "BIG-1", "date_of_service": "2026-02-10", "text": text}])
    out = tmp_path / "big.out.jsonl"
    proc = subprocess.Popen([CPTSCAN, "scan", str(notes), "-o", str(out), "-q", *args], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            os.wait4(proc.pid, 0)
            raise TimeoutError(f"scanning a {len(text):,}-character note took longer than {timeout:.0f} s")
        time.sleep(0.2)
    proc.returncode = os.waitstatus_to_exitcode(status)  # already reaped; keep Popen from waiting again
    return proc.returncode, usage.ru_maxrss / 1024, read_results(out)


def test_5mb_note_without_trigger_words(tmp_path):
    """Read, validate, gate and write a 5 MB note: one result line, no error, bounded memory."""
    text = big_note(QUIET_FILLER)
    status, peak_mb, results = scan_peak_rss(tmp_path, text, timeout=300)
    assert status == 0
    assert len(results) == 1 and results[0]["error"] is None and results[0]["codes"] == []
    assert peak_mb < RSS_LIMIT_MB, f"peak RSS {peak_mb:.0f} MB"


@pytest.mark.slow
def test_5mb_note_with_one_service_mention(tmp_path):
    text = big_note(FILLER, SERVICE)
    assert len(text) > 4_900_000
    status, peak_mb, results = scan_peak_rss(tmp_path, text, timeout=900)
    assert peak_mb < RSS_LIMIT_MB, f"peak RSS {peak_mb:.0f} MB"
    assert status == 0
    assert [c["code"] for c in results[0]["codes"]] == ["75577"]
    start = text.index("Cleerly")
    assert any(m["start"] <= start < m["end"] for m in results[0]["mentions"])
