#!/usr/bin/env python3
"""Real MTSamples transcriptions as carriers for generated service paragraphs (standard library only).

The generator's notes are synthetic from the first line to the signature, so a model trained on them also
learns what *its* filler looks like. Here the surrounding note is a real transcription from MTSamples
(CC0; provenance in ``../shared/external/README.md``) and only one paragraph, composed by the generator's
scenarios (positives, gaps and hard negatives, with their phrasing families), is inserted at a section
boundary. The transcription's own sentences are labelled ``other``.

Rows: a transcription is *eligible* when it is 600-6,000 characters long and names no CT study, plaque,
perivascular or epicardial fat, burn or multispectral imaging (so the inserted paragraph alone decides the
gold). The *carrier pool* is the eligible transcriptions whose SHA-256 (of the text) falls in the lowest
quarter; rows sharing a text share its fate. ``rows.json`` lists the pool and the rows used; every row
outside the pool is left for ``benchmarks/mtsamples_fp.py`` to measure false positives fairly.

Usage::

    python corpora/carriers.py [--mtsamples PATH] [--n 320] [--seed 2026] [--out corpora/carriers]
"""

import argparse
import collections
import csv
import datetime as _dt
import hashlib
import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import generate as g  # noqa: E402

DEFAULT_MTSAMPLES = os.path.join(HERE, "..", "..", "shared", "external", "mtsamples", "mtsamples.csv")
POOL_SHARE = 25  # percent of eligible transcriptions (by text hash) that may carry a paragraph
EXCLUDE = re.compile(r"\b(ct|cta|ccta|computed tomograph\w*|plaques?|perivascular|epicardial|burns?|burned|"
                     r"multispectral|calcium scor\w*|angiogra\w*)\b", re.I)
SECTION = re.compile(r"(?<=\.)\s*,(?=[A-Z][A-Z /&-]{2,}:)")
SCENARIOS = [("75577", 22), ("0972T", 14), ("0992T", 9), ("0993T", 9), ("neg", 46)]
CARDIAC_SPECIALTIES = ("Cardio", "Consult", "SOAP", "General", "Discharge", "Office", "Letters")
BURN_SPECIALTIES = ("Surgery", "Dermatology", "Consult", "Emergency", "SOAP", "Discharge", "Office", "Orthopedic")
NOTE_TYPE = [("Discharge", "discharge_summary"), ("Consult", "consult_note"), ("Radiology", "radiology_report"),
             ("Surgery", "procedure_note"), ("Orthopedic", "procedure_note")]
HEADERS = ["ADDENDUM:", "ADDITIONAL RESULTS:", "ADDITIONAL DATA REVIEWED:", "IMAGING ANALYSIS:", "ADDENDUM TO NOTE:"]


def text_rank(text):
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest()[:8], 16) % 100


def read_rows(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return [r for r in csv.DictReader(fh) if r["transcription"].strip()]


def carrier_pool(rows):
    """Row ids whose transcription may carry a paragraph (eligible and in the pool share), in file order."""
    return [r["note_id"] for r in rows
            if 600 <= len(r["transcription"]) <= 6000 and not EXCLUDE.search(r["transcription"])
            and text_rank(r["transcription"]) < POOL_SHARE]


def draw_scenario(rng):
    x = rng.uniform(0, sum(w for _, w in SCENARIOS))
    for name, w in SCENARIOS:
        x -= w
        if x <= 0:
            return name
    return "neg"


def note_type_of(specialty):
    return next((t for key, t in NOTE_TYPE if key in specialty), "progress_note")


def carrier_note(rng, note_id, rows_by_id, free, used):
    """One carrier note: a scenario's fragments inserted as a paragraph into an unused pool transcription."""
    while True:
        scen = draw_scenario(rng)
        ctx = g.Ctx(rng, g.rand_date(rng, _dt.date(2026, 1, 1)), None)
        kind, cardiac, codes, why, _ = g.run_scenario(ctx, rng, scen)
        if kind != "admin":
            break
    wanted = CARDIAC_SPECIALTIES if cardiac else BURN_SPECIALTIES
    fits = [i for i in free if any(w in rows_by_id[i]["medical_specialty"] for w in wanted)] or free
    row = rows_by_id[g.pick(rng, fits)]
    free.remove(row["note_id"])
    used.append(row["note_id"])
    host = row["transcription"]
    cuts = [m.start() for m in SECTION.finditer(host)] + [len(host)]
    at = g.pick(rng, cuts)
    sep = g.pick(rng, ["  ", " ", "\n"])
    b = g.Builder()
    b.add(host[:at].rstrip() + "  ")
    b.add(g.pick(rng, HEADERS) + ",  ")
    for slot in ("history", "technique", "findings", "extra", "impression", "plan", "coverage"):
        for frag in ctx.slots.get(slot, []):
            b.add(frag)
            b.add(sep)
    b.add(host[at:].lstrip())
    text, spans, labels, families, kinds = g.augment(rng, b.text(), b.spans, b.char_labels(), b.char_families())
    spans = sorted(spans, key=lambda s: (s["start"], s["end"], s["label"]))
    concepts = g.check_decision(note_id, codes, spans)
    note = {"note_id": note_id, "chart_id": None, "date_of_service": ctx.dos.isoformat(),
            "note_type": note_type_of(row["medical_specialty"]), "text": text}
    gold = {"note_id": note_id, "codes": codes, "concepts": concepts, "spans": spans,
            "rationale": f"{why} (paragraph inserted into MTSamples row {row['note_id']})"}
    sents = [{"note_id": note_id, "start": s, "end": e, "label": lab, "family": fam}
             for s, e, lab, fam in g.label_sentences(text, labels, families)]
    prov = {"note_id": note_id, "split": rng.split, "families": sorted({f for f in families if f}),
            "augment": kinds, "mtsamples_row": row["note_id"], "specialty": row["medical_specialty"]}
    return note, gold, sents, prov


def build(rows, n, seed):
    rows_by_id = {r["note_id"]: r for r in rows}
    pool = carrier_pool(rows)
    free, used = list(pool), []
    rng = random.Random(seed)
    notes, golds, sents, provs = [], [], [], []
    for k in range(1, n + 1):
        nid = f"M-{k:04d}"
        note, gold, ss, pv = carrier_note(g.NoteRandom(rng.randrange(1 << 30), g.split_of(nid)), nid,
                                          rows_by_id, free, used)
        notes.append(note)
        golds.append(gold)
        sents.extend(ss)
        provs.append(pv)
    texts = {rows_by_id[i]["transcription"] for i in pool}
    rows_info = {"source": "MTSamples (CC0), ../shared/external/mtsamples/mtsamples.csv", "pool_share_percent": POOL_SHARE,
                 "pool_rows": [r["note_id"] for r in rows if r["transcription"] in texts],
                 "used_rows": sorted(used, key=int)}
    return notes, golds, sents, provs, rows_info


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mtsamples", default=DEFAULT_MTSAMPLES)
    ap.add_argument("--n", type=int, default=320)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--out", default=os.path.join(HERE, "carriers"))
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args(argv)
    notes, golds, sents, provs, rows_info = build(read_rows(a.mtsamples), a.n, a.seed)
    g.validate(notes, golds, sents)
    os.makedirs(a.out, exist_ok=True)
    for name, rows in (("notes", notes), ("gold", golds), ("sentences", sents), ("provenance", provs)):
        g.write_jsonl(os.path.join(a.out, f"{name}.jsonl"), rows)
    with open(os.path.join(a.out, "rows.json"), "w", encoding="utf-8", newline="\n") as f:
        g.json.dump(rows_info, f, indent=0)
        f.write("\n")
    st = g.compute_stats(notes, golds, sents)
    st["augment"] = dict(sorted(collections.Counter(k for p in provs for k in p["augment"] or ["none"]).items()))
    st["pool_rows"], st["used_rows"] = len(rows_info["pool_rows"]), len(rows_info["used_rows"])
    with open(os.path.join(a.out, "stats.json"), "w", encoding="utf-8", newline="\n") as f:
        g.json.dump(st, f, indent=1)
        f.write("\n")
    if not a.quiet:
        print(f"{len(notes)} carrier notes from {st['used_rows']} of {st['pool_rows']} pool rows -> {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
