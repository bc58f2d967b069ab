"""The HTML worklist in a real headless Chromium: rows, a row opened from the URL hash, marks, no injection."""

from __future__ import annotations

import re
import subprocess

import pytest

from cptscan.worklist import advisories, build_rows, render_html

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]


def _chromium(binary, tmp_path, *args):
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
    cmd = [binary, *FLAGS, f"--user-data-dir={profile}", *args]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-1000:]
    return done.stdout


@pytest.fixture
def page(tmp_path, charts, notes):
    rows = build_rows(charts)
    path = tmp_path / "worklist.html"
    path.write_text(render_html(rows, notes, advisories(charts)), encoding="utf-8")
    return path, rows


def test_rows_and_highlights_after_opening_a_row(chromium, tmp_path, page):
    path, rows = page
    target = next(r for r in rows if r["type"] == "unsupported_claim")
    dom = _chromium(chromium, tmp_path, "--dump-dom", f"{path.as_uri()}#row={target['id']}")
    assert len(re.findall(r'<tr data-id="[0-9a-f]{12}"', dom)) == len(rows)
    [selected] = re.findall(r'<tr data-id="([0-9a-f]{12})"[^>]* class="selected"', dom)
    assert selected == target["id"]
    labels = re.findall(r'<mark data-label="([^"]+)"', dom)
    assert {"AI_PROCESS", "CARDIAC_CT_DATASET", "CCTA_PLAQUE_ANALYSIS"} <= {l for ls in labels for l in ls.split()}
    assert "AI_PROCESS CCTA_PLAQUE_ANALYSIS" in labels  # the overlap is one mark carrying both labels
    assert re.search(r'<ul class="missing" id="missing"><li>interpretation</li></ul>', dom)
    assert "Advisories" in dom and "0993T is an add-on code" in dom


def test_note_markup_stays_text(chromium, tmp_path, page):
    path, rows = page
    target = next(r for r in rows if r["type"] == "unsupported_claim")
    dom = _chromium(chromium, tmp_path, "--dump-dom", f"{path.as_uri()}#row={target['id']}")
    assert "&lt;img src=x onerror=" in dom and "&lt;/script&gt;&lt;script&gt;window.PWNED=1" in dom
    assert "<img" not in dom and "<b>bold</b>" not in dom


def test_screenshot(chromium, tmp_path, page):
    path, rows = page
    shot = tmp_path / "worklist.png"
    _chromium(chromium, tmp_path, f"--screenshot={shot}", "--window-size=1400,900", f"{path.as_uri()}#row={rows[0]['id']}")
    assert shot.exists() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
