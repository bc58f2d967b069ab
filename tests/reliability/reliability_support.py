"""Helpers for the reliability tests: the CLI as a subprocess, notes and result files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterable, Optional

ROOT = Path(__file__).resolve().parents[2]
CPTSCAN = str(Path(sys.executable).with_name("cptscan"))
GENERATED = ROOT / "corpora" / "generated" / "notes.jsonl"

POSITIVE = ("EXAM: CT CORONARY ANGIOGRAPHY WITH AI PLAQUE ANALYSIS\n"
            "TECHNIQUE: The CCTA data set was analyzed with Cleerly AI-based quantitative plaque analysis.\n"
            "IMPRESSION: My interpretation: moderate plaque burden in the proximal LAD.")
NEGATIVE = "Cardiology clinic. Blood pressure controlled. No chest pain. Continue rosuvastatin 20 mg."
BURN = ("BURN CLINIC NOTE\nSpectral AI DeepView multispectral images of the left forearm burn were obtained today.\n"
        "DeepView result: 45% of the wound classified non-healing.\n"
        "Based on the DeepView classification, the non-healing area will be excised and grafted.")


def run_cli(*args: str, timeout: float = 300, env: Optional[dict] = None) -> subprocess.CompletedProcess:
    """``cptscan <args>`` from the venv, with stdout and stderr captured as text."""
    return subprocess.run([CPTSCAN, *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})}, cwd=ROOT)


def write_lines(path: Path, lines: Iterable[Any]) -> Path:
    """One record per line; str/bytes are written as they are (bad lines), anything else as JSON."""
    with open(path, "wb") as fh:
        for line in lines:
            if not isinstance(line, (str, bytes)):
                line = json.dumps(line, ensure_ascii=False)
            if isinstance(line, str):
                line = line.encode("utf-8")
            fh.write(line.rstrip(b"\n") + b"\n")
    return path


def read_results(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def generated_notes(n: int) -> list[dict[str, Any]]:
    """The first ``n`` notes of the generated corpus."""
    out = []
    with open(GENERATED, encoding="utf-8") as fh:
        for line in fh:
            out.append(json.loads(line))
            if len(out) == n:
                break
    return out


def evidence_spans(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Every mention and every code's evidence of a result line."""
    spans = list(result.get("mentions") or [])
    for code in result.get("codes") or []:
        spans.extend(code.get("evidence") or [])
    return spans


def children(pid: int) -> list[int]:
    """The process ids of ``pid``'s children (Linux /proc)."""
    out = []
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as fh:
            out.extend(int(c) for c in fh.read().split())
    return out
