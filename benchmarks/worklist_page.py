"""How fast the worklist page filters and sorts 5,000 rows in headless Chromium, and its screenshots.

    .venv/bin/python benchmarks/worklist_page.py [--rows 5000] [--repeats 7] [--screenshots docs]

Rows and notes are generated here (synthetic notes, no corpus). Each measurement runs inside the page:
from setting the filter (or clicking a column header) to the first frame after it, so it counts the
script, style, layout and paint of the new table; the script's own part (matching, sorting, building the
first rows) is printed apart. Prints the median and worst per action, in ms.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from cptscan.worklist import build_rows, render_html

FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
SERVICES = [("75577", "Cleerly plaque analysis of the coronary CTA", "CCTA_PLAQUE_ANALYSIS"),
            ("0972T", "DeepView multispectral imaging of the burn wound", "BURN_MULTISPECTRAL_IMAGING"),
            ("0992T", "CaRi-Heart perivascular fat analysis of the prior CT", "PERIVASCULAR_FAT_ANALYSIS")]
FILLER = ("Patient seen in clinic. Vitals stable. Medications reviewed and unchanged. Chest pain on exertion "
          "for two weeks, no syncope. ")


def synthetic(n_rows: int, seed: int = 7) -> tuple[list[dict], dict[str, dict]]:
    """Reconcile output of ``n_rows`` findings over charts of one to four findings, each with its note."""
    rnd = random.Random(seed)
    charts, notes, made = [], {}, 0
    while made < n_rows:
        chart = f"CH-{len(charts):05d}"
        findings = []
        for _ in range(min(rnd.randint(1, 4), n_rows - made)):
            code, phrase, label = rnd.choice(SERVICES)
            note_id = f"N{made:05d}"
            date = f"2026-{rnd.randint(1, 11):02d}-{rnd.randint(1, 28):02d}"
            text = FILLER * rnd.randint(3, 12) + f"{phrase}. Interpretation by Dr. {rnd.choice('ABCDEFGH')}."
            notes[note_id] = {"note_id": note_id, "text": text, "note_type": "radiology_report", "date_of_service": date}
            start = text.index(phrase)
            span = {"start": start, "end": start + len(phrase), "label": label, "text": phrase,
                    "assertion": "affirmed", "rule": label.lower(), "modifiers": []}
            ftype = rnd.choice(["missed_opportunity", "unsupported_claim", "deleted_code"])
            finding = {"type": ftype, "code": "0623T" if ftype == "deleted_code" else code, "date_of_service": date,
                       "suggested": "75577" if ftype == "deleted_code" else None,
                       "missing": ["interpretation"] if ftype == "unsupported_claim" else [],
                       "reason": f"{ftype.replace('_', ' ')} for {code} on {date}",
                       "evidence": [{"note_id": note_id, "spans": [span]}]}
            findings.append(finding)
            made += 1
        charts.append({"chart_id": chart, "findings": findings})
    return charts, notes


MEASURE = """async ([kind, arg]) => {
  const t0 = performance.now();
  if (kind === "filter") {
    const box = document.getElementById("filter");
    box.value = arg;
    box.dispatchEvent(new Event("input"));
  } else {
    document.querySelector(`th[data-sort=${arg}] button`).click();
  }
  const script = performance.now() - t0;
  await new Promise(done => requestAnimationFrame(() => setTimeout(done, 0)));
  return [performance.now() - t0, script, document.getElementById("count").textContent.split(" · ")[2]];
}"""

ACTIONS = [("filter", "cleerly"), ("filter", "dr. c"), ("filter", "ch-0012"), ("filter", "zzz-nothing"),
           ("filter", ""), ("sort", "chart"), ("sort", "chart"), ("sort", "action"), ("sort", "date"), ("sort", "rank")]


def measure(page, repeats: int) -> None:
    for kind, arg in ACTIONS:
        times, scripts = [], []
        for _ in range(repeats):
            ms, script, shown = page.evaluate(MEASURE, [kind, arg])
            times.append(ms)
            scripts.append(script)
            if kind == "sort":  # a second click reverses; click back so each repeat sorts the same way
                page.evaluate(MEASURE, [kind, arg])
        print(f"{kind:6} {arg!r:14} {shown:>10}  to the next frame: median {statistics.median(times):5.1f} ms, "
              f"worst {max(times):5.1f} ms  (script alone: median {statistics.median(scripts):5.1f} ms)")


def screenshots(browser, folder: Path) -> None:
    """The wide layout in light mode and the narrow one in dark mode, a decided row open in each."""
    charts, notes = synthetic(14, seed=3)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "worklist.html"
        path.write_text(render_html(build_rows(charts), notes), encoding="utf-8")
        for name, width, scheme in (("worklist-wide.png", 1280, "light"), ("worklist-narrow.png", 800, "dark")):
            page = browser.new_page(viewport={"width": width, "height": 860}, color_scheme=scheme)
            page.goto(path.as_uri())
            for key in "jajrj":
                page.keyboard.press(key)
            page.screenshot(path=str(folder / name))
            page.close()
            print(f"wrote {folder / name}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--screenshots", type=Path, help="also write worklist-wide.png and worklist-narrow.png here")
    args = parser.parse_args()
    chromium = shutil.which("chromium")
    if chromium is None:
        print("no chromium on PATH (apt-get install chromium)", file=sys.stderr)
        return 2
    charts, notes = synthetic(args.rows)
    rows = build_rows(charts)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        path = Path(tmp) / "worklist.html"
        path.write_text(render_html(rows, notes), encoding="utf-8")
        print(f"{len(rows)} rows, {len(notes)} notes, page {path.stat().st_size / 1e6:.1f} MB")
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(path.as_uri())
        measure(page, args.repeats)
        if args.screenshots:
            screenshots(browser, args.screenshots)
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
