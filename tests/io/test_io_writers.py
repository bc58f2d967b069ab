"""Writers round-trip results; JSONL lines are whole even when the writer is killed mid-run."""

import csv
import json
import signal
import subprocess
import sys
import textwrap

import pyarrow.parquet as pq
import pytest

from cptscan.io import open_writer, read_records, write_results

EVIDENCE = {"start": 0, "end": 24, "label": "CCTA_PLAQUE_ANALYSIS", "text": "AI-based plaque analysis",
            "assertion": "affirmed", "section": "impression", "rule": "plaque_ai",
            "modifiers": [{"category": "NEGATED_EXISTENCE", "cue": "no"}], "source": "rule", "score": 1.0}
RESULTS = [
    {"note_id": "N-1", "chart_id": "C-1", "date_of_service": "2026-03-14", "note_type": "radiology_report",
     "codes": [{"code": "75577", "status": "supported", "missing": [], "coverage_documented": None,
                "confidence": 0.93, "elements": {"input": True, "process": True, "interpretation": True},
                "evidence": [EVIDENCE]},
               {"code": "0993T", "status": "documentation_gap", "missing": ["interpretation"],
                "coverage_documented": False, "confidence": 0.61,
                "elements": {"input": True, "process": True, "interpretation": False}, "evidence": []}],
     "concepts": ["CCTA_PLAQUE_ANALYSIS", "SAME_SESSION_CT"], "mentions": [EVIDENCE], "error": None,
     "versions": {"cptscan": "0.1.0", "catalog": "abc", "rules": "def", "models": {"m": "123"}}},
    {"note_id": "N-2", "chart_id": None, "date_of_service": None, "note_type": None, "codes": [],
     "concepts": [], "mentions": [], "error": None, "versions": {"cptscan": "0.1.0"}},
    {"note_id": None, "codes": [], "concepts": [], "error": {"code": "malformed_json", "message": "line 3"},
     "versions": {"cptscan": "0.1.0"}},
]


def test_jsonl_round_trip(tmp_path):
    path = tmp_path / "results.jsonl"
    assert write_results(RESULTS, path) == 3
    assert list(read_records(path)) == RESULTS


def test_jsonl_to_stdout(capfdbinary):
    with open_writer("-") as writer:
        writer.write(RESULTS[1])
    assert json.loads(capfdbinary.readouterr().out) == RESULTS[1]


def test_csv_one_row_per_code_and_error_rows(tmp_path):
    path = tmp_path / "results.csv"
    write_results(RESULTS, path)
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["note_id"], r["code"]) for r in rows] == [("N-1", "75577"), ("N-1", "0993T"), ("N-2", ""), ("", "")]
    assert rows[0]["evidence"] == "CCTA_PLAQUE_ANALYSIS: AI-based plaque analysis"
    assert rows[1]["missing"] == "interpretation" and rows[1]["coverage_documented"] == "False"
    assert rows[0]["concepts"] == "CCTA_PLAQUE_ANALYSIS;SAME_SESSION_CT"
    assert rows[3]["error_code"] == "malformed_json"


def test_parquet_round_trip_in_batches(tmp_path):
    path = tmp_path / "results.parquet"
    many = [dict(RESULTS[i % 3], note_id=f"N-{i}") for i in range(2500)]
    write_results(many, path)
    pf = pq.ParquetFile(path)
    assert pf.metadata.num_rows == 2500 and pf.num_row_groups == 3
    rows = pf.read().to_pylist()
    assert rows[0]["codes"][0]["evidence"][0] == EVIDENCE
    assert rows[0]["codes"][1]["elements"] == RESULTS[0]["codes"][1]["elements"]
    assert json.loads(rows[0]["versions"]) == RESULTS[0]["versions"]
    assert rows[2]["error"] == {"code": "malformed_json", "message": "line 3"}
    assert rows[2]["mentions"] is None


def test_writer_format_errors(tmp_path):
    with pytest.raises(ValueError, match="cannot tell the output format"):
        open_writer(tmp_path / "out.xlsx")
    with pytest.raises(ValueError, match="unknown output format"):
        open_writer(tmp_path / "out", fmt="xlsx")
    with pytest.raises(ValueError, match="stdout"):
        open_writer("-", fmt="parquet")


def test_killed_jsonl_writer_leaves_only_whole_lines(tmp_path):
    """A writer killed while writing large lines leaves a file whose every line parses."""
    path = tmp_path / "results.jsonl"
    script = textwrap.dedent(f"""
        import sys
        from cptscan.io import open_writer
        big = "x" * 200_000
        with open_writer({str(path)!r}) as w:
            i = 0
            while True:
                w.write({{"note_id": str(i), "codes": [], "pad": big}})
                i += 1
                if i == 3:
                    print("ready", flush=True)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    data = path.read_bytes()
    lines = data.split(b"\n")
    assert lines[-1] == b""  # the file ends on a newline: no torn tail
    assert len(lines) > 3
    for line in lines[:-1]:
        json.loads(line)


def test_jsonl_append_continues_a_file(tmp_path):
    path = tmp_path / "results.jsonl"
    write_results(RESULTS[:1], path)
    with open_writer(path, append=True) as writer:
        writer.write(RESULTS[1])
    assert list(read_records(path)) == RESULTS[:2]
    with pytest.raises(ValueError, match="append"):
        open_writer(tmp_path / "r.csv", append=True)


def test_output_format_defaults_to_jsonl(tmp_path):
    from cptscan.io.writers import output_format

    assert output_format(tmp_path / "results") == "jsonl"
    assert output_format(tmp_path / "tmp.mmzV8fBPaV") == "jsonl"  # what mktemp names look like
    assert output_format(tmp_path / "results.csv") == "csv"


HELD_CTRL_C = textwrap.dedent("""
    import signal, threading, time
    from cptscan.io.writers import _sigint_held
    release = threading.Event()
    helper = threading.Thread(target=release.wait)
    helper.start()
    done = False
    try:
        with _sigint_held():
            signal.pthread_kill(helper.ident, signal.SIGINT)  # the OS gives the Ctrl-C to another thread
            deadline = time.monotonic() + 0.3
            while time.monotonic() < deadline:  # bytecode runs: where Python raises a pending interrupt
                pass
            done = True  # the record and its count
    except KeyboardInterrupt:
        print("interrupted after the record" if done else "interrupted inside the record")
    finally:
        release.set()
        helper.join()
""")


def test_a_ctrl_c_another_thread_takes_waits_until_the_record_and_its_count_are_done():
    """With --jobs the OS may hand SIGINT to a queue's feeder thread; the record being written must still be
    counted before the interrupt is raised (else the stop message disagrees with the file). In a fresh
    process: the test runner's own signal set-up must not decide it."""
    proc = subprocess.run([sys.executable, "-c", HELD_CTRL_C], capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip() == "interrupted after the record", proc.stderr
