"""The worklist page as a coder uses it, in headless Chromium driven by Playwright: sort, filter, group,
decide five rows with the keyboard alone, reload, export, and ``cptscan outcomes`` on the export; the
same page at 800 px; and hostile text everywhere staying text."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import threading
import time

import pytest

from cptscan.worklist import build_rows, read_answers, render_csv, render_html
from cptscan.worklist.render import CSV_COLUMNS

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the dev extras: pip install -e '.[dev]'")

FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]

NOTE_TEXT = {
    "A1": "CCTA today. Cleerly plaque analysis of this CCTA data set. My interpretation: mild plaque.",
    "B1": "Burn wound imaged with DeepView multispectral device; images reviewed, my read: heals.",
    "C1": "CaRi-Heart perivascular fat analysis on the prior CT. Interpreted by me.",
    "D1": "Coronary CTA; Elucid PlaqueIQ run. Report pending physician review.",
    "E1": "HeartFlow Plaque Analysis of the CCTA. Impression by the cardiologist: low risk.",
}


def _evidence(note_id, phrase, label):
    start = NOTE_TEXT[note_id].index(phrase)
    span = {"start": start, "end": start + len(phrase), "label": label, "text": phrase, "assertion": "affirmed",
            "rule": f"{label.lower()}-rule", "modifiers": []}
    return [{"note_id": note_id, "spans": [span]}]


def _finding(ftype, code, date, note_id, reason, phrase, label, **extra):
    return {"type": ftype, "code": code, "date_of_service": date, "reason": reason,
            "evidence": _evidence(note_id, phrase, label), **extra}


def _charts():
    return [
        {"chart_id": "CH-300", "findings": [
            _finding("unsupported_claim", "75577", "2026-03-02", "D1", "=75577 billed, no interpretation",
                     "Elucid PlaqueIQ", "AI_PROCESS", missing=["interpretation"]),
            _finding("missed_opportunity", "0972T", "2026-03-09", "B1", "0972T documented, not billed",
                     "DeepView multispectral", "BURN_MULTISPECTRAL_IMAGING")]},
        {"chart_id": "CH-100", "findings": [
            _finding("missed_opportunity", "75577", "2026-02-03", "A1", "75577 documented, not billed",
                     "Cleerly plaque analysis", "CCTA_PLAQUE_ANALYSIS"),
            _finding("deleted_code", "0623T", "2026-02-03", "A1", "0623T was deleted on 2025-12-31",
                     "this CCTA data set", "CARDIAC_CT_DATASET", suggested="75577")]},
        {"chart_id": "CH-200", "findings": [
            {"type": "wrong_variant", "billed": "0993T", "expected": "0992T", "date_of_service": "2026-02-20",
             "reason": "0993T billed, no heart CT that day",
             "evidence": _evidence("C1", "perivascular fat analysis", "PERIVASCULAR_FAT_ANALYSIS")}]},
        {"chart_id": "CH-400", "findings": [
            _finding("missed_opportunity", "75577", "2026-04-11", "E1", "75577 documented, not billed",
                     "HeartFlow Plaque Analysis", "CCTA_PLAQUE_ANALYSIS")]},
    ]


def _notes():
    return {nid: {"note_id": nid, "text": text, "note_type": "radiology_report"} for nid, text in NOTE_TEXT.items()}


@pytest.fixture(scope="module")
def browser(chromium):
    with sync_api.sync_playwright() as p:
        found = p.chromium.launch(executable_path=chromium, headless=True, args=FLAGS)
        yield found
        found.close()


@pytest.fixture
def worklist(tmp_path):
    rows = build_rows(_charts())
    path = tmp_path / "worklist.html"
    path.write_text(render_html(rows, _notes()), encoding="utf-8")
    return path, rows


def _open(browser, path, width, errors, fragment=""):
    context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(path.as_uri() + fragment)
    return page


def _column(page, n):
    return page.eval_on_selector_all(f"#findings tbody tr[data-id] td:nth-child({n})", "cells => cells.map(c => c.textContent)")


def _shown_ids(page):
    return page.eval_on_selector_all("#findings tbody tr[data-id]", "rows => rows.map(r => r.dataset.id)")


def _until(page, predicate, seconds=10):
    """Polls from outside: Playwright's wait_for_function evaluates strings, which the page's CSP forbids."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(predicate):
        assert time.monotonic() < deadline, predicate
        time.sleep(0.05)


def _export(page, button, target):
    with page.expect_download() as info:
        page.click(button)
    info.value.save_as(target)
    return target


def test_sort_filter_decide_reload_export_outcomes(browser, worklist, tmp_path):
    path, rows = worklist
    errors = []
    page = _open(browser, path, 1280, errors)

    # sort: chart ascending, then descending; back to priority order
    page.click("th[data-sort=chart] button")
    assert _column(page, 3) == sorted(r["chart_id"] for r in rows)
    assert page.get_attribute("th[data-sort=chart]", "aria-sort") == "ascending"
    page.click("th[data-sort=chart] button")
    assert _column(page, 3) == sorted((r["chart_id"] for r in rows), reverse=True)
    page.click("th[data-sort=rank] button")
    assert _shown_ids(page) == [r["id"] for r in rows]

    # filter: by words only in a note, only in a reason; group by chart
    page.fill("#filter", "pending physician")
    assert _shown_ids(page) == [r["id"] for r in rows if "D1" in r["evidence_notes"]]
    page.fill("#filter", "heart ct that day")
    assert _shown_ids(page) == [r["id"] for r in rows if r["type"] == "wrong_variant"]
    page.fill("#filter", "")
    page.select_option("#group", "chart_id")
    assert page.locator("#findings tbody tr.group").count() == len({r["chart_id"] for r in rows})
    page.select_option("#group", "")

    # five decisions with the keyboard only, in priority order; one edit refused, then taken; one comment
    page.locator("#filter").focus()
    page.keyboard.press("Escape")
    expected = {}
    for position, row in enumerate(rows[:5]):
        page.keyboard.press("j" if position else "n")
        assert page.evaluate("document.activeElement.dataset.id") == row["id"]
        if row["type"] == "wrong_variant":
            page.keyboard.press("e")
            page.keyboard.type("75577")
            page.keyboard.press("Enter")
            assert "not a code of this row's service" in page.text_content("#corrected-error")
            page.keyboard.press("Control+a")
            page.keyboard.type("0993T")
            page.keyboard.press("Enter")
            expected[row["id"]] = ("edited", "0993T")
        else:
            decision = "accepted" if position % 2 == 0 else "rejected"
            page.keyboard.press(decision[0])
            expected[row["id"]] = (decision, "")
        if position == 1:
            page.keyboard.press("c")
            page.keyboard.type("query sent, 2026-12-03")
            page.keyboard.press("Escape")
    assert page.text_content("#count").startswith(f"{len(rows)} findings · 5 decided")
    page.keyboard.press("?")
    assert page.locator("#help").is_visible() and "next undecided" in page.text_content("#help")
    page.keyboard.press("Escape")
    assert not page.locator("#help").is_visible()
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"  # focus is seen

    # decisions survive a reload
    page.reload()
    cells = dict(zip(_shown_ids(page), _column(page, 7)))
    assert cells[rows[0]["id"]] == "accepted"
    assert cells[rows[1]["id"]] == "rejected · comment"
    assert cells[rows[5]["id"]] == "undecided"
    page.keyboard.press("n")
    assert page.evaluate("document.activeElement.dataset.id") == rows[5]["id"]

    # the CSV export: the worklist's own columns and cells (a reason starting with '=' kept from running as a
    # spreadsheet formula, as in the CLI's CSV), with the answers filled in
    exported = _export(page, "#export-csv", tmp_path / "answered.csv")
    got = list(csv.DictReader(io.StringIO(exported.read_text(encoding="utf-8"))))
    sheet = list(csv.DictReader(io.StringIO(render_csv(rows))))
    assert tuple(got[0]) == CSV_COLUMNS
    answers = ("decision", "corrected_code", "comment")
    assert [{k: v for k, v in r.items() if k not in answers} for r in got] == \
        [{k: v for k, v in r.items() if k not in answers} for r in sheet]
    assert got[1]["comment"] == "query sent, 2026-12-03"
    assert got[1]["reason"].startswith("'=")

    # cptscan outcomes reads the export and reports the same five decisions
    done = subprocess.run([sys.executable, "-m", "cptscan", "outcomes", str(exported), "--json"], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    counts = [d for d, _ in expected.values()]
    assert report["overall"]["answered"] == 5
    assert {d: report["overall"][d] for d in ("accepted", "rejected", "edited")} == \
        {d: counts.count(d) for d in ("accepted", "rejected", "edited")}
    assert {r["id"]: (r["decision"], r["corrected_code"]) for r in read_answers(exported) if r["decision"]} == expected

    jsonl = _export(page, "#export-jsonl", tmp_path / "answered.jsonl")
    assert {r["id"]: (r["decision"], r["corrected_code"]) for r in read_answers(jsonl) if r["decision"]} == expected
    assert errors == []


def test_narrow_window_keeps_actions_and_decisions_in_view(browser, worklist):
    path, rows = worklist
    errors = []
    page = _open(browser, path, 800, errors)
    page.keyboard.press("j")
    assert page.evaluate("document.documentElement.scrollWidth") <= 800  # nothing pushed off to the side
    for selector in ("th[data-sort=action]", "th[data-sort=decision]", f"#row-{rows[0]['id']} td:nth-child(6)",
                     "#accept", "#reject", "#edit", "#clear", "#corrected", "#comment", "#export-csv"):
        item = page.locator(selector)
        item.scroll_into_view_if_needed()
        box = item.bounding_box()
        assert item.is_visible() and box["x"] >= 0 and box["x"] + box["width"] <= 800, selector
    assert "add 75577 to the claim" in _column(page, 6)
    page.keyboard.press("a")
    assert _column(page, 7)[0] == "accepted"
    assert errors == []


HOSTILE = ['</script><img src=x onerror="window.PWNED=1">', '<svg onload="window.PWNED=2">', '<!--',
           'line\u2028break</script>']


def test_hostile_text_stays_text(browser, tmp_path):
    payload = " ".join(HOSTILE)
    notes = {"H1": {"note_id": "H1", "text": "CCTA with Cleerly plaque analysis. " + payload}}
    charts = [{"chart_id": payload, "findings": [{
        "type": "unsupported_claim", "code": "75577" + HOSTILE[1], "date_of_service": "2026-02-03",
        "reason": payload, "missing": [HOSTILE[0]],
        "evidence": [{"note_id": "H1", "spans": [{"start": 10, "end": 33, "label": HOSTILE[1], "text": "Cleerly plaque analysis",
                                                   "rule": HOSTILE[0], "assertion": "affirmed",
                                                   "modifiers": [{"category": "HYPOTHETICAL", "cue": HOSTILE[2]}]}]}]}]}]
    rows = build_rows(charts)
    path = tmp_path / "hostile.html"
    path.write_text(render_html(rows, notes), encoding="utf-8")
    errors = []
    page = _open(browser, path, 1280, errors, f"#row={rows[0]['id']}")
    page.keyboard.press("c")
    page.keyboard.type(HOSTILE[1])
    page.keyboard.press("Escape")
    page.keyboard.press("e")
    page.keyboard.type(HOSTILE[0])
    page.keyboard.press("Enter")
    page.reload()
    assert page.evaluate("window.PWNED") is None
    assert page.locator("img, svg, iframe").count() == 0
    assert HOSTILE[0] in page.text_content("#where") and HOSTILE[1] in page.input_value("#comment")
    assert HOSTILE[1] in page.text_content("#finding mark .lab")
    assert errors == []


def test_long_lists_show_in_chunks_and_keys_reach_every_row(browser, tmp_path):
    charts = [{"chart_id": f"CH-{i:04d}", "findings": [_finding("missed_opportunity", "75577", "2026-05-04", "A1",
                                                                 f"75577 documented, not billed ({i})",
                                                                 "Cleerly plaque analysis", "CCTA_PLAQUE_ANALYSIS")]}
              for i in range(230)]
    rows = build_rows(charts)
    path = tmp_path / "long.html"
    path.write_text(render_html(rows, _notes()), encoding="utf-8")
    errors = []
    page = _open(browser, path, 1280, errors)
    assert len(_shown_ids(page)) == 100 and "Showing 100 of 230" in page.text_content("#more")
    page.fill("#filter", "(229)")  # the filter searches every row, not only those in the table
    assert _shown_ids(page) == [rows[-1]["id"]]
    page.fill("#filter", "")
    page.evaluate(f"location.hash = '#row={rows[228]['id']}'")  # a link to a row far down brings it in
    _until(page, f"() => document.querySelector('#row-{rows[228]['id']}.selected') !== null")
    page.keyboard.press("Escape")
    page.keyboard.press("j")
    assert page.evaluate("document.activeElement.dataset.id") == rows[229]["id"]
    page.fill("#filter", "not billed")
    assert len(_shown_ids(page)) == 100
    page.click("#more-button")
    assert len(_shown_ids(page)) >= 200  # (the end in view may already have brought in the last rows too)
    page.eval_on_selector("#list", "list => list.scrollTo(0, list.scrollHeight)")  # scrolling to the end
    _until(page, "() => document.querySelectorAll('#findings tbody tr[data-id]').length === 230")
    exported = _export(page, "#export-csv", tmp_path / "all.csv")
    assert len(list(csv.DictReader(io.StringIO(exported.read_text(encoding="utf-8"))))) == 230
    assert errors == []


def test_served_page_posts_decisions_to_the_outcomes_file(browser, tmp_path):
    uvicorn = pytest.importorskip("uvicorn")
    from cptscan.service import create_app
    from cptscan.worklist.render import page_data

    rows = build_rows(_charts())
    outcomes = tmp_path / "outcomes.jsonl"
    app = create_app(scanner=object(), worklist=page_data(rows, _notes()), outcomes=outcomes)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not (server.started and server.servers):
            assert time.monotonic() < deadline, "the service did not start"
            time.sleep(0.05)
        port = server.servers[0].sockets[0].getsockname()[1]
        errors = []
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.goto(f"http://127.0.0.1:{port}/worklist")
        for key in ("n", "a", "j", "r"):
            page.keyboard.press(key)
        _until(page, "() => document.getElementById('sync').textContent.startsWith('Saved on the service')")
        deadline = time.monotonic() + 10
        while len(outcomes.read_text().splitlines() if outcomes.exists() else []) < 2:
            assert time.monotonic() < deadline, "the decisions did not reach the outcomes file"
            time.sleep(0.05)
        answers = {r["id"]: r["decision"] for r in read_answers(outcomes)}
        assert answers == {rows[0]["id"]: "accepted", rows[1]["id"]: "rejected"}
        assert errors == []
    finally:
        server.should_exit = True
        thread.join(timeout=10)
