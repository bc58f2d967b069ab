#!/usr/bin/env python3
"""Build a hand-written corpus (notes/gold/sentences JSONL) from a marked-up source file.

Markup inside a note's text (removed from the output text, offsets computed from the clean text):

* ``[[LAB/asr|text]]`` — a gold span. LAB: PLQ=CCTA_PLAQUE_ANALYSIS, PVF=PERIVASCULAR_FAT_ANALYSIS,
  MSI=BURN_MULTISPECTRAL_IMAGING, CT=SAME_SESSION_CT, INT=PHYSICIAN_INTERPRETATION; asr: a(ffirmed),
  n(egated), hy(pothetical), hi(storical), f(amily); ``/asr`` may be omitted (affirmed).
* ``{{x|text}}`` — the sentence label of ``text``: i=interpretation, o=software_output,
  s=service_performed (everything unmarked is ``other``). Spans may sit inside.

Header of each note (lines starting with ``=== `` and ``@``)::

    === H-001 | dos=2026-02-03 | type=radiology_report | chart=HC-1 | writer=hw-a
    @code 75577 supported
    @code 0993T gap input,interpretation cov=no
    @why one-line rationale
    ---
    text ...

``writer`` names who wrote the note (``corpora/README.md`` lists the writers); it decides the note's split
(``generate.writer_split``) and is written to ``provenance.jsonl``.

Usage: python corpora/handwritten/build.py [SOURCE] [OUTDIR]   (defaults: this folder's source.txt, this folder)
"""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from generate import CONCEPT_ORDER, CODE_ORDER, label_sentences, validate, write_jsonl, writer_split  # noqa: E402

LAB = {"PLQ": "CCTA_PLAQUE_ANALYSIS", "PVF": "PERIVASCULAR_FAT_ANALYSIS", "MSI": "BURN_MULTISPECTRAL_IMAGING",
       "CT": "SAME_SESSION_CT", "INT": "PHYSICIAN_INTERPRETATION"}
ASR = {"a": "affirmed", "n": "negated", "hy": "hypothetical", "hi": "historical", "f": "family"}
SENT = {"i": "interpretation", "o": "software_output", "s": "service_performed"}


def parse_markup(src):
    out, spans, stack, marks = [], [], [], []
    i = 0
    pos = 0
    while i < len(src):
        if src.startswith("[[", i):
            j = src.index("|", i)
            spec = src[i + 2:j]
            lab, _, asr = spec.partition("/")
            stack.append(("span", LAB[lab], ASR[asr or "a"], pos))
            i = j + 1
        elif src.startswith("{{", i) and src[i + 3] == "|":
            stack.append(("sent", SENT[src[i + 2]], None, pos))
            i += 4
        elif src.startswith("]]", i) or src.startswith("}}", i):
            kind, lab, asr, start = stack.pop()
            assert (kind == "span") == src.startswith("]]", i), f"unbalanced markup near {src[max(0, i - 40):i + 5]!r}"
            if kind == "span":
                spans.append({"start": start, "end": pos, "label": lab, "assertion": asr})
            else:
                marks.append((start, pos, lab))
            i += 2
        else:
            out.append(src[i])
            pos += 1
            i += 1
    assert not stack, stack
    return "".join(out), spans, marks


def parse_source(path):
    raw = open(path, encoding="utf-8").read()
    blocks = re.split(r"^=== ", raw, flags=re.M)[1:]
    notes, golds, sents, prov = [], [], [], []
    for blk in blocks:
        head, _, body = blk.partition("\n---\n")
        lines = head.split("\n")
        fields = [f.strip() for f in lines[0].split("|")]
        nid = fields[0]
        meta = dict(f.split("=", 1) for f in fields[1:])
        codes, why = [], ""
        for ln in lines[1:]:
            if ln.startswith("@code "):
                parts = ln.split()[1:]
                code, status = parts[0], parts[1]
                missing = []
                cov = None
                for p in parts[2:]:
                    if p.startswith("cov="):
                        cov = p[4:] == "yes"
                    else:
                        missing = p.split(",")
                codes.append({"code": code, "status": "supported" if status == "supported" else "documentation_gap",
                              "missing": missing, "coverage_documented": cov})
            elif ln.startswith("@why "):
                why = ln[5:].strip()
        body = body.rstrip("\n")
        text, spans, marks = parse_markup(body)
        spans.sort(key=lambda s: (s["start"], s["end"], s["label"]))
        codes.sort(key=lambda c: CODE_ORDER[c["code"]])
        concepts = sorted({s["label"] for s in spans if s["assertion"] == "affirmed"}, key=CONCEPT_ORDER.get)
        note = {"note_id": nid, "chart_id": meta.get("chart"), "date_of_service": meta.get("dos"),
                "note_type": meta.get("type"), "text": text}
        notes.append(note)
        if meta.get("writer"):
            prov.append({"note_id": nid, "writer": meta["writer"],
                         "split": writer_split(nid, meta.get("chart"), meta["writer"])})
        golds.append({"note_id": nid, "codes": codes, "concepts": concepts, "spans": spans, "rationale": why})
        lab = ["other"] * len(text)
        for s, e, l in marks:
            for k in range(s, e):
                lab[k] = l
        sents.extend({"note_id": nid, "start": s, "end": e, "label": l} for s, e, l, _ in label_sentences(text, lab))
    return notes, golds, sents, prov


def main(argv):
    src = argv[1] if len(argv) > 1 else os.path.join(HERE, "source.txt")
    out = argv[2] if len(argv) > 2 else HERE
    notes, golds, sents, prov = parse_source(src)
    validate(notes, golds, sents)
    if prov:
        write_jsonl(os.path.join(out, "provenance.jsonl"), prov)
    write_jsonl(os.path.join(out, "notes.jsonl"), notes)
    write_jsonl(os.path.join(out, "gold.jsonl"), golds)
    write_jsonl(os.path.join(out, "sentences.jsonl"), sents)
    print(f"{len(notes)} notes, {sum(1 for g in golds if g['codes'])} positive -> {out}")


if __name__ == "__main__":
    main(sys.argv)
