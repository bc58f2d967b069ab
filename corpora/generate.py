#!/usr/bin/env python3
"""Seeded generator of cptscan's synthetic training corpus (standard library only).

Every note is built by concatenating text *fragments*. Each fragment carries

* a sentence label (``interpretation``, ``software_output``, ``service_performed`` or ``other``) that the
  generator knows because it chose the fragment for that role, and
* zero or more gold spans (``label``, ``assertion``) located inside the fragment,

so the gold character offsets and the sentence labels are exact by construction (and are asserted
again before anything is written). The coding decision of every note (codes, status, missing
elements, coverage) is fixed *before* its text is written, following ``../shared/spec/coding-rules.md``,
and the text is then composed so that exactly those elements are (or are not) documented.

Usage::

    python corpora/generate.py                    # seed 2026, n=1600, out corpora/generated/
    python corpora/generate.py --seed 7 --n 200 --out /tmp/x --no-splits

Outputs in ``--out``: ``notes.jsonl``, ``gold.jsonl``, ``sentences.jsonl`` and ``stats.json`` (counts
per code/status/missing/coverage/assertion/note type). Unless ``--no-splits`` is given, the
generator also (re)writes ``corpora/splits.json`` covering the generated and hand-written notes.
All notes are fictional.
"""

from __future__ import annotations

import argparse
import collections
import datetime as _dt
import hashlib
import json
import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

LABELS = ("CCTA_PLAQUE_ANALYSIS", "PERIVASCULAR_FAT_ANALYSIS", "BURN_MULTISPECTRAL_IMAGING",
          "SAME_SESSION_CT", "PHYSICIAN_INTERPRETATION")
CONCEPT_ORDER = {lab: i for i, lab in enumerate(LABELS)}
CODE_ORDER = {"75577": 0, "0972T": 1, "0992T": 2, "0993T": 3}
SENT_LABELS = ("interpretation", "software_output", "service_performed", "other")
CAT3 = {"0972T", "0992T", "0993T"}

# --------------------------------------------------------------------------------------------------
# sentence splitting (shared with the hand-written corpus builder and usable at inference time)
# --------------------------------------------------------------------------------------------------
_ABBREV = {"dr", "mr", "mrs", "ms", "vs", "e.g", "i.e", "approx", "st", "no", "pt", "fig", "etc"}
_BOUNDARY = re.compile(r"\n|(?<=[.!?])[ \t]+")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Split on newlines and on whitespace after ``.``/``!``/``?`` (not after common abbreviations).

    Returns (start, end) offsets of non-empty, whitespace-stripped segments.
    """
    out = []
    start = 0

    def emit(s, e):
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))

    for m in _BOUNDARY.finditer(text):
        if m.group() != "\n":
            prev = text[start:m.start()]
            w = re.search(r"(\S+)\.$", prev)
            if w and w.group(1).lower().lstrip("(") in _ABBREV:
                continue
        emit(start, m.start())
        start = m.end()
    emit(start, len(text))
    return out


def label_sentences(text: str, char_labels: list[str], char_families=None) -> list[tuple[int, int, str, str]]:
    """Give every segment the label of its fragments: the non-``other`` label covering most of its
    non-space characters, when that covers at least 40% of them; otherwise ``other``. The segment's family
    is the phrasing family covering most of its characters (None when none does)."""
    res = []
    for s, e in split_sentences(text):
        cnt = collections.Counter(char_labels[i] for i in range(s, e) if not text[i].isspace())
        total = sum(cnt.values()) or 1
        best = "other"
        cands = [(n, lab) for lab, n in cnt.items() if lab != "other"]
        if cands:
            n, lab = max(cands, key=lambda t: (t[0], t[1]))
            if n / total >= 0.4:
                best = lab
        fams = collections.Counter(char_families[i] for i in range(s, e)
                                   if char_families and char_families[i] and not text[i].isspace())
        res.append((s, e, best, min(fams, key=lambda f: (-fams[f], f)) if fams else None))
    return res


# --------------------------------------------------------------------------------------------------
# fragments
# --------------------------------------------------------------------------------------------------
class S:
    """A text fragment with its sentence label, gold spans [(substring, LABEL, assertion)] and the phrasing
    family of its wording (None for filler and fixed text)."""

    __slots__ = ("text", "label", "spans", "family")

    def __init__(self, text, label="other", spans=()):
        self.text = text
        self.label = label
        self.spans = list(spans)
        self.family = getattr(text, "family", None)


def sp(text, label, assertion="affirmed", sent="other", sub=None):
    """A fragment whose gold span is ``sub`` (default: the text without a trailing period)."""
    if sub is None:
        sub = text.rstrip(". ")
    return S(text, sent, [(sub, label, assertion)])


class Builder:
    def __init__(self):
        self.parts: list[str] = []
        self.pos = 0
        self.spans: list[dict] = []
        self.frags: list[tuple[int, int, str, str]] = []

    def add(self, frag):
        if isinstance(frag, str):
            frag = S(frag)
        start = self.pos
        for sub, lab, asr in frag.spans:
            i = frag.text.find(sub)
            if i < 0:
                raise AssertionError(f"span text {sub!r} not in fragment {frag.text!r}")
            self.spans.append({"start": start + i, "end": start + i + len(sub), "label": lab,
                               "assertion": asr})
        self.parts.append(frag.text)
        self.pos += len(frag.text)
        self.frags.append((start, self.pos, frag.label, frag.family))

    def text(self):
        return "".join(self.parts)

    def char_labels(self):
        lab = ["other"] * self.pos
        for s, e, l, _ in self.frags:
            for i in range(s, e):
                lab[i] = l
        return lab

    def char_families(self):
        fam = [None] * self.pos
        for s, e, _, f in self.frags:
            for i in range(s, e):
                fam[i] = f
        return fam


# --------------------------------------------------------------------------------------------------
# vocabulary
# --------------------------------------------------------------------------------------------------
DOCS = ["Dr. Varnell", "Dr. Osei-Lang", "Dr. Quist", "Dr. Marchetti", "Dr. Halvorsen", "Dr. Ibarra-Coyle",
        "Dr. Nakagawa-Reed", "Dr. Pemberton", "Dr. Adeyemi-Frost", "Dr. Lindqvist", "Dr. Sauvé", "Dr. Tomczak"]
NURSES = ["K. Draper, RN", "M. Ostrowski, RN", "L. Fennimore, RN", "J. Abara, BSN RN", "T. Welles, RN, CWS"]
NPS = ["A. Rourke, PA-C", "S. Kettering, NP", "B. Mwangi, ACNP"]
PAYERS = ["Summit Health Plan", "Bluewater Mutual", "Meridian Care Advantage", "Medicare (traditional)",
          "Keystone Commercial PPO", "Northgate HMO"]

PLAQUE_VENDORS = ["Cleerly", "Cleerly LABS", "HeartFlow Plaque Analysis", "Elucid PlaqueIQ",
                  "PlaqueSight AI", "CoroQuant Plaque", "Arteriq AI-QCT"]
PLAQUE_GENERIC = ["augmentative software", "AI-based quantitative plaque analysis software",
                  "a machine-learning plaque quantification algorithm", "FDA-cleared AI plaque analysis software",
                  "automated AI coronary plaque analysis", "AI-QCT software", "deep-learning plaque analysis software"]
PVAT_VENDORS = ["Caristo CaRi-Heart", "CaRi-Heart", "CaRi-Heart (Caristo Diagnostics)", "FatScope CV",
                "PeriVasc AI", "CaRi-Heart analysis platform"]
PVAT_GENERIC = ["augmentative software analysis of pericoronary adipose tissue",
                "AI-based perivascular fat attenuation analysis software",
                "a machine-learning algorithm for the perivascular fat attenuation index",
                "augmentative software (FAI mapping)"]
BURN_VENDORS = ["Spectral AI DeepView", "DeepView", "the DeepView Wound Imaging System", "DeepView SnapShot",
                "BurnSight MSI", "WoundSpectra AI"]
BURN_GENERIC = ["an algorithmic multispectral imaging device", "an AI-assisted multispectral burn imaging system",
                "the algorithmic burn-healing classifier", "a machine-learning multispectral imaging device"]

CCTA_NAMES = ["coronary CTA", "CCTA", "coronary CT angiography", "cor CTA", "CT coronary angiogram", "cardiac CTA"]
BURN_SITES = ["left forearm", "right forearm", "anterior chest", "right thigh", "left thigh", "dorsal left hand",
              "right lower leg", "left flank", "posterior right shoulder", "left anterior thigh", "abdomen",
              "right upper arm", "left foot dorsum", "neck and upper chest"]
MECHS = ["scald (hot water)", "grease burn", "flame burn (BBQ flare-up)", "contact burn (exhaust pipe)",
         "scald from soup", "flash burn", "steam burn", "hot oil spill at work"]
ARTERIES = ["proximal LAD", "mid LAD", "proximal RCA", "mid RCA", "proximal LCx", "OM1", "D1", "distal RCA", "left main"]

MEDS = ["atorvastatin 40 mg daily", "rosuvastatin 20 mg daily", "aspirin 81 mg daily", "metoprolol succinate 25 mg daily",
        "lisinopril 10 mg daily", "amlodipine 5 mg daily", "metformin 1000 mg BID", "empagliflozin 10 mg daily",
        "ezetimibe 10 mg daily", "levothyroxine 75 mcg daily", "omeprazole 20 mg daily", "sertraline 50 mg daily",
        "apixaban 5 mg BID", "hydrochlorothiazide 25 mg daily", "gabapentin 300 mg TID", "oxycodone 5 mg q6h PRN",
        "acetaminophen 1 g q8h", "silver sulfadiazine topical", "tamsulosin 0.4 mg qHS", "insulin glargine 18 units qHS",
        "semaglutide 0.5 mg weekly", "clopidogrel 75 mg daily", "colchicine 0.5 mg daily", "losartan 50 mg daily"]
PMH = ["hypertension", "hyperlipidemia", "type 2 diabetes", "GERD", "obesity (BMI 33)", "hypothyroidism",
       "former smoker (20 pack-years)", "OSA on CPAP", "CKD stage 3a", "osteoarthritis", "depression",
       "paroxysmal atrial fibrillation", "psoriasis", "migraine", "BPH", "asthma", "premature family history of CAD"]
ROS_LINES = [
    "ROS: Constitutional: no fever, chills or weight loss. CV: see HPI. Resp: no cough or wheeze. GI: no nausea, "
    "vomiting, or melena. GU: no dysuria. Neuro: no focal weakness. Psych: mood stable.",
    "Review of systems negative except as noted in HPI; 12-point ROS otherwise reviewed and negative.",
    "ROS: denies orthopnea, PND, palpitations, syncope. Mild DOE with 2 flights of stairs. No claudication.",
    "ROS - Gen: fatigue. HEENT: neg. CV: occasional chest tightness. Pulm: neg. GI: mild reflux. MSK: knee pain. Skin: neg.",
]
EXAMS = [
    "Vitals: BP 138/84, HR 72, RR 14, SpO2 98% RA, BMI 31.2.\nGen: NAD. CV: RRR, no murmurs. Lungs: CTAB. Ext: no edema.",
    "BP 124/78 | HR 66 | SpO2 97% | Wt 88 kg\nHeart regular, S1 S2 normal, no m/r/g. Lungs clear. No JVD. Pulses 2+ throughout.",
    "VS stable, afebrile. Well-appearing. Cardiac exam: regular rhythm, soft 1/6 SEM at RUSB. Lungs clear bilaterally.",
    "T 36.8 HR 81 BP 142/90 SpO2 96%. Alert, oriented. Neck supple, no bruits. Abdomen soft, NT. No peripheral edema.",
]
LABS = [
    "Labs (last week): LDL 142 mg/dL, HDL 38, TG 210, A1c 7.4%, Cr 1.1, eGFR 68, hs-CRP 3.8 mg/L.",
    "Lipids: TC 231, LDL-C 156, HDL 44, TG 155. Lp(a) 112 nmol/L. A1c 5.9%. TSH 2.1.",
    "CBC wnl. BMP: Na 139, K 4.2, Cr 0.9. Lipid panel: LDL 98 on statin. hs-CRP 1.2.",
    "Recent labs: Hgb 13.8, Plt 241, LDL 121, non-HDL 150, ApoB 118, A1c 6.2.",
]
SOCIAL = ["Social: married, works as a bus driver, drinks 2-3 beers/week, never smoker.",
          "SH: retired teacher, lives with spouse, quit smoking 2009, no illicit drugs.",
          "Social hx: warehouse worker, 1 ppd x 15 yrs, trying to quit; occasional EtOH.",
          "Lives alone, independent in ADLs, walks 30 min most days."]
CARDIAC_INDICATIONS = ["atypical chest pain, intermediate pre-test likelihood", "chest pain, rule out CAD",
                       "abnormal stress test, equivocal anterior defect", "dyspnea on exertion, risk stratification",
                       "strong family history of premature CAD, statin decision", "elevated Lp(a), asymptomatic, risk assessment",
                       "preoperative evaluation before TAVR", "known nonobstructive CAD, reassessment"]
BURN_FILLER = [
    "Wound bed pink-red with mixed areas of mottled white; capillary refill sluggish centrally.",
    "Blisters debrided at bedside. Moderate serous drainage. No purulence or cellulitis.",
    "Pain controlled with scheduled acetaminophen and PRN oxycodone before dressing changes.",
    "Tetanus up to date. Tolerating diet. Ambulating independently.",
    "Dressing: silver alginate with bulky gauze, changed every 3 days.",
    "Periwound intact. Edges well defined. Eschar absent.",
    "Photographs taken for the wound record per unit protocol.",
]


def ordinal(n):
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def pick(rng, seq):
    return seq[rng.randrange(len(seq))]


# --------------------------------------------------------------------------------------------------
# phrasing families: every alternative wording of a labelled sentence is a family ``key#i``. Each family
# belongs to exactly one split, so validation notes are written only in wordings no training note uses.
# --------------------------------------------------------------------------------------------------
VALIDATION_SHARE = 0.3


class NoteRandom(random.Random):
    """The random source of one note, knowing the note's split so that phrasing follows it."""

    def __init__(self, seed, split="train"):
        super().__init__(seed)
        self.split = split


class Phrase(str):
    """A chosen wording that remembers its family (kept by ``S`` and written to sentences.jsonl)."""

    family = None

    def __new__(cls, text, family):
        obj = super().__new__(cls, text)
        obj.family = family
        return obj


def _rank(key, i):
    return hashlib.sha256(f"{key}#{i}".encode("utf-8")).hexdigest()


def family_split(key, i, n):
    """``train`` or ``validation`` for alternative ``i`` of ``n``: the ~30% with the lowest hash are held
    out (at least one, never all); a key with one wording is ``shared`` (used by both splits)."""
    if n < 2:
        return "shared"
    held = max(1, min(n - 1, round(n * VALIDATION_SHARE)))
    order = sorted(range(n), key=lambda j: _rank(key, j))
    return "validation" if i in order[:held] else "train"


def variant(rng, key, n):
    """Index of the wording of ``key`` to use, drawn among the families of the note's split."""
    split = getattr(rng, "split", "train")
    allowed = [i for i in range(n) if family_split(key, i, n) in (split, "shared")]
    return allowed[rng.randrange(len(allowed))]


def phrase(rng, key, opts):
    """One wording of ``opts`` from the note's split, tagged with its family id ``key#i/n`` (wording i of n)."""
    i = variant(rng, key, len(opts))
    family = f"{key}#{i}/{len(opts)}"
    if isinstance(opts[i], list):
        return [Phrase(t, family) for t in opts[i]]
    return Phrase(opts[i], family)


def typo(rng, s, p=0.25):
    """Occasionally swap two letters inside one longer word (filler text only)."""
    if rng.random() > p:
        return s
    words = s.split(" ")
    idx = [i for i, w in enumerate(words) if len(w) > 5 and w.isalpha()]
    if not idx:
        return s
    i = pick(rng, idx)
    w = words[i]
    j = rng.randrange(1, len(w) - 2)
    words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2:]
    return " ".join(words)


def fmt_date(d: _dt.date, rng=None, style=None):
    style = style if style is not None else (rng.randrange(3) if rng else 0)
    if style == 0:
        return d.isoformat()
    if style == 1:
        return f"{d.month}/{d.day}/{d.year}"
    return f"{d.month:02d}/{d.day:02d}/{str(d.year)[2:]}"


# --------------------------------------------------------------------------------------------------
# content for each service: returns slot -> list of fragments
# slots: indication, technique, findings, impression, plan, history, coverage, extra
# --------------------------------------------------------------------------------------------------
class Ctx:
    def __init__(self, rng, dos, note_type):
        self.rng = rng
        self.dos = dos
        self.note_type = note_type
        self.slots = collections.defaultdict(list)
        self.concepts_expected = set()
        self.ct_named = False  # the note mentions a heart CT at all
        self.no_ct_words = False  # input-gap notes must not name any cardiac CT data set
        self.no_imaging_words = False  # 0972T input-gap notes must not mention wound images

    def put(self, slot, *frags):
        self.slots[slot].extend(frags)

    def prior(self, lo=5, hi=400):
        return self.dos - _dt.timedelta(days=self.rng.randint(lo, hi))


def plaque_results(rng):
    tpv = rng.randint(90, 1400)
    ncp = int(tpv * rng.uniform(0.15, 0.7))
    lap = int(ncp * rng.uniform(0.01, 0.12))
    cp = tpv - ncp
    pav = round(tpv / rng.uniform(70, 160), 1)
    sten = rng.choice([20, 25, 30, 38, 45, 52, 60, 68, 74])
    art = pick(rng, ARTERIES)
    pct = rng.randint(20, 99)
    stage = 1 if tpv < 250 else 2 if tpv < 750 else 3
    style = variant(rng, "plaque.output", 3)
    if style == 0:
        lines = [f"Total plaque volume: {tpv} mm3 ({ordinal(pct)} percentile for age/sex)",
                 f"Non-calcified plaque volume: {ncp} mm3", f"Low-density non-calcified plaque: {lap} mm3",
                 f"Calcified plaque volume: {cp} mm3", f"Percent atheroma volume: {pav}%",
                 f"Maximum diameter stenosis: {sten}% ({art})"]
    elif style == 1:
        lines = [f"TPV {tpv} mm3 | NCP {ncp} mm3 | LD-NCP {lap} mm3 | CP {cp} mm3 | PAV {pav}%",
                 f"Max stenosis {sten}% {art}; plaque stage {stage}"]
    else:
        lines = [f"Quantified plaque burden: total {tpv} mm³, non-calcified {ncp} mm³ (low-attenuation {lap} mm³), "
                 f"calcified {cp} mm³; PAV {pav}%.", f"Greatest stenosis {sten}% in the {art}."]
    lines = [Phrase(ln, f"plaque.output#{style}/3") for ln in lines]
    return dict(tpv=tpv, ncp=ncp, lap=lap, pav=pav, sten=sten, art=art, stage=stage, pct=pct, lines=lines)


def plaque_interp(rng, r, proc_named):
    burden = "mild" if r["tpv"] < 250 else "moderate" if r["tpv"] < 750 else "severe"
    tool = "the quantitative plaque analysis" if proc_named else "the plaque measurements"
    opts = [
        f"My interpretation of {tool}: {burden} total plaque burden, predominantly non-calcified in the {r['art']}, "
        f"with low-attenuation plaque that I consider a high-risk feature; this supports high-intensity statin therapy "
        f"and an LDL goal below 55 mg/dL.",
        f"Physician interpretation: I checked {tool} on the original images and agree with the vessel "
        f"segmentation. Plaque burden is {burden} (PAV {r['pav']}%), which places the patient above the risk expected "
        f"for age; I recommend intensified lipid lowering.",
        f"Interpretation: {burden} atherosclerotic burden on {tool}; the {r['art']} lesion is {r['sten']}% with "
        f"non-calcified components. In my opinion this represents CAD-RADS 2/P{r['stage']} disease; medical therapy "
        f"rather than invasive angiography is appropriate.",
        f"I have personally reviewed {tool}. Findings indicate {burden} plaque (stage {r['stage']}) with a "
        f"{r['ncp']} mm3 non-calcified component; given these results I am adding ezetimibe and will repeat imaging "
        f"in 2 years.",
        f"Reading physician's interpretation - {tool} shows {burden} disease burden, {ordinal(r['pct'])} percentile; "
        f"the low-density plaque in the {r['art']} is real and not artifact on my review. Risk-factor modification advised.",
        f"Having gone through {tool} myself, I read the burden as {burden} with the {r['art']} lesion the one that "
        f"matters; that changes management, so the statin goes up and aspirin is added.",
        f"Impression (mine, from {tool}): {burden} plaque, PAV {r['pav']}%, {ordinal(r['pct'])} percentile for age and sex. "
        f"This is more than the visual read implied and I would treat it as established atherosclerosis.",
        f"Cardiologist review of {tool}: numbers are consistent with the images; {burden} non-calcified-predominant "
        f"disease, so we will target LDL under 70 and not pursue a stress test.",
        f"{tool[0].upper() + tool[1:]} looked over with the patient - I explained that the {burden} burden, mostly "
        f"soft plaque in the {r['art']}, is why I want her on a higher statin dose.",
        f"Assessment of {tool}: stage {r['stage']} {burden} disease; I do not think the {r['sten']}% {r['art']} narrowing "
        f"needs a cath, but the plaque volume justifies aggressive prevention.",
    ]
    return phrase(rng, "plaque.interpretation", opts)


def content_75577(ctx: Ctx, missing: set, radiology: bool):
    rng = ctx.rng
    has_in, has_proc, has_int = "input" not in missing, "process" not in missing, "interpretation" not in missing
    vendor = rng.random() < 0.65
    proc = pick(rng, PLAQUE_VENDORS) if vendor else pick(rng, PLAQUE_GENERIC)
    ccta = pick(rng, CCTA_NAMES)
    r = plaque_results(rng)
    ct_today = radiology or (has_in and rng.random() < 0.35)
    if radiology:
        ctx.put("technique", sp(f"Prospectively ECG-gated {ccta} was performed after sublingual nitroglycerin with "
                                f"{rng.choice([60, 70, 80])} mL iso-osmolar contrast.", "SAME_SESSION_CT",
                                sub=f"{ccta} was performed"))
        ctx.ct_named = True
    elif ct_today:
        ctx.put("history", sp(f"Patient had a {ccta} this morning in our imaging suite.", "SAME_SESSION_CT",
                              sub=f"{ccta} this morning"))
        ctx.ct_named = True
    if has_in and has_proc:
        if radiology or ct_today:
            opts = [f"The {ccta} data set was sent on to {proc} for AI-based plaque quantification and characterization.",
                    f"Coronary plaque was quantified and characterized from the {ccta} images using {proc}.",
                    f"Post-processing: {ccta} dataset analyzed with {proc} (quantitative plaque analysis).",
                    f"AI plaque analysis with {proc} was run on today's {ccta} images."]
        else:
            pd = fmt_date(ctx.prior(3, 60), rng)
            ctx.put("history", sp(f"{ccta.capitalize() if ccta[0].islower() else ccta} from {pd} showed nonobstructive disease by visual read.",
                                  "SAME_SESSION_CT", "historical"))
            ctx.ct_named = True
            opts = [f"Today I ran the stored {ccta} data set from {pd} through {proc} for quantitative plaque analysis.",
                    f"Quantitative plaque analysis of the {ccta} images from {pd} was performed today using {proc}.",
                    f"At this visit the archived {ccta} dataset ({pd}) was processed with {proc} to quantify and characterize plaque."]
        s = phrase(rng, "plaque.service." + ("today" if radiology or ct_today else "stored"), opts)
        ctx.put("technique", sp(s, "CCTA_PLAQUE_ANALYSIS", sent="service_performed"))
        out_head = None
    elif has_proc:  # input missing: no data set named anywhere
        ctx.no_ct_words = True
        s = phrase(rng, "plaque.service.no_input", [f"{proc[0].upper() + proc[1:]} plaque analysis completed today; results below.",
                       f"AI plaque quantification performed today with {proc}.",
                       f"Plaque analysis run today using {proc}."])
        ctx.put("technique", sp(s, "CCTA_PLAQUE_ANALYSIS", sent="service_performed"))
        out_head = None
    else:  # process missing: quantitative results with no tool named or described
        if has_in:
            if not (radiology or ct_today):
                pd = fmt_date(ctx.prior(3, 60), rng)
                ctx.put("history", sp(f"Reviewed {ccta} from {pd} again today.", "SAME_SESSION_CT", "historical",
                                      sub=f"{ccta} from {pd}"))
                ctx.ct_named = True
            out_head = phrase(rng, "plaque.output_head", [f"Plaque measurements from the {ccta} data set:",
                                  f"{ccta} plaque quantification values (today):",
                                  f"Measured plaque values on the {ccta} images:"])
        else:
            ctx.no_ct_words = True
            out_head = phrase(rng, "plaque.output_head.no_input", ["Plaque volumes measured today:", "Plaque values today:"])
    # outputs
    first = True
    lines = list(r["lines"])
    if out_head:
        ctx.put("findings", sp(out_head, "CCTA_PLAQUE_ANALYSIS", sent="software_output"))
        first = False
    for ln in lines:
        if first and not has_proc:
            ctx.put("findings", sp(ln, "CCTA_PLAQUE_ANALYSIS", sent="software_output"))
        else:
            ctx.put("findings", S(ln, "software_output"))
        first = False
    if has_int:
        ctx.put("impression", sp(plaque_interp(rng, r, has_proc), "PHYSICIAN_INTERPRETATION", sent="interpretation"))
    else:
        att = phrase(rng, "plaque.attachment", ["Software report attached.", f"See scanned {proc if has_proc else 'vendor'} report in Media.",
                         "Full quantitative report generated; refer to the vendor PDF.",
                         "Plaque analysis report attached to this study for review.",
                         "Refer to attached analysis printout."])
        ctx.put("impression", S(att, "software_output"))
        if radiology:
            ctx.put("impression", S(f"Visual assessment: CAD-RADS {rng.choice(['1', '2', '3'])}.", "other"))
        if rng.random() < 0.3:
            ctx.put("impression", S(other_neg(rng, "visual_read")))
    caution(ctx)
    return ct_today


def pvat_results(rng, named=True):
    rca = round(rng.uniform(4, 22), 1)
    lad = round(rng.uniform(4, 22), 1)
    lcx = round(rng.uniform(3, 18), 1)
    risk = round(rng.uniform(1.5, 19.0), 1)
    fai = rng.randint(-88, -60)
    cat = "low" if risk < 5 else "moderate" if risk < 10 else "high"
    style = variant(rng, "pvat.output", 3)
    if style == 0:
        lines = [f"FAI-Score: RCA {rca}, LAD {lad}, LCx {lcx}", f"{'CaRi-Heart Risk' if named else 'Predicted risk'}: {risk}% 8-year risk of a fatal cardiac event ({cat})"]
    elif style == 1:
        lines = [f"Perivascular fat attenuation index (FAI) around the proximal RCA: {fai} HU; FAI-Score {rca} "
                 f"({ordinal(rng.randint(50, 99))} percentile)."]
    else:
        lines = [f"Results - RCA FAI-Score {rca} | LAD {lad} | LCx {lcx} | predicted cardiac risk {risk}% (8 yr), category {cat}"]
    lines = [Phrase(ln, f"pvat.output#{style}/3") for ln in lines]
    return dict(rca=rca, lad=lad, risk=risk, cat=cat, lines=lines)


def pvat_interp(rng, r):
    infl = "elevated" if max(r["rca"], r["lad"]) > 12 else "low-normal"
    opts = [
        f"My interpretation: {infl} perivascular inflammation (RCA FAI-Score {r['rca']}) despite only nonobstructive "
        f"plaque; overall {r['cat']} residual inflammatory risk. Will intensify statin and start colchicine 0.5 mg daily.",
        f"Interpretation of the perivascular fat analysis: coronary inflammation is {infl}, LAD {r['lad']}, with a "
        f"{r['risk']}% 8-year risk estimate. I discussed these results and recommend aggressive risk-factor control.",
        f"I reviewed the fat attenuation maps; the {infl} signal in the RCA is not artifact. In my judgment the "
        f"patient's risk is {r['cat']} and lipid therapy should be escalated to a PCSK9 inhibitor.",
        f"Physician read: perivascular FAI {infl} ({r['cat']} risk category). Given {r['cat']} inflammatory risk, "
        f"continue high-intensity statin, add icosapent ethyl; repeat assessment not needed for 3 years.",
        f"Having looked over the fat attenuation output myself, I read the {r['risk']}% risk as {r['cat']}, driven by "
        f"the LAD (FAI-Score {r['lad']}); we will add colchicine and recheck hs-CRP.",
        f"Impression, mine: {infl} pericoronary inflammation; this changes my plan because the plaque alone looked "
        f"benign - statin dose doubled.",
        f"Reviewed the inflammation scores with the patient: RCA {r['rca']} and LAD {r['lad']} put him in the {r['cat']} "
        f"group in my assessment, so I am keeping the current regimen and rechecking in a year.",
        f"My assessment of the perivascular fat result: {r['cat']} risk with {infl} vascular inflammation; "
        f"I advised anti-inflammatory therapy and tighter blood pressure control.",
    ]
    return phrase(rng, "pvat.interpretation", opts)


def content_pvat(ctx: Ctx, missing: set, with_ct: bool, radiology: bool):
    """0992T (with_ct False) or 0993T (with_ct True)."""
    rng = ctx.rng
    has_in, has_proc, has_int = "input" not in missing, "process" not in missing, "interpretation" not in missing
    proc = pick(rng, PVAT_VENDORS) if rng.random() < 0.7 else pick(rng, PVAT_GENERIC)
    ccta = pick(rng, CCTA_NAMES + ["calcium-score CT", "cardiac CT"])
    r = pvat_results(rng, has_proc)
    if with_ct:
        if radiology:
            ctx.put("technique", sp(f"A {ccta} was performed today on a 256-slice scanner with prospective gating.",
                                    "SAME_SESSION_CT", sub=f"{ccta} was performed today"))
        else:
            ctx.put("history", sp(phrase(rng, "pvat.ct_today", [f"{ccta} performed this morning; seen in clinic this afternoon to review.",
                                             f"She underwent a {ccta} earlier today at this visit."]),
                                  "SAME_SESSION_CT", sub=ccta))
        ctx.ct_named = True
    else:
        pd = fmt_date(ctx.prior(7, 300), rng)
        if has_in:
            ctx.put("history", sp(f"{ccta[0].upper() + ccta[1:]} acquired on {pd} (no new imaging today).",
                                  "SAME_SESSION_CT", "historical", sub=f"{ccta[0].upper() + ccta[1:]} acquired on {pd}"))
            ctx.ct_named = True
            if rng.random() < 0.4:
                ctx.put("extra", sp("No cardiac CT was performed at this visit.", "SAME_SESSION_CT", "negated",
                                    sub="cardiac CT"))
        else:
            ctx.no_ct_words = True
    if has_in and has_proc:
        if with_ct:
            s = phrase(rng, "pvat.service.with_ct", [f"Perivascular fat analysis of today's {ccta} data set was performed with {proc}.",
                           f"The {ccta} images from this session were sent for {proc} pericoronary fat attenuation analysis.",
                           f"{proc[0].upper() + proc[1:]} analysis of perivascular adipose tissue was run on this {ccta} data set."])
        else:
            s = phrase(rng, "pvat.service.stored", [f"Today the stored {ccta} data set from {pd} was analyzed with {proc} to measure perivascular fat attenuation.",
                           f"Perivascular (pericoronary) fat analysis of the previously acquired {ccta} images was performed today using {proc}.",
                           f"{proc[0].upper() + proc[1:]} run today on the archived {ccta} dataset ({pd}) to assess coronary inflammation."])
        ctx.put("technique", sp(s, "PERIVASCULAR_FAT_ANALYSIS", sent="service_performed"))
        head = None
    elif has_proc:
        s = phrase(rng, "pvat.service.no_input", [f"{proc[0].upper() + proc[1:]} perivascular fat analysis completed today.",
                       f"Pericoronary fat inflammation assessment with {proc} resulted today."])
        ctx.put("technique", sp(s, "PERIVASCULAR_FAT_ANALYSIS", sent="service_performed"))
        head = None
    else:
        head = phrase(rng, "pvat.output_head" + ("" if has_in else ".no_input"), [f"Perivascular fat values from the {ccta} data set:" if has_in else "Perivascular fat values today:",
                          f"Pericoronary fat attenuation results ({ccta}):" if has_in else "Fat attenuation results today:"])
    first = True
    if head:
        ctx.put("findings", sp(head, "PERIVASCULAR_FAT_ANALYSIS", sent="software_output"))
        first = False
    for ln in r["lines"]:
        if first and not has_proc:
            ctx.put("findings", sp(ln, "PERIVASCULAR_FAT_ANALYSIS", sent="software_output"))
        else:
            ctx.put("findings", S(ln, "software_output"))
        first = False
    if has_int:
        ctx.put("impression", sp(pvat_interp(rng, r), "PHYSICIAN_INTERPRETATION", sent="interpretation"))
    else:
        ctx.put("impression", S(phrase(rng, "pvat.attachment", ["CaRi-Heart report attached." if has_proc else "Report attached.", "See vendor report scanned to chart.",
                                           "Analysis PDF attached; no further comment.",
                                           "Results as per attached software report."]), "software_output"))
        if with_ct and rng.random() < 0.3:
            ctx.put("impression", S(other_neg(rng, "visual_read")))
    caution(ctx)


def caution(ctx: Ctx, p=0.25):
    """Sometimes the vendor's printed caution under the result: it asks for a physician, it is not one."""
    if ctx.rng.random() < p:
        ctx.put("findings", S(other_neg(ctx.rng, "disclaimer")))


def coverage(ctx: Ctx, documented: bool):
    rng = ctx.rng
    if documented:
        s = phrase(rng, "coverage.documented", [f"Benefits check completed {fmt_date(ctx.prior(1, 20), rng)} with {pick(rng, PAYERS)}: Category III service, covered with prior authorization.",
                       f"Prior authorization approved by {pick(rng, PAYERS)} (auth # PA-{rng.randint(100000, 999999)}).",
                       "Signed ABN on file; patient aware the service may not be covered.",
                       f"Benefits verification done: {pick(rng, PAYERS)} indicates the service is not covered; patient signed an ABN and elected to proceed.",
                       f"Insurance verification completed - {pick(rng, PAYERS)} approved, ref {rng.randint(10000000, 99999999)}."])
        ctx.put("coverage", S(s))
    else:
        if rng.random() < 0.5:
            s = phrase(rng, "coverage.pending", [f"Prior authorization submitted to {pick(rng, PAYERS)} {fmt_date(ctx.prior(1, 10), rng)}; pending.",
                           "PA request sent, awaiting payer decision.", "Insurance authorization pending at time of service."])
            ctx.put("coverage", S(s))


def content_0972T(ctx: Ctx, missing: set, nursing: bool):
    rng = ctx.rng
    has_in, has_proc, has_int = "input" not in missing, "process" not in missing, "interpretation" not in missing
    site = pick(rng, BURN_SITES)
    proc = pick(rng, BURN_VENDORS) if rng.random() < 0.7 else pick(rng, BURN_GENERIC)
    if not has_in:
        proc = pick(rng, ["Spectral AI DeepView", "DeepView", "DeepView SnapShot", "WoundSpectra AI",
                          "the algorithmic burn-healing classifier"])
    pct = rng.randint(5, 85)
    ctx.slots["burn_site"] = site
    if has_in and has_proc:
        s = phrase(rng, "burn.service", [f"Multispectral images of the {site} burn were acquired with {proc} for healing assessment.",
                       f"{proc[0].upper() + proc[1:]} multispectral imaging of the {site} burn wound performed at bedside today.",
                       f"MSI of {site} burn obtained today using {proc}; images transmitted for algorithmic analysis.",
                       f"Burn wound ({site}) imaged with {proc} (multispectral imaging, {rng.randint(3, 8)} captures)."])
        ctx.put("technique", sp(s, "BURN_MULTISPECTRAL_IMAGING", sent="service_performed"))
        head = None
    elif has_proc:
        ctx.no_imaging_words = True
        s = phrase(rng, "burn.service.no_input", [f"{proc[0].upper() + proc[1:]} healing assessment resulted today.",
                       f"Algorithm result from {proc} reviewed today."])
        ctx.put("technique", sp(s, "BURN_MULTISPECTRAL_IMAGING", sent="service_performed"))
        head = None
    else:
        head = phrase(rng, "burn.output_head", [f"Multispectral images of the {site} burn obtained today. Healing prediction:",
                          f"MSI of the {site} wound done this visit; predicted healing map:"])
    outs = phrase(rng, "burn.output", [
        [f"Result: {pct}% of wound area classified non-healing (not expected to heal within 21 days); remainder classified healing."],
        [f"Non-healing zone: {pct}% of surface (central).", f"Healing zone: {100 - pct}% (periphery)."],
        [f"{'Device classification' if has_proc else 'Classification'} - healing potential LOW in {pct}% of the {site} wound, HIGH elsewhere."],
    ])
    if head:
        ctx.put("findings", sp(head, "BURN_MULTISPECTRAL_IMAGING", sent="software_output"))
    for i, o in enumerate(outs):
        if i == 0 and not head and not has_proc:
            ctx.put("findings", sp(o, "BURN_MULTISPECTRAL_IMAGING", sent="software_output"))
        else:
            ctx.put("findings", S(o, "software_output"))
    surg = pct >= 30
    if has_int:
        if surg:
            dec = phrase(rng, "burn.interpretation.surgery", [
                f"Classification reviewed: the {pct}% non-healing central zone corresponds to deep partial-thickness injury. Decision: tangential excision and split-thickness skin graft of that zone, scheduled {fmt_date(ctx.dos + _dt.timedelta(days=rng.randint(1, 4)), rng)}.",
                f"Based on the healing classification (non-healing {pct}%), I recommend excision and grafting of the non-healing area; periphery to continue conservative dressings. Consent obtained.",
                f"{'Device predicts' if has_proc else 'Prediction shows'} non-healing in {pct}% of the wound; this agrees with my clinical exam, so we will proceed to the OR for excision/STSG rather than wait.",
                f"I went over the healing map: the {pct}% flagged area is deep on my exam too, so it gets excised and grafted this week.",
                f"My read of the classification: non-healing {pct}%, matches the pale insensate center - booking the OR for excision and autograft.",
                f"Healing-potential result reviewed at bedside; {pct}% non-healing is too much to wait on, plan surgical debridement and grafting.",
            ])
        else:
            dec = phrase(rng, "burn.interpretation.conservative", [
                f"Classification reviewed: only {pct}% predicted non-healing; wound expected to heal within 21 days. Decision: continue silver dressings, no surgery, recheck in 1 week.",
                "Classification shows predominantly healing potential; I will manage non-operatively with dressings and avoid grafting.",
                "Per the healing classification the wound should heal spontaneously - plan conservative care, follow-up in burn clinic in 7 days.",
                f"I went over the healing map: only {pct}% flagged, which fits the brisk capillary refill I see, so dressings only and no graft.",
                "My read of the classification is a wound that will close on its own; continue conservative dressings and recheck next week.",
                f"Healing-potential result reviewed at bedside; with {pct}% non-healing I am comfortable avoiding surgery for now.",
            ])
        ctx.put("impression", sp(dec, "PHYSICIAN_INTERPRETATION", sent="interpretation"))
    else:
        if nursing:
            ctx.put("impression", S(phrase(rng, "burn.nursing_handoff", ["Results placed in chart for provider review.",
                                               "Device report printed and left for the burn team.",
                                               "Provider notified of the result." if ctx.no_imaging_words else "Provider notified that images were obtained."]), "other"))
        else:
            ctx.put("impression", S(phrase(rng, "burn.attachment", ["Device report scanned to Media.", "See attached report.",
                                               "Report attached."]), "software_output"))
        if rng.random() < 0.3:
            ctx.put("impression", S(other_neg(rng, "bedside_look")))
    caution(ctx)


# --------------------------------------------------------------------------------------------------
# hard negatives and distractor sentences (sentence label "other")
# --------------------------------------------------------------------------------------------------
def neg_sentence(rng, ctx, family, assertion):
    """One mention of a service family with a non-affirmed assertion. Returns (fragment)."""
    d = fmt_date(ctx.prior(30, 700), rng)
    if family == "plaque":
        proc = pick(rng, PLAQUE_VENDORS + PLAQUE_GENERIC[:3])
        L = "CCTA_PLAQUE_ANALYSIS"
        bank = {
            "negated": [f"AI plaque quantification ({proc}) was not performed: the data set failed QC due to motion artifact.",
                        f"Patient declined {proc} plaque analysis.",
                        f"{proc[0].upper() + proc[1:]} analysis cancelled - not authorized.",
                        "No AI-based plaque analysis was performed on this study.",
                        f"Quantitative plaque analysis with {proc} could not be completed (failed QC, heavy calcium blooming).",
                        f"We offered to send the scan for {proc} plaque quantification; she turned it down because of the cost.",
                        "Software plaque quantification was not ordered for this study."],
            "hypothetical": [f"Recommend AI-based quantitative plaque analysis ({proc}) of this data set if further risk stratification is desired.",
                             f"Will schedule {proc} plaque analysis.", f"Consider {proc} plaque quantification at follow-up.",
                             f"Ordered: {proc} plaque analysis - pending.",
                             f"If insurance approves, will send the CCTA for {proc} plaque quantification.",
                             f"Discussed option of AI plaque analysis ({proc}); patient will think about it.",
                             f"Offered {proc} plaque quantification of the existing scan at the next visit.",
                             f"{proc[0].upper() + proc[1:]} plaque analysis may be worthwhile once the lipid panel is back."],
            "historical": [f"Prior CCTA {d} with {proc} plaque analysis showed total plaque volume {rng.randint(80, 600)} mm3.",
                           f"Comparison: CCTA {d} with {proc} quantitative plaque analysis (TPV {rng.randint(80, 600)} mm3).",
                           f"{proc[0].upper() + proc[1:]} report dated {d} reviewed with the patient today; it showed moderate non-calcified plaque.",
                           f"History of AI plaque analysis in {d[-4:] if '/' in d else d[:4]} (low risk).",
                           f"When we went over the {proc} plaque results at the {d} visit I judged the burden moderate; today we only recheck lipids.",
                           f"As interpreted on {d}, the {proc} plaque quantification showed mostly calcified disease; no new analysis since."],
            "family": [f"Brother had a {proc} plaque analysis last year showing extensive soft plaque.",
                       "Father's CCTA with AI plaque analysis was reportedly high risk.",
                       f"Her sister underwent {proc} plaque quantification after an MI at 49."],
        }
    elif family == "pvat":
        proc = pick(rng, PVAT_VENDORS + PVAT_GENERIC[:2])
        L = "PERIVASCULAR_FAT_ANALYSIS"
        bank = {
            "negated": [f"{proc[0].upper() + proc[1:]} perivascular fat analysis not performed - data set incompatible (slice thickness).",
                        "Patient declined perivascular fat (FAI) analysis.",
                        f"{proc[0].upper() + proc[1:]} analysis cancelled by patient request.",
                        "No perivascular fat analysis was performed.",
                        f"{proc[0].upper() + proc[1:]} was offered for the stored scan but he declined after hearing it may not be covered."],
            "hypothetical": [f"Will request {proc} perivascular fat analysis if insurance approves.",
                             f"Consider {proc} to assess coronary inflammation.",
                             f"Plan: order {proc} on the existing CCTA data set; pending authorization.",
                             "Could consider pericoronary fat attenuation (FAI) analysis in the future.",
                             f"We talked about sending the existing scan for {proc}; she would like to wait until after the holidays."],
            "historical": [f"{proc[0].upper() + proc[1:]} analysis {d}: FAI-Score RCA {round(rng.uniform(5, 20), 1)} (reported then), reviewed with patient today.",
                           f"Previously had perivascular fat analysis ({proc}) on {d}, low inflammatory risk.",
                           f"Prior {proc} result from {d} discussed again today.",
                           f"The inflammation score from {proc} ({d}), which I read at that visit as elevated, was the reason colchicine was started; no repeat study."],
            "family": ["Sister had a perivascular fat (FAI) scan abroad which was reportedly abnormal.",
                       f"Their father was told his {proc} inflammation score was high before his bypass.",
                       f"His son had {proc} analysis as part of an executive physical."],
        }
    elif family == "burn":
        proc = pick(rng, BURN_VENDORS + BURN_GENERIC[:2])
        L = "BURN_MULTISPECTRAL_IMAGING"
        bank = {
            "negated": [f"{proc[0].upper() + proc[1:]} imaging not performed (device unavailable).",
                        "Patient declined multispectral imaging.",
                        f"Multispectral imaging with {proc} attempted but failed - images not captured due to patient movement.",
                        "No multispectral imaging was done today.",
                        f"Offered {proc} imaging of the burn; family preferred to wait for the next dressing change."],
            "hypothetical": [f"Plan {proc} imaging at the next dressing change.",
                             f"Consider multispectral imaging ({proc}) to help decide on grafting.",
                             f"Will obtain {proc} assessment on day 3 if wound appearance remains indeterminate.",
                             f"{proc[0].upper() + proc[1:]} would help if the depth stays unclear; not requested yet."],
            "historical": [f"{proc[0].upper() + proc[1:]} imaging on {d} showed healing potential; wound now epithelialized.",
                           f"Multispectral imaging from {d} (outside burn center) predicted non-healing in 20%; grafted then.",
                           f"At the {d} visit the {proc} map showed a non-healing center, which I read then as needing a graft; the graft has since taken."],
            "family": [f"Her son had {proc} imaging for a scald burn last year.",
                       f"Mother's burns were assessed with {proc} after a kitchen fire years ago."],
        }
    else:
        raise ValueError(family)
    return sp(phrase(rng, f"{family}.{assertion}", bank[assertion]), L, assertion)


OTHER_NEG = {
    # kind -> (list of texts, optional (substring, label, assertion) builder)
    "ffrct": ["HeartFlow FFRct analysis: FFRct 0.76 in the distal LAD, 0.88 RCA, 0.91 LCx.",
              "CT-derived FFR (HeartFlow FFRct) was obtained: lesion-specific FFRct 0.79 in the mid LAD; FFRct interpretation: hemodynamically significant.",
              "FFR-CT: no hemodynamically significant lesion (lowest FFRct 0.84)."],
    "stroke_ai": ["Viz.ai LVO alert received: suspected left M1 occlusion on CTA head; stroke team activated.",
                  "AI triage software flagged suspected large vessel occlusion on CTA head/neck at 14:02."],
    "pe_ai": ["Aidoc PE triage flagged a possible segmental pulmonary embolus; confirmed on my review.",
              "AI-based PE triage (CTPA) prioritized this study; filling defect in the RLL segmental artery."],
    "nodule_ai": ["Lung-nodule CAD software marked a 5 mm RUL nodule; no follow-up needed per Fleischner.",
                  "Computer-aided detection (lung nodule) identified 2 sub-solid nodules, measured on my review."],
    "ai_ecg": ["AI-ECG algorithm flagged probability of low EF (0.81); echo ordered.",
               "AI-enhanced ECG screening for reduced ejection fraction was positive."],
    "retinal_ai": ["Autonomous AI retinal exam (LumineticsCore) negative for more-than-mild diabetic retinopathy.",
                   "AI diabetic eye screening performed in clinic: more-than-mild DR detected, referred to ophthalmology."],
    "segmentation": ["AI-assisted LV segmentation on cardiac MRI: LVEF 48%, LV mass 142 g.",
                     "Cardiac CT chamber volumes were obtained with automated AI segmentation software."],
    "perivasc_path": ["Skin biopsy: superficial and deep perivascular lymphocytic infiltrate, consistent with drug eruption.",
                      "MRI brain: scattered perivascular spaces in the basal ganglia, a normal variant.",
                      "Temporal artery biopsy: perivascular inflammation without giant cells."],
    "burning": ["Complains of burning pain in both feet at night, consistent with diabetic neuropathy.",
                "Reports burning on urination x 3 days.", "Intermittent heartburn and a burning sensation after meals.",
                "Burning chest discomfort after large meals, relieved by antacids."],
    "carotid_skin": ["Carotid duplex: mild heterogeneous plaque at the right bulb, <50% stenosis.",
                     "Psoriatic plaques on elbows and knees, improved on topical steroid.",
                     "Dental plaque and gingivitis noted."],
    "ai_ai": ["Echo: moderate AI (aortic insufficiency) with vena contracta 0.5 cm; mild MR.",
              "Known mild AI and bicuspid aortic valve; follow-up echo in one year."],
    "autopsy": ["Autopsy: epicardial fat abundant; coronary arteries show 70% stenosis of the proximal LAD.",
                "Postmortem examination notes increased epicardial and pericoronary adipose tissue."],
    "research": ["Research protocol (IRB 2026-044): AI plaque analysis software will be evaluated in 300 participants; no study procedures performed today.",
                 "Grand rounds summary: perivascular fat attenuation index as a marker of coronary inflammation - education only.",
                 "Journal club: multispectral imaging with algorithmic classification in burn care; no patient data."],
    "moleculight": ["MolecuLight fluorescence imaging showed red fluorescence consistent with bacterial load at the wound edge.",
                    "Bacterial autofluorescence scan of the wound bed (MolecuLight) negative; no cyan signal."],
    # the vendor's own caution printed under a result: not a physician reading it
    "disclaimer": ["This report was generated by software and should be reviewed by a physician before clinical use.",
                   "Automated results are intended to support, not replace, the judgment of a qualified clinician.",
                   "Vendor statement: measurements must be confirmed by the interpreting physician; not a diagnosis.",
                   "Device output is an adjunct; final classification rests with the treating provider.",
                   "Disclaimer: values are produced by an algorithm and require review by a licensed physician."],
    "bedside_look": ["Wound inspected at the bedside; appearance reviewed with the charge nurse.",
                     "Dressing taken down and the wound bed looked at with the fellow; photos uploaded.",
                     "Clinical look at the graft site today: pink, blanching, no exudate."],
    # the ordinary visual read, or a review of the images without the software output
    "visual_read": ["Images personally reviewed; coronary anatomy as described above.",
                    "I have reviewed the source images and agree with the findings as dictated.",
                    "Visual review of the axial and curved reformats shows no additional findings.",
                    "On my read of the images the proximal vessels are patent without high-grade narrowing.",
                    "Curved planar reformats reviewed at the workstation; stenosis grades as listed."],
    # the same technique aimed at another target
    "other_target": ["Carotid plaque quantification software applied to the neck CTA: left ICA bulb plaque volume 212 mm3, mostly lipid-rich.",
                     "AI-based femoral plaque analysis of the runoff CTA showed heavy calcified burden in the superficial femoral artery.",
                     "DeepView multispectral images were taken of the plantar diabetic foot ulcer to follow its granulation.",
                     "Multispectral imaging with the burn device was used on the sacral pressure injury; healing map filed to Media.",
                     "Perivascular fat attenuation measured around the carotid bifurcation as part of a vascular study."],
    # research-use-only and investigational wording
    "ruo": ["Analysis run under research protocol for investigational use only; results are not reported to the clinical record.",
            "Research use only - the AI plaque output is not to be used for patient care and was not shared with the treating team.",
            "Study imaging: multispectral captures obtained for the device trial; investigators are blinded and no clinical decision follows.",
            "Investigational perivascular fat output archived for the registry; not part of this encounter's care."],
}


def other_neg(rng, kind):
    """A sentence of the hard-negative bank ``kind`` in one of the note's phrasing families."""
    return phrase(rng, f"other.{kind}", OTHER_NEG[kind])


def filler_history(rng, ctx, cardiac=True):
    out = []
    age = rng.randint(38, 84)
    sex = pick(rng, ["man", "woman", "male", "female"])
    if cardiac:
        out.append(f"{age}-year-old {sex} with {', '.join(rng.sample(PMH, rng.randint(2, 4)))} presenting for "
                   f"{pick(rng, CARDIAC_INDICATIONS)}.")
    else:
        out.append(f"{age} y/o {sex} s/p {pick(rng, MECHS)} to the {ctx.slots.get('burn_site') or pick(rng, BURN_SITES)} "
                   f"on {fmt_date(ctx.prior(1, 6), rng)}, TBSA {rng.randint(1, 18)}%, mixed partial thickness.")
    return [S(typo(rng, t)) for t in out]


# --------------------------------------------------------------------------------------------------
# layouts
# --------------------------------------------------------------------------------------------------
def joiner(rng):
    return pick(rng, ["\n", "\n", " "])


def emit_block(b, frags, sep="\n"):
    for i, f in enumerate(frags):
        b.add(f)
        b.add(sep)


def layout(ctx: Ctx, kind: str, cardiac: bool, author_nurse=False, distract=0.5):
    """Assemble the slots of ``ctx`` into a note of the given layout kind; returns Builder."""
    rng = ctx.rng
    b = Builder()
    sl = ctx.slots
    # distractors (long filler) to bury the key sentences
    def fill_clinic():
        parts = []
        if rng.random() < distract:
            parts.append(("PMH", [S(f"PMH: {', '.join(rng.sample(PMH, rng.randint(3, 6)))}.")]))
        if rng.random() < distract:
            meds = rng.sample(MEDS, rng.randint(3, 9))
            parts.append(("MEDS", [S("MEDICATIONS:\n" + "\n".join(f"- {m}" for m in meds))]))
        if rng.random() < distract:
            parts.append(("ROS", [S(typo(rng, pick(rng, ROS_LINES)))]))
        if rng.random() < distract:
            parts.append(("EXAM", [S(pick(rng, EXAMS))]))
        if rng.random() < distract and cardiac:
            parts.append(("LABS", [S(pick(rng, LABS))]))
        if rng.random() < distract * 0.5:
            parts.append(("SOCIAL", [S(pick(rng, SOCIAL))]))
        return parts

    date_s = fmt_date(ctx.dos, rng)
    if kind == "radiology":
        exam = sl.get("exam_name", ["CT CORONARY ANGIOGRAPHY"])[0]
        b.add(f"EXAM: {exam}\n")
        b.add(f"DATE: {date_s}\n")
        b.add(f"CLINICAL INDICATION: {pick(rng, CARDIAC_INDICATIONS) if cardiac else 'see order'}\n")
        b.add("TECHNIQUE: ")
        tech = sl["technique"] or [S("Standard protocol.")]
        for f in tech:
            b.add(f)
            b.add(" ")
        if rng.random() < 0.5:
            b.add(S(f"Dose length product {rng.randint(90, 600)} mGy-cm. Heart rate {rng.randint(52, 70)} bpm."))
        b.add("\n")
        b.add("COMPARISON: ")
        if sl["history"]:
            for f in sl["history"]:
                b.add(f)
                b.add(" ")
        else:
            b.add(pick(rng, ["None.", "No prior cardiac CT available.", "Echo from last year."]))
        b.add("\nFINDINGS:\n")
        if rng.random() < 0.6:
            b.add(S(f"Coronary calcium score: Agatston {rng.randint(0, 900)}.\n"))
        if rng.random() < distract:
            b.add(S("Left main: short, patent. Dominance: right.\nNon-coronary: no pericardial effusion; lung bases clear; "
                    "small hiatal hernia.\n"))
        for f in sl["findings"] + sl["extra"]:
            b.add(f)
            b.add("\n")
        b.add("\nIMPRESSION:\n")
        for i, f in enumerate(sl["impression"], 1):
            b.add(f"{i}. ")
            b.add(f)
            b.add("\n")
        for f in sl["plan"]:
            b.add(f)
            b.add("\n")
        if sl["coverage"]:
            b.add("\nBILLING/COVERAGE: ")
            for f in sl["coverage"]:
                b.add(f)
            b.add("\n")
        b.add(f"\nElectronically signed by {pick(rng, DOCS)}, MD on {date_s}.")
        return b
    if kind == "addendum":
        b.add(pick(rng, ["ADDENDUM\n", "*** ADDENDUM ***\n", "Addendum to report:\n"]))
        b.add(f"Study: {sl.get('exam_name', ['CT CORONARY ANGIOGRAPHY'])[0]}, date of service {date_s}.\n")
        for f in sl["history"] + sl["technique"] + sl["findings"] + sl["extra"] + sl["impression"] + sl["plan"] + sl["coverage"]:
            b.add(f)
            b.add(joiner(rng) if f.label == "other" else "\n")
        b.add(f"\n-- {pick(rng, DOCS)}, {date_s}")
        return b
    if kind in ("clinic", "soap", "consult"):
        title = {"clinic": pick(rng, ["PROGRESS NOTE", "Burn Clinic Visit", "Office Visit", "Burn Clinic Follow-up"] if not cardiac else ["PROGRESS NOTE", "Cardiology Clinic Follow-up", "Office Visit", "Preventive Cardiology"]),
                 "consult": pick(rng, ["CONSULTATION", "Cardiology Consult Note", "New Patient Consultation"] if cardiac else ["Burn Surgery Consult", "CONSULTATION - Plastic Surgery"]),
                 "soap": "SOAP NOTE"}[kind]
        b.add(f"{title}\nDate of service: {date_s}\n")
        fills = fill_clinic()
        hist = filler_history(rng, ctx, cardiac)
        if kind == "soap":
            b.add("S: ")
            for f in hist + sl["history"]:
                b.add(f)
                b.add(" ")
            b.add("\n")
            b.add("O: ")
            for name, fr in fills:
                for f in fr:
                    b.add(f)
                    b.add("\n")
            for f in sl["technique"] + sl["findings"] + sl["extra"]:
                b.add(f)
                b.add("\n")
            b.add("A: ")
            for f in sl["impression"]:
                b.add(f)
                b.add(" ")
            b.add("\nP: ")
            for f in sl["plan"] + sl["coverage"]:
                b.add(f)
                b.add(" ")
            if not sl["plan"]:
                b.add(pick(rng, ["Continue current meds. RTC 3 months.", "F/u 6 wks.", "Return in 1 week for dressing change."]))
            b.add("\n")
        else:
            b.add("HPI: ")
            for f in hist + sl["history"]:
                b.add(f)
                b.add(" ")
            b.add("\n\n")
            # bury key data among filler sections
            k = rng.randint(0, len(fills))
            for name, fr in fills[:k]:
                for f in fr:
                    b.add(f)
                    b.add("\n")
            if sl["technique"] or sl["findings"]:
                b.add(pick(rng, ["\nRESULTS:\n", "\nDATA REVIEWED:\n", "\nStudies:\n"] + ([] if ctx.no_imaging_words else ["\nImaging/Diagnostics:\n"])))
                for f in sl["technique"] + sl["findings"]:
                    b.add(f)
                    b.add("\n")
            for f in sl["extra"]:
                b.add(f)
                b.add("\n")
            for name, fr in fills[k:]:
                for f in fr:
                    b.add(f)
                    b.add("\n")
            b.add("\nASSESSMENT:\n")
            if sl["impression"]:
                for f in sl["impression"]:
                    b.add(f)
                    b.add("\n")
            else:
                b.add(pick(rng, ["Stable. ", "Doing well overall. ", "Chronic problems reviewed. "]) + "\n")
            b.add("\nPLAN:\n")
            for i, f in enumerate(sl["plan"] + sl["coverage"], 1):
                b.add(f"{i}. ")
                b.add(f)
                b.add("\n")
            b.add(f"{len(sl['plan']) + len(sl['coverage']) + 1}. " + pick(rng, ["Continue current medications.", "RTC 3 months.", "Call with questions.", "Follow-up as scheduled."]) + "\n")
        signer = pick(rng, NURSES) if author_nurse else pick(rng, DOCS + NPS)
        b.add(f"\n{signer}")
        return b
    if kind in ("wound", "procedure"):
        if kind == "wound":
            b.add(pick(rng, ["BURN / WOUND CARE NOTE\n", "Wound Care Nursing Note\n" if author_nurse else "Burn Unit Progress Note\n",
                             "WOUND ASSESSMENT\n"]))
        else:
            b.add(pick(rng, ["PROCEDURE NOTE\n", "Procedure: bedside burn wound assessment\n"]))
        b.add(f"DOS: {date_s}\n")
        for f in filler_history(rng, ctx, False):
            b.add(f)
            b.add("\n")
        for f in sl["history"]:
            b.add(f)
            b.add("\n")
        b.add(pick(rng, ["Wound assessment: ", "Exam of wound: ", "Findings: "]))
        for t in rng.sample(BURN_FILLER[:-1] if ctx.no_imaging_words else BURN_FILLER, rng.randint(1, 3)):
            b.add(S(typo(rng, t)))
            b.add(" ")
        b.add("\n")
        if sl["technique"] or sl["findings"]:
            b.add(pick(rng, ["Burn depth assessment:\n", ""] if ctx.no_imaging_words else ["Imaging: ", "Burn depth assessment:\n", "MSI:\n", ""]))
            for f in sl["technique"] + sl["findings"]:
                b.add(f)
                b.add("\n")
        for f in sl["extra"]:
            b.add(f)
            b.add("\n")
        b.add(pick(rng, ["Assessment/Plan: ", "A/P:\n", "Plan:\n"]))
        for f in sl["impression"] + sl["plan"] + sl["coverage"]:
            b.add(f)
            b.add("\n")
        if not (sl["impression"] or sl["plan"]):
            b.add("Continue current dressing regimen.\n")
        b.add(f"{pick(rng, NURSES) if author_nurse else pick(rng, DOCS + NPS)}")
        return b
    if kind == "discharge":
        b.add("DISCHARGE SUMMARY\n")
        adm = ctx.prior(3, 14)
        b.add(f"Admission date: {fmt_date(adm, rng)}   Discharge date: {date_s}\n")
        b.add(f"Principal diagnosis: {pick(rng, ['NSTEMI', 'chest pain', 'partial-thickness burns', 'CHF exacerbation', 'cellulitis'])}\n")
        b.add("HOSPITAL COURSE:\n")
        for f in filler_history(rng, ctx, cardiac):
            b.add(f)
            b.add(" ")
        for f in sl["history"] + sl["technique"] + sl["findings"] + sl["extra"] + sl["impression"]:
            b.add(f)
            b.add(" ")
        b.add("\n\nDISCHARGE MEDICATIONS:\n" + "\n".join(f"- {m}" for m in rng.sample(MEDS, rng.randint(3, 7))) + "\n")
        b.add("FOLLOW-UP:\n")
        for f in sl["plan"]:
            b.add(f)
            b.add("\n")
        b.add(f"PCP in 1-2 weeks.\n{pick(rng, DOCS)}")
        return b
    raise ValueError(kind)


NOTE_TYPE = {"radiology": "radiology_report", "addendum": "addendum", "clinic": "progress_note",
             "soap": "progress_note", "consult": "consult_note", "wound": "wound_care_note",
             "procedure": "procedure_note", "discharge": "discharge_summary", "admin": "other"}


# --------------------------------------------------------------------------------------------------
# scenarios
# --------------------------------------------------------------------------------------------------
MISSING_CHOICES = [(("interpretation",), 40), (("process",), 24), (("input",), 14),
                   (("process", "interpretation"), 10), (("input", "interpretation"), 6), (("input", "process"), 6)]


def choose_missing(rng, allow_input=True):
    choices = [(m, w) for m, w in MISSING_CHOICES if allow_input or "input" not in m]
    tot = sum(w for _, w in choices)
    x = rng.uniform(0, tot)
    for m, w in choices:
        x -= w
        if x <= 0:
            return set(m)
    return set(choices[-1][0])


def add_distractor_mentions(ctx, families, p):
    """With probability p, add a non-affirmed mention of one of ``families`` (hard-negative texture)."""
    rng = ctx.rng
    if rng.random() < p:
        fam = pick(rng, families)
        asr = pick(rng, ["historical", "family", "hypothetical", "historical"])
        ctx.put(pick(rng, ["history", "plan", "extra"]), neg_sentence(rng, ctx, fam, asr))


def scen_75577(ctx, rng):
    status_gap = rng.random() < 0.45
    missing = choose_missing(rng) if status_gap else set()
    if "input" in missing:
        kind = pick(rng, ["clinic", "consult", "soap"])
    else:
        kind = pick(rng, ["radiology"] * 5 + ["addendum"] * 2 + ["clinic", "consult", "soap"])
    radiology = kind in ("radiology", "addendum")
    ctx.slots["exam_name"] = [pick(rng, ["CT CORONARY ANGIOGRAPHY WITH AI PLAQUE ANALYSIS", "CTA CORONARY ARTERIES",
                                         "CARDIAC CTA W CONTRAST", "CCTA + AI QUANTITATIVE PLAQUE ANALYSIS"]
                                   if "process" not in missing else ["CTA CORONARY ARTERIES", "CARDIAC CTA W CONTRAST",
                                                                     "CT CORONARY ANGIOGRAPHY"])]
    content_75577(ctx, missing, radiology)
    if not ctx.no_ct_words:
        add_distractor_mentions(ctx, ["plaque"], 0.3)
    add_distractor_mentions(ctx, ["pvat"], 0.1) if not ctx.no_ct_words else None
    codes = [dict(code="75577", status="documentation_gap" if missing else "supported",
                  missing=sorted(missing, key=["input", "process", "interpretation"].index), coverage_documented=None)]
    return kind, True, codes, f"75577 {'gap: missing ' + '+'.join(sorted(missing)) if missing else 'supported'}"


def scen_pvat(ctx, rng, with_ct):
    status_gap = rng.random() < 0.45
    missing = choose_missing(rng) if status_gap else set()
    if with_ct:
        kind = pick(rng, ["radiology"] * 4 + ["addendum", "consult", "clinic"])
    else:
        kind = pick(rng, ["radiology", "consult", "clinic", "clinic", "soap"])
    radiology = kind in ("radiology", "addendum")
    if "input" in missing and radiology:
        kind, radiology = pick(rng, ["clinic", "consult"]), False
    if "process" in missing:
        ctx.slots["exam_name"] = [pick(rng, ["CORONARY CTA", "CT CARDIAC CALCIUM SCORE"])] if with_ct else \
            [pick(rng, ["POST-PROCESSING OF PRIOR CCTA", "PERICORONARY FAT ATTENUATION (NO NEW IMAGING)"])]
    else:
        ctx.slots["exam_name"] = [pick(rng, ["CT CORONARY ANGIOGRAPHY WITH PERIVASCULAR FAT ANALYSIS", "CARDIAC CT / CaRi-Heart",
                                             "CORONARY CTA", "CT CARDIAC CALCIUM SCORE + FAI ANALYSIS"])] if with_ct else \
            [pick(rng, ["PERIVASCULAR FAT ANALYSIS OF PRIOR CCTA", "CaRi-Heart ANALYSIS (NO NEW IMAGING)",
                        "POST-PROCESSING: PERICORONARY FAT ATTENUATION"])]
    content_pvat(ctx, missing, with_ct, radiology)
    cov = rng.random() < 0.5
    coverage(ctx, cov)
    if not ctx.no_ct_words:
        add_distractor_mentions(ctx, ["pvat", "plaque"], 0.25)
    code = "0993T" if with_ct else "0992T"
    codes = [dict(code=code, status="documentation_gap" if missing else "supported",
                  missing=sorted(missing, key=["input", "process", "interpretation"].index), coverage_documented=cov)]
    return kind, True, codes, f"{code} ({'same-session heart CT' if with_ct else 'no heart CT at this session'}) " \
                              f"{'gap: missing ' + '+'.join(sorted(missing)) if missing else 'supported'}; coverage {'documented' if cov else 'not documented'}"


def scen_0972T(ctx, rng):
    status_gap = rng.random() < 0.45
    missing = choose_missing(rng) if status_gap else set()
    nursing = "interpretation" in missing and rng.random() < 0.6
    kind = "wound" if nursing else pick(rng, ["wound", "wound", "procedure", "clinic", "consult"])
    content_0972T(ctx, missing, nursing)
    cov = rng.random() < 0.5
    coverage(ctx, cov)
    if not ctx.no_imaging_words:
        add_distractor_mentions(ctx, ["burn"], 0.25)
    if rng.random() < 0.15 and not ctx.no_imaging_words:
        ctx.put("extra", S(other_neg(rng, "moleculight")))
    codes = [dict(code="0972T", status="documentation_gap" if missing else "supported",
                  missing=sorted(missing, key=["input", "process", "interpretation"].index), coverage_documented=cov)]
    why = f"0972T {'gap: missing ' + '+'.join(sorted(missing)) if missing else 'supported'}"
    if nursing:
        why += " (nursing note records the device result with no clinician decision)"
    return kind, False, codes, why + f"; coverage {'documented' if cov else 'not documented'}", nursing


def scen_combo(ctx, rng):
    m1 = choose_missing(rng, allow_input=False) if rng.random() < 0.35 else set()
    m2 = choose_missing(rng, allow_input=False) if rng.random() < 0.35 else set()
    ctx.slots["exam_name"] = ["CCTA WITH AI PLAQUE AND PERIVASCULAR FAT ANALYSIS" if not (m1 or m2) else "CORONARY CTA"]
    content_75577(ctx, m1, True)
    sub = Ctx(rng, ctx.dos, ctx.note_type)
    content_pvat(sub, m2, True, True)
    # the CT sentence is already in technique from the plaque content; drop the duplicate
    for slot, frs in sub.slots.items():
        if slot == "technique":
            frs = [f for f in frs if not any(lab == "SAME_SESSION_CT" for _, lab, _ in f.spans)]
        ctx.put(slot, *frs)
    cov = rng.random() < 0.5
    coverage(ctx, cov)
    key = ["input", "process", "interpretation"].index
    codes = [dict(code="75577", status="documentation_gap" if m1 else "supported", missing=sorted(m1, key=key), coverage_documented=None),
             dict(code="0993T", status="documentation_gap" if m2 else "supported", missing=sorted(m2, key=key), coverage_documented=cov)]
    return "radiology", True, codes, "CCTA with both AI plaque analysis (75577) and perivascular fat analysis (0993T, same-session CT)"


NEG_KINDS = [
    # (name, weight)
    ("plaque_assert", 9), ("pvat_assert", 7), ("burn_assert", 7), ("visual_cadrads", 6), ("calcium_only", 4),
    ("ffrct", 4), ("other_ai", 7), ("pvat_other", 3), ("burning", 3), ("carotid_skin", 2), ("ai_ai", 2),
    ("admin", 6), ("research", 2), ("withdrawn", 1), ("discharge_hist", 3), ("routine_burn", 3),
    ("pvat_prior_interpreted", 2), ("other_target", 4), ("ruo", 3),
]


def scen_negative(ctx, rng):
    """Returns kind, cardiac, codes([]), rationale."""
    tot = sum(w for _, w in NEG_KINDS)
    x = rng.uniform(0, tot)
    for name, w in NEG_KINDS:
        x -= w
        if x <= 0:
            break
    if name in ("plaque_assert", "pvat_assert", "burn_assert"):
        fam = name.split("_")[0]
        asr = pick(rng, ["negated", "negated", "hypothetical", "hypothetical", "historical", "family"])
        n = rng.randint(1, 2)
        for _ in range(n):
            ctx.put(pick(rng, ["impression", "plan", "history"]) if asr != "negated" else pick(rng, ["findings", "impression"]),
                    neg_sentence(rng, ctx, fam, asr))
            asr2 = pick(rng, ["hypothetical", "historical", "family", "negated"])
            asr = asr2
        if fam == "burn":
            kind = pick(rng, ["wound", "wound", "procedure", "clinic"])
            return kind, False, [], "Burn multispectral imaging mentioned only as negated/hypothetical/historical/family; no 0972T service at this encounter."
        if fam == "plaque":
            kind = pick(rng, ["radiology", "radiology", "clinic", "consult", "soap"])
            if kind == "radiology":
                ccta = pick(rng, CCTA_NAMES)
                ctx.put("technique", sp(f"{ccta} performed with prospective ECG gating.", "SAME_SESSION_CT", sub=ccta))
                ctx.put("impression", S(f"CAD-RADS {rng.choice(['1', '2', '3'])} by visual assessment."))
            return kind, True, [], "AI plaque analysis only negated/hypothetical/historical/family; the visual CCTA read (if any) is not 75577."
        kind = pick(rng, ["clinic", "consult", "soap", "radiology"])
        if kind == "radiology":
            ccta = pick(rng, CCTA_NAMES)
            ctx.put("technique", sp(f"{ccta} performed today.", "SAME_SESSION_CT", sub=ccta))
        return kind, True, [], "Perivascular fat analysis only negated/hypothetical/historical/family; no 0992T/0993T."
    if name == "visual_cadrads":
        ccta = pick(rng, CCTA_NAMES)
        ctx.slots["exam_name"] = ["CT CORONARY ANGIOGRAPHY"]
        ctx.put("technique", sp(f"Retrospectively gated {ccta} was performed with 75 mL contrast.", "SAME_SESSION_CT",
                                sub=f"{ccta} was performed"))
        art = pick(rng, ARTERIES)
        ctx.put("findings", S(f"{art}: {pick(rng, ['mild mixed plaque', 'minimal calcified plaque', 'moderate non-calcified plaque', 'partially calcified plaque'])} with {rng.choice([25, 30, 40, 55, 60])}% stenosis by visual estimate."),
                S("Plaque characterized visually as mixed; no positive remodeling or napkin-ring sign."))
        ctx.put("impression", S(f"CAD-RADS {rng.choice(['1', '2', '3', '4A'])}/P{rng.randint(1, 3)} by visual grading."),
                S(phrase(rng, "visual.impression", ["Mild mixed plaque; preventive therapy recommended.", "No high-risk plaque features identified by eye."])))
        if rng.random() < 0.5:
            ctx.put("impression", S(other_neg(rng, "visual_read")))
        if rng.random() < 0.3:
            ctx.put("plan", neg_sentence(rng, ctx, "plaque", "hypothetical"))
        return "radiology", True, [], "Visual-only CCTA read (CAD-RADS by eye); no software plaque quantification, so no 75577."
    if name == "calcium_only":
        ctx.slots["exam_name"] = ["CT CARDIAC CALCIUM SCORE"]
        ctx.put("technique", sp(pick(rng, ["Non-contrast ECG-gated calcium-score CT performed.", "Coronary artery calcium scan (non-contrast cardiac CT) performed today."]),
                                "SAME_SESSION_CT", sub=None))
        ctx.put("findings", S(f"Agatston score {rng.randint(0, 1200)} ({ordinal(rng.randint(10, 99))} percentile, MESA)."),
                S(f"LAD {rng.randint(0, 300)}, LCx {rng.randint(0, 200)}, RCA {rng.randint(0, 300)}, LM 0."))
        ctx.put("impression", S("Coronary calcium score as above; statin therapy reasonable per guidelines."))
        return pick(rng, ["radiology", "radiology", "clinic"]), True, [], "Coronary calcium scoring alone (75571); no plaque or perivascular fat software analysis."
    if name == "ffrct":
        ccta = pick(rng, CCTA_NAMES)
        ctx.put("technique", sp(f"{ccta} performed today.", "SAME_SESSION_CT", sub=ccta))
        ctx.put("findings", S(other_neg(rng, "ffrct")))
        ctx.put("impression", S(f"CAD-RADS {rng.choice(['2', '3', '4A'])} by visual read; FFR-CT as above."))
        return pick(rng, ["radiology", "radiology", "consult"]), True, [], "CT-derived FFR (HeartFlow FFRct, 75580) alone is not AI plaque analysis; visual read only."
    if name == "other_ai":
        k = pick(rng, ["stroke_ai", "pe_ai", "nodule_ai", "ai_ecg", "retinal_ai", "segmentation"])
        for t in dict.fromkeys(other_neg(rng, k) for _ in range(2)):
            ctx.put(pick(rng, ["findings", "impression"]), S(t))
        kind = "radiology" if k in ("stroke_ai", "pe_ai", "nodule_ai") else pick(rng, ["clinic", "consult"])
        ctx.slots["exam_name"] = [{"stroke_ai": "CTA HEAD AND NECK", "pe_ai": "CT PULMONARY ANGIOGRAM",
                                   "nodule_ai": "CT CHEST WITHOUT CONTRAST"}.get(k, "CT")]
        return kind, k != "retinal_ai", [], f"Other AI software ({k.replace('_', ' ')}) outside the 75577/0972T/0992T/0993T family."
    if name == "pvat_other":
        t = other_neg(rng, pick(rng, ["perivasc_path", "autopsy"]))
        ctx.put("findings", S(t))
        return pick(rng, ["clinic", "consult", "discharge"]), True, [], "'Perivascular'/epicardial fat in pathology, MRI or autopsy text; not a perivascular fat risk analysis."
    if name == "burning":
        ctx.put("history", S(other_neg(rng, "burning")))
        return pick(rng, ["clinic", "soap"]), True, [], "'Burning' symptom, not a burn wound; no multispectral imaging."
    if name == "carotid_skin":
        ctx.put("findings", S(other_neg(rng, "carotid_skin")))
        return pick(rng, ["clinic", "consult"]), True, [], "Carotid/skin/dental plaque, not coronary plaque analysis."
    if name == "ai_ai":
        ctx.put("findings", S(other_neg(rng, "ai_ai")))
        return pick(rng, ["clinic", "consult"]), True, [], "'AI' here means aortic insufficiency, not artificial intelligence."
    if name == "other_target":
        t = other_neg(rng, "other_target")
        burn = "ulcer" in t or "pressure injury" in t
        ctx.put("findings", S(t))
        if rng.random() < 0.4:
            ctx.put("findings", S(other_neg(rng, "disclaimer")))
        return (pick(rng, ["wound", "procedure"]) if burn else pick(rng, ["clinic", "consult"])), not burn, [], \
            "The same technique aimed at another target (carotid/femoral plaque, a non-burn wound): not these codes."
    if name == "ruo":
        ctx.put("extra", S(other_neg(rng, "ruo")))
        return pick(rng, ["clinic", "consult"]), True, [], "Research-use-only output not used for care; no billable service."
    if name == "research":
        ctx.put("extra", S(other_neg(rng, "research")))
        return pick(rng, ["clinic", "consult"]), True, [], "Research/education text describing the service in general; no service performed."
    if name == "withdrawn":
        ctx.slots["exam_name"] = ["CT CORONARY ANGIOGRAPHY"]
        proc = pick(rng, PVAT_VENDORS + PLAQUE_VENDORS)
        lab = "PERIVASCULAR_FAT_ANALYSIS" if proc in PVAT_VENDORS else "CCTA_PLAQUE_ANALYSIS"
        ctx.put("impression", sp(f"The {proc} report previously appended to this study was issued in error (wrong patient) and is withdrawn.",
                                 lab, "negated", sub=f"{proc} report"))
        return "addendum", True, [], "Addendum withdrawing an AI result issued in error; documents no service itself."
    if name == "discharge_hist":
        fam = pick(rng, ["plaque", "burn", "pvat"])
        ctx.put("history", neg_sentence(rng, ctx, fam, "historical"))
        ctx.put("plan", S(pick(rng, ["Follow up with cardiology in 2 weeks.", "Burn clinic in 1 week.", "Continue statin."])))
        return "discharge", fam != "burn", [], "Discharge summary mentions an AI service from earlier in the stay/prior date as history only."
    if name == "routine_burn":
        ctx.put("findings", S(phrase(rng, "burn.clinical_depth", ["Clinical depth assessment: superficial partial thickness; expected to heal with dressings.",
                                        "Burn depth judged clinically as mixed; reassess in 48 hours."])))
        if rng.random() < 0.5:
            ctx.put("extra", S(other_neg(rng, "moleculight")))
        ctx.put("plan", S("Continue silver dressing, follow-up in 1 week."))
        return pick(rng, ["wound", "procedure"]), False, [], "Routine burn wound care with clinical depth assessment only; no algorithmic multispectral imaging."
    if name == "pvat_prior_interpreted":
        proc = pick(rng, PVAT_VENDORS)
        d = fmt_date(ctx.prior(7, 90), rng)
        ctx.put("history", sp(f"{proc} analysis was reported on {d}.", "PERIVASCULAR_FAT_ANALYSIS", "historical",
                              sub=f"{proc} analysis was reported on {d}"))
        ctx.put("impression", S("I reviewed that report with the patient today: elevated RCA inflammation, so we will add colchicine."))
        return pick(rng, ["clinic", "consult"]), True, [], "Discusses and interprets a perivascular fat result already reported on an earlier date: historical, no service today."
    if name == "admin":
        return "admin", True, [], "Administrative text (prior auth, coder query, denial letter or education) documents no service."
    raise ValueError(name)


def admin_note(rng, dos):
    b = Builder()
    k = variant(rng, "admin", 6)
    d = fmt_date(dos, rng)
    if k == 0:
        proc, lab, cpt = pick(rng, [("Caristo CaRi-Heart perivascular fat analysis", "PERIVASCULAR_FAT_ANALYSIS", "0992T"),
                                    ("Cleerly AI plaque analysis", "CCTA_PLAQUE_ANALYSIS", "75577"),
                                    ("DeepView multispectral burn imaging", "BURN_MULTISPECTRAL_IMAGING", "0972T")])
        b.add(f"PRIOR AUTHORIZATION REQUEST\nPayer: {pick(rng, PAYERS)}\nDate: {d}\n")
        b.add(sp(f"Requested service: {proc} (CPT {cpt}).", lab, "hypothetical", sub=proc))
        b.add("\nClinical justification: intermediate-risk patient; results will guide preventive therapy.\n"
              "Attachments: last clinic note, lipid panel.\nRequested by: Utilization review office.")
    elif k == 1:
        code = pick(rng, ["75577", "0972T", "0992T", "0993T"])
        b.add(f"CODER QUERY\nTo: {pick(rng, DOCS)}\nRe: encounter {d}\n")
        b.add(f"The record references software output for CPT {code}. Please clarify whether you performed and documented "
              "your own interpretation of the software/device result, and which data set was analyzed. "
              "Please respond by addendum; do not alter the original note.\nCoding/HIM, ext 4471")
    elif k == 2:
        code = pick(rng, ["0992T", "0993T", "0972T"])
        b.add(f"NOTICE OF DENIAL\n{pick(rng, PAYERS)}\nDate: {d}\n")
        b.add(f"The claim line for CPT {code} has been denied: Category III code considered investigational under policy "
              "MP-{0}. You may appeal within 60 days with documentation of medical necessity and coverage verification.".format(rng.randint(100, 999)))
    elif k == 4:
        service = pick(rng, ["software analysis of coronary plaque from a CT angiogram",
                             "multispectral burn imaging with an algorithmic classifier",
                             "perivascular fat analysis of a cardiac CT"])
        b.add(f"REQUEST FOR MEDICAL RECORDS\n{pick(rng, PAYERS)} - Payment Integrity\nDate: {d}\n")
        b.add(f"To support the claim for {service}, please send the physician's signed interpretation, the "
              "software or device report and the order. Claims without an interpretation separate from the "
              "vendor printout will be reduced.\nFax records within 30 days.")
    elif k == 5:
        b.add(f"{pick(rng, PAYERS)} MEDICAL POLICY - Artificial intelligence in cardiac and wound imaging\nReviewed: {d}\n")
        b.add("Quantitative plaque analysis, perivascular fat analysis and multispectral burn imaging are considered "
              "investigational except where listed below. Documentation must name the data set, the software or device "
              "and include the physician's own interpretation. This policy does not describe any individual patient.")
    else:
        b.add(pick(rng, ["PATIENT EDUCATION: What is AI coronary plaque analysis?\n",
                         "Patient handout - Heart inflammation scan (perivascular fat analysis)\n",
                         "Patient information: burn wound imaging\n"]))
        b.add("This test uses computer software to analyze images of your heart or wound. Your doctor reviews the "
              "result and decides on treatment. Some insurers do not cover this test; ask our billing office. "
              "Template - not part of a clinical encounter.")
    b.frags = [(start, end, label, f"admin#{k}/6") for start, end, label, _ in b.frags]
    return b


# --------------------------------------------------------------------------------------------------
# note assembly
# --------------------------------------------------------------------------------------------------
OCR_CONFUSIONS = {"l": "1", "1": "l", "O": "0", "0": "O", "I": "l", "e": "c", "S": "5", "5": "S", "B": "8", "m": "rn"}
BULLETS = ("- ", "* ", "\u2022 ", "o ")


def augment(rng, text, spans, labels, families):
    """Layout and noise variants of a finished note, with its spans and character labels carried along.

    Layout (one at most): hard wrap at 48-80 columns, all lines joined into one paragraph, or bullet
    markers before lines. Noise (one at most): dictated punctuation ("period", "comma") or OCR letter
    confusions at about 1% of characters. Each source character becomes a *piece* of output text, so the
    gold offsets move with the text. Returns (text, spans, labels, families, kinds).
    """
    kinds = []
    r = rng.random()
    kinds += ["wrap"] if r < 0.18 else ["joined"] if r < 0.28 else ["bullets"] if r < 0.36 else []
    r = rng.random()
    kinds += ["dictated"] if r < 0.08 else ["ocr"] if r < 0.16 else []
    if not kinds:
        return text, spans, labels, families, kinds
    pieces, prefix = list(text), [""] * len(text)
    if "wrap" in kinds:
        width, col = rng.randint(48, 80), 0
        for i, ch in enumerate(text):
            if ch == "\n":
                col = 0
                continue
            if ch == " ":
                nxt = text.find(" ", i + 1)
                word = (nxt if nxt >= 0 else len(text)) - i - 1
                if col + 1 + word > width and col > 0:
                    pieces[i], col = "\n", 0
                    continue
            col += 1
    elif "joined" in kinds:
        pieces = [" " if ch == "\n" else ch for ch in pieces]
    elif "bullets" in kinds:
        marker = pick(rng, BULLETS)
        for i, ch in enumerate(text):
            if (i == 0 or text[i - 1] == "\n") and ch.isalpha() and rng.random() < 0.6:
                prefix[i] = marker
    if "dictated" in kinds:
        words = {".": " period", ",": " comma"}
        for i, ch in enumerate(text):
            after = text[i + 1] if i + 1 < len(text) else " "
            before = re.search(r"(\w+)$", text[max(0, i - 12):i])
            spoken = before and before.group(1).lower() not in _ABBREV and not before.group(1).isdigit()
            if ch in words and after.isspace() and spoken and rng.random() < 0.7:
                pieces[i] = words[ch]
    elif "ocr" in kinds:
        for i, ch in enumerate(text):
            if ch in OCR_CONFUSIONS and pieces[i] == ch and rng.random() < 0.012:
                pieces[i] = OCR_CONFUSIONS[ch]
    starts, pos = [], 0
    for i in range(len(text)):
        starts.append(pos + len(prefix[i]))
        pos += len(prefix[i]) + len(pieces[i])
    out = "".join(p + c for p, c in zip(prefix, pieces))
    new_spans = [dict(sp_, start=starts[sp_["start"]], end=starts[sp_["end"] - 1] + len(pieces[sp_["end"] - 1]))
                 for sp_ in spans]
    new_labels, new_families = [], []
    for i in range(len(text)):
        n = len(prefix[i]) + len(pieces[i])
        new_labels += [labels[i]] * n
        new_families += [families[i]] * n
    return out, new_spans, new_labels, new_families, kinds


def rand_date(rng, lo=_dt.date(2025, 3, 1), hi=_dt.date(2026, 10, 31)):
    return lo + _dt.timedelta(days=rng.randint(0, (hi - lo).days))


SCEN_WEIGHTS = [("75577", 20), ("0972T", 14), ("0992T", 8), ("0993T", 9), ("combo", 3), ("neg", 46)]


def run_scenario(ctx, rng, scen):
    """Decide and fill ``ctx`` for scenario ``scen``; returns kind, cardiac, codes, rationale, nurse."""
    nurse = False
    if scen == "75577":
        kind, cardiac, codes, why = scen_75577(ctx, rng)
    elif scen in ("0992T", "0993T"):
        kind, cardiac, codes, why = scen_pvat(ctx, rng, scen == "0993T")
    elif scen == "0972T":
        kind, cardiac, codes, why, nurse = scen_0972T(ctx, rng)
    elif scen == "combo":
        kind, cardiac, codes, why = scen_combo(ctx, rng)
    else:
        kind, cardiac, codes, why = scen_negative(ctx, rng)
    return kind, cardiac, codes, why, nurse


def check_decision(note_id, codes, spans):
    """Cross-checks between the coding decision and the spans written; sorts ``codes``, returns the concepts."""
    concepts = sorted({s["label"] for s in spans if s["assertion"] == "affirmed"}, key=CONCEPT_ORDER.get)
    codes.sort(key=lambda c: CODE_ORDER[c["code"]])
    for c in codes:
        if c["code"] == "0993T":
            assert "SAME_SESSION_CT" in concepts, note_id
        if c["status"] == "supported" or "interpretation" not in c["missing"]:
            assert "PHYSICIAN_INTERPRETATION" in concepts, (note_id, c)
    if not any("interpretation" not in c["missing"] for c in codes):
        assert "PHYSICIAN_INTERPRETATION" not in concepts, note_id
    if any(c["code"] == "0992T" for c in codes):
        assert "SAME_SESSION_CT" not in concepts, note_id
    return concepts


def make_note(rng, note_id, dos=None, force=None):
    dos = dos or rand_date(rng)
    x = rng.uniform(0, 100)
    scen = force
    if scen is None:
        for name, w in SCEN_WEIGHTS:
            x -= w
            if x <= 0:
                scen = name
                break
        else:
            scen = "neg"
    if scen in ("0992T", "0993T", "combo") and rng.random() < 0.85:
        dos = rand_date(rng, _dt.date(2026, 1, 1))
    ctx = Ctx(rng, dos, None)
    kind, cardiac, codes, why, nurse = run_scenario(ctx, rng, scen)
    if kind == "admin":
        b = admin_note(rng, dos)
    else:
        if not ctx.no_ct_words and cardiac and kind in ("clinic", "consult", "soap") and rng.random() < 0.15:
            k = pick(rng, ["burning", "carotid_skin", "ai_ai", "ai_ecg"])
            ctx.put("extra", S(other_neg(rng, k)))
        b = layout(ctx, kind, cardiac, author_nurse=nurse, distract=rng.uniform(0.2, 0.95))
    text, spans, char_labels, char_families, kinds = augment(rng, b.text(), b.spans, b.char_labels(), b.char_families())
    spans = sorted(spans, key=lambda s: (s["start"], s["end"], s["label"]))
    concepts = check_decision(note_id, codes, spans)
    if ctx.no_ct_words:
        low = text.lower()
        assert not re.search(r"\b(ccta|cta|ct angiog\w*|cardiac ct|calcium-score ct|coronary ct)\b", low), (note_id, text)
    if ctx.no_imaging_words:
        assert not re.search(r"\b(imag\w*|msi|multispectral|photograph\w*)", text.lower()), (note_id, text)
    rationale = why
    note = {"note_id": note_id, "chart_id": None, "date_of_service": dos.isoformat(), "note_type": NOTE_TYPE[kind],
            "text": text}
    gold = {"note_id": note_id, "codes": codes, "concepts": concepts, "spans": spans, "rationale": rationale}
    sents = [{"note_id": note_id, "start": s, "end": e, "label": lab, "family": fam}
             for s, e, lab, fam in label_sentences(text, char_labels, char_families)]
    provenance = {"note_id": note_id, "split": getattr(rng, "split", "train"),
                  "families": sorted({f for f in char_families if f}), "augment": kinds}
    return note, gold, sents, provenance


def generate(n=1600, seed=2026, chart_fraction=0.1):
    rng = random.Random(seed)
    notes, golds, sents, prov = [], [], [], []
    i = 0
    chart_no = 0
    while i < n:
        if rng.random() < chart_fraction / 2.5 and n - i >= 3:
            chart_no += 1
            cid = f"GC-{chart_no:04d}"
            base = rand_date(rng)
            burn = rng.random() < 0.3
            k = rng.randint(2, 3)
            for j in range(k):
                i += 1
                dos = base if (j == 0 or rng.random() < 0.5) else base + _dt.timedelta(days=rng.randint(1, 40))
                if burn:
                    force = pick(rng, ["0972T", "0972T", "neg"])
                else:
                    force = pick(rng, ["75577", "0992T", "0993T", "neg"])
                # chart notes keep one date per chart visit; Cat III cardiac notes take a 2026 date
                if force in ("0992T", "0993T") and dos.year < 2026:
                    dos = dos.replace(year=2026)
                sub_rng = NoteRandom(rng.randrange(1 << 30), split_of(f"G-{i:05d}", cid))
                note, gold, ss, pv = make_note(sub_rng, f"G-{i:05d}", dos=dos, force=force)
                if force in ("0992T", "0993T"):
                    note["date_of_service"] = dos.isoformat()
                note["chart_id"] = cid
                notes.append(note)
                golds.append(gold)
                sents.extend(ss)
                prov.append(pv)
        else:
            i += 1
            sub_rng = NoteRandom(rng.randrange(1 << 30), split_of(f"G-{i:05d}"))
            note, gold, ss, pv = make_note(sub_rng, f"G-{i:05d}")
            notes.append(note)
            golds.append(gold)
            sents.extend(ss)
            prov.append(pv)
    notes, golds, prov = notes[:n], golds[:n], prov[:n]
    keep = {x["note_id"] for x in notes}
    sents = [s for s in sents if s["note_id"] in keep]
    return notes, golds, sents, prov


# --------------------------------------------------------------------------------------------------
# validation, stats, splits, I/O
# --------------------------------------------------------------------------------------------------
def validate(notes, golds, sents=None):
    texts = {n["note_id"]: n["text"] for n in notes}
    assert len(texts) == len(notes), "duplicate note ids"
    assert [g["note_id"] for g in golds] == [n["note_id"] for n in notes], "gold/note order mismatch"
    for g in golds:
        t = texts[g["note_id"]]
        for s in g.get("spans", []):
            assert 0 <= s["start"] < s["end"] <= len(t), (g["note_id"], s)
            assert s["label"] in LABELS, s
            assert s["assertion"] in ("affirmed", "negated", "hypothetical", "historical", "family"), s
        aff = sorted({s["label"] for s in g.get("spans", []) if s["assertion"] == "affirmed"}, key=CONCEPT_ORDER.get)
        assert aff == g["concepts"], (g["note_id"], aff, g["concepts"])
        for c in g["codes"]:
            assert c["status"] in ("supported", "documentation_gap")
            assert (c["status"] == "supported") == (not c["missing"]), c
            assert set(c["missing"]) <= {"input", "process", "interpretation"}
            if c["code"] in CAT3:
                assert isinstance(c["coverage_documented"], bool), c
            else:
                assert c["coverage_documented"] is None, c
    if sents is not None:
        for s in sents:
            t = texts[s["note_id"]]
            assert 0 <= s["start"] < s["end"] <= len(t) and s["label"] in SENT_LABELS, s


def compute_stats(notes, golds, sents=None):
    st = {"notes": len(notes), "positive_notes": 0, "negative_notes": 0, "code_status": collections.Counter(),
          "missing": collections.Counter(), "coverage": collections.Counter(), "span_label_assertion": collections.Counter(),
          "note_type": collections.Counter(), "charts": 0, "notes_in_charts": 0, "sentence_labels": collections.Counter()}
    charts = set()
    for n, g in zip(notes, golds):
        st["note_type"][n.get("note_type") or "none"] += 1
        if n.get("chart_id"):
            charts.add(n["chart_id"])
            st["notes_in_charts"] += 1
        if g["codes"]:
            st["positive_notes"] += 1
        else:
            st["negative_notes"] += 1
        for c in g["codes"]:
            st["code_status"][f"{c['code']} {c['status']}"] += 1
            if c["missing"]:
                st["missing"][f"{c['code']} {'+'.join(c['missing'])}"] += 1
            if c["coverage_documented"] is not None:
                st["coverage"][f"{c['code']} {'documented' if c['coverage_documented'] else 'not documented'}"] += 1
        for s in g.get("spans", []):
            st["span_label_assertion"][f"{s['label']} {s['assertion']}"] += 1
    st["charts"] = len(charts)
    for s in sents or []:
        st["sentence_labels"][s["label"]] += 1
    return {k: (dict(sorted(v.items())) if isinstance(v, collections.Counter) else v) for k, v in st.items()}


def write_jsonl(path, rows):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False, sort_keys=False) + "\n")


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def split_of(note_id, chart_id=None, validation_pct=20):
    """Reproducible 80/20 split by SHA-256 of the chart id (when present) or the note id."""
    key = chart_id or note_id
    h = int(hashlib.sha256(key.encode("utf-8")).hexdigest()[:8], 16)
    return "validation" if h % 100 < validation_pct else "train"


SPLIT_SOURCES = ("generated", "carriers", "handwritten")


#: hand-written writers whose notes are all held out for validation (a writer the models never read)
HELD_OUT_WRITERS = {"hw-b"}


def writer_split(note_id, chart_id=None, writer=None):
    """The split of a hand-written note: its writer's whole set when held out, else by chart."""
    return "validation" if writer in HELD_OUT_WRITERS else split_of(note_id, chart_id)


def write_splits(path=os.path.join(HERE, "splits.json")):
    """splits.json: the notes of each split, and the phrasing families and writers behind them.

    A generated or carrier note's split is fixed (``split_of``) before its text is written, and its labelled
    wordings come only from the families of that split (``family_split``), so the family lists are disjoint
    but for ``shared`` one-wording keys. Hand-written notes: a writer listed in ``HELD_OUT_WRITERS`` goes to
    validation whole; other writers' notes split by chart like generated notes.
    """
    out = {"train": [], "validation": []}
    families = {"train": set(), "validation": set(), "shared": set()}
    writers = collections.defaultdict(collections.Counter)
    for sub in SPLIT_SOURCES:
        p = os.path.join(HERE, sub, "notes.jsonl")
        if not os.path.exists(p):
            continue
        prov = {r["note_id"]: r for r in read_jsonl(os.path.join(HERE, sub, "provenance.jsonl"))}
        for n in read_jsonl(p):
            pv = prov[n["note_id"]]
            split = pv.get("split") or writer_split(n["note_id"], n.get("chart_id"), pv.get("writer"))
            out[split].append(n["note_id"])
            for fam in pv.get("families", []):
                key, _, i_n = fam.rpartition("#")
                i, n = map(int, i_n.split("/"))
                families[family_split(key, i, n)].add(fam)
            if pv.get("writer"):
                writers[pv["writer"]][split] += 1
    out["families"] = {k: sorted(v) for k, v in families.items()}
    out["writers"] = {w: dict(sorted(c.items())) for w, c in sorted(writers.items())}
    out["held_out_writers"] = sorted(HELD_OUT_WRITERS)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        json.dump(out, f, indent=0)
        f.write("\n")
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--n", type=int, default=1600)
    ap.add_argument("--out", default=os.path.join(HERE, "generated"))
    ap.add_argument("--no-splits", action="store_true", help="do not rewrite corpora/splits.json")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args(argv)
    notes, golds, sents, prov = generate(a.n, a.seed)
    validate(notes, golds, sents)
    os.makedirs(a.out, exist_ok=True)
    write_jsonl(os.path.join(a.out, "provenance.jsonl"), prov)
    write_jsonl(os.path.join(a.out, "notes.jsonl"), notes)
    write_jsonl(os.path.join(a.out, "gold.jsonl"), golds)
    write_jsonl(os.path.join(a.out, "sentences.jsonl"), sents)
    st = compute_stats(notes, golds, sents)
    st["seed"] = a.seed
    st["augment"] = dict(sorted(collections.Counter(k for p in prov for k in p["augment"] or ["none"]).items()))
    st["families_used"] = {split: len({f for p in prov if p["split"] == split for f in p["families"]})
                           for split in ("train", "validation")}
    with open(os.path.join(a.out, "stats.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump(st, f, indent=1)
        f.write("\n")
    if not a.no_splits:
        write_splits()
    if not a.quiet:
        json.dump(st, sys.stdout, indent=1)
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
