#!/usr/bin/env python3
"""Seeded generator of the genre corpus: whole documents made of blocks, each block labelled with its genre.

Why: whether a service mention documents a service depends first on what kind of text holds it. A payer's
letter, a prior-authorization form, a coder's query, a patient leaflet or a study protocol describes the
service without documenting one; a clinic note, a study report, the vendor's printout pasted in a report
and a physician's answer to a query are the record. ``cptscan train-genre`` learns these genres from this
corpus (plus real MTSamples reports as clinical text).

Each genre is written by four *writers* (A-D): separate template families with their own phrasing, so a
model selected on writer D has not seen D's wording (``split`` in every row). Documents mix genres the way
real charts do: a report with the vendor's printout pasted in, a clinic note with an after-visit leaflet
appended, a coder query followed by the physician's answer, a consult report opening with "Dear Dr.", a
clinic note that mentions prior authorization and billing. Blocks are separated by blank lines, as the
scanner's layout reader cuts them.

Usage::

    python corpora/genre/generate.py                     # seed 2026, 300 documents per genre, genre/documents.jsonl
    python corpora/genre/generate.py --seed 7 --per-genre 20 --out /tmp/genre.jsonl

A row: ``{"doc_id", "writer", "split", "genre", "text", "blocks": [{"start", "end", "genre"}]}``; a document's
genre is the genre of its frame (a query with its answer is a ``query_answer``: it holds the record).
All names, payers, identifiers and numbers are invented. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
GENRES = ("clinical_narrative", "report", "vendor_printout", "payer_letter", "authorization_form",
          "coder_query", "query_answer", "education", "research")
WRITERS = ("A", "B", "C", "D")
VALIDATION_WRITER = "D"

PLAQUE = ["AI-based coronary plaque quantification", "software quantification of coronary plaque",
          "Cleerly plaque analysis", "HeartFlow Plaque Analysis", "Elucid PlaqueIQ plaque characterization",
          "PlaqueSight AI plaque analysis", "CoroQuant Plaque volumetric analysis", "Arteriq AI-QCT",
          "augmentative software analysis of coronary plaque"]
FAT = ["perivascular fat attenuation analysis", "CaRi-Heart coronary inflammation analysis",
       "FatScope CV perivascular fat assessment", "PeriVasc AI fat attenuation index analysis",
       "AI analysis of pericoronary adipose tissue"]
BURN = ["multispectral burn wound imaging", "DeepView multispectral imaging of the burn",
        "BurnSight MSI healing assessment", "WoundSpectra AI burn classification",
        "algorithmic multispectral imaging of the burn wound"]
SERVICES = PLAQUE + FAT + BURN
CODES = ["75577", "0992T", "0993T", "0972T", "75574", "0623T"]
PAYERS = ["Northfield Health Plan", "Cascade Mutual", "Blue Meridian", "Harborline Insurance", "Keystone Care Alliance",
          "Prairie State Medicaid", "Summit Advantage", "Lakeshore HMO", "TriRiver Benefits"]
DOCTORS = ["Dr. Okafor", "Dr. Lindqvist", "Dr. Haddad", "Dr. Moreau", "Dr. Tan", "Dr. Varga", "Dr. Delgado",
           "Dr. Ishikawa", "Dr. Brennan", "Dr. Adeyemi"]
CODERS = ["M. Ruiz, CCS", "T. Novak, CDIP", "J. Patel, RHIT", "A. Kowalski, CCDS", "L. Chen, CPC"]
STUDIES = ["coronary CTA", "CCTA", "cardiac CT angiogram", "coronary CT angiography", "gated cardiac CT"]
ANSWERS = ["yes", "no", "clinically undetermined", "other"]


def _date(rng: random.Random) -> str:
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    return rng.choice([f"{month:02d}/{day:02d}/2026", f"2026-{month:02d}-{day:02d}", f"{month}/{day}/26"])


def _num(rng: random.Random, lo: int, hi: int) -> str:
    return str(rng.randint(lo, hi))


def _fill(rng: random.Random, text: str) -> str:
    """Replaces {svc} {payer} {doc} {coder} {study} {code} {date} {id} {n} {pct} slots with invented values."""
    slots = {"svc": rng.choice(SERVICES), "payer": rng.choice(PAYERS), "doc": rng.choice(DOCTORS),
             "coder": rng.choice(CODERS), "study": rng.choice(STUDIES), "code": rng.choice(CODES),
             "date": _date(rng), "id": f"{rng.choice('ABKQRTZ')}{_num(rng, 100000, 999999)}",
             "n": _num(rng, 20, 400), "pct": _num(rng, 5, 70), "age": _num(rng, 34, 88)}
    return text.format(**slots)


def _lines(rng: random.Random, parts: list[list[str]], keep: float = 0.85) -> str:
    """One block: from each list of alternatives pick one line, keeping optional lines with ``keep``."""
    out = [rng.choice(options) for i, options in enumerate(parts) if i == 0 or rng.random() < keep]
    return _fill(rng, "\n".join(out) if rng.random() < 0.6 else " ".join(out))


# ---- clinical narrative: visit notes, consults, progress notes -------------------------------------------

NARRATIVE = {
    "A": [["CARDIOLOGY FOLLOW-UP", "Cardiology clinic visit", "Outpatient cardiology note"],
          ["{age}-year-old with atypical chest pain and hyperlipidemia, seen today after {study}.",
           "Patient returns to discuss chest discomfort on exertion; {study} was obtained this morning."],
          ["Reviewed {svc} run on today's {study} data set: noncalcified plaque {n} mm3.",
           "Today's {study} images were processed with {svc}; results reviewed in clinic."],
          ["My interpretation: moderate plaque burden, intensify statin and aspirin.",
           "Assessment: nonobstructive CAD with high-risk plaque features; start high-intensity statin."],
          ["Return in 3 months with lipid panel.", "Plan discussed; patient agrees. Follow up in clinic."]],
    "B": [["S: Here for results. Denies syncope, orthopnea.", "Subjective: feeling well, mild fatigue, no chest pain today."],
          ["O: BP 132/78, HR 64, lungs clear, no edema.", "Exam: regular rhythm, no murmur, extremities warm."],
          ["A/P: {svc} of the {study} reviewed by me, risk is elevated, will add ezetimibe.",
           "A/P: results of {svc} reviewed; I discussed the elevated inflammatory risk and started colchicine."],
          ["Prior auth for the analysis was obtained from {payer} before the visit; ABN not needed.",
           "Billing informed that the service was completed; coverage verified with {payer}.",
           "Total time 30 minutes."]],
    "C": [["Burn clinic progress note, post-injury day {pct}.", "Wound care visit for partial-thickness burn of the forearm."],
          ["Dressing removed, wound bed pink and moist, no signs of infection.",
           "Graft site inspected; mild serous drainage, surrounding skin intact."],
          ["{svc} performed at bedside today; device classified the central area as non-healing.",
           "Images captured with {svc}; the algorithm predicts healing within 21 days for most of the wound."],
          ["Based on this I recommend excision and grafting of the central area.",
           "Decision: continue conservative dressings, reassess in one week."],
          ["Pain controlled with oral analgesics.", "Patient and family updated at the bedside."]],
    "D": [["Consult note - preventive cardiology", "Inpatient cardiology consultation"],
          ["Asked to see this {age} y/o for risk stratification after an abnormal stress test.",
           "Reason for consult: chest pressure, family history of early coronary disease."],
          ["We obtained a {study} today and sent the data set for {svc}; I have read the output and the images.",
           "The {study} done this admission was analysed with {svc} and I reviewed the quantified results myself."],
          ["Impression: diffuse noncalcified plaque, no flow-limiting stenosis; medical therapy.",
           "Impression: elevated perivascular inflammation signal; aggressive risk factor control."],
          ["Discussed with the primary team. Will follow.", "Thank you for involving us in the care of this patient."]],
}

REPORT = {
    "A": [["EXAM: {study}", "CORONARY CT ANGIOGRAPHY WITH CONTRAST"],
          ["TECHNIQUE: prospectively gated acquisition, 60 mL iodinated contrast, nitroglycerin given.",
           "TECHNIQUE: retrospective ECG gating, heart rate 58 after metoprolol."],
          ["FINDINGS: left main patent. Mixed plaque in the proximal LAD with 40% stenosis.",
           "FINDINGS: calcium score {n}. Noncalcified plaque in the mid RCA, mild narrowing."],
          ["The data set was analysed with {svc}; total plaque volume {n} mm3, low-attenuation plaque {pct} mm3.",
           "Quantitative analysis by {svc} was performed on this study."],
          ["IMPRESSION: mild nonobstructive CAD; quantified plaque burden reviewed and confirmed by the reading physician.",
           "IMPRESSION: CAD-RADS 2. I reviewed the software results and agree with the plaque measurements."]],
    "B": [["Cardiac CT report", "CT HEART STRUCTURE AND CORONARIES"],
          ["Indication: chest pain, intermediate pretest probability.", "Clinical history: dyspnea on exertion."],
          ["Results - coronaries: codominant system; scattered calcified plaque without significant stenosis.",
           "Results - the LAD shows a partially calcified plaque with moderate narrowing."],
          ["Post-processing: {svc}, results reviewed by me; fat attenuation index elevated around the RCA.",
           "Post-processing: {svc} completed; see values below, interpreted in the impression."],
          ["Conclusion: moderate CAD, elevated inflammatory risk; recommend preventive therapy.",
           "Conclusion: no obstructive disease; plaque volume in the upper quartile for age."]],
    "C": [["MULTISPECTRAL WOUND IMAGING REPORT", "Procedure note: burn wound imaging"],
          ["Site: left thigh scald, day 4.", "Site: right hand flame burn, day 3."],
          ["{svc} acquired after dressing removal; {pct}% of the area classified as unlikely to heal by day 21.",
           "Images acquired with {svc}; the device map shows a non-healing zone over the dorsum."],
          ["Interpretation: the classification supports surgical excision of the non-healing zone.",
           "Interpretation: I reviewed the map; plan is continued dressings with repeat imaging."]],
    "D": [["ADDENDUM TO CORONARY CTA", "Radiology addendum"],
          ["This addendum reports the {svc} results for the {study} of {date}.",
           "Addendum: software analysis of the {study} is now available."],
          ["Total noncalcified plaque volume {n} mm3, percent atheroma volume {pct}%.",
           "Perivascular fat attenuation around the proximal RCA is above the reference range."],
          ["Reading physician comment: these results increase the estimated risk; findings reviewed personally.",
           "My interpretation: high-risk plaque phenotype, communicated to the ordering clinician."],
          ["Electronically signed by {doc}.", "Signed {date} by {doc}."]],
}

PRINTOUT = {
    "A": [["=== {svc} REPORT ===", "SOFTWARE ANALYSIS SUMMARY"],
          ["Analysis ID: {id} | Software version 3.{pct}.1", "Case number {id}, processed {date}"],
          ["Total plaque volume: {n} mm3 | Noncalcified: {pct} mm3 | Calcified: {n} mm3",
           "LAD stenosis 0-24% | RCA stenosis 25-49% | LCx 0%"],
          ["Results are generated by software and must be reviewed by a qualified physician.",
           "This report does not constitute a diagnosis."]],
    "B": [["Vendor output (pasted):", "[Scanned document: vendor results]"],
          ["FAI score RCA: {pct} | LAD: {pct} | LCx: {pct}", "Perivascular fat attenuation: -{pct} HU"],
          ["Risk category: HIGH. 8-year cardiac risk {pct}%.", "Percentile for age and sex: {pct}th"],
          ["Generated automatically on {date}.", "Report version 2; no physician signature on this page."]],
    "C": [["Device summary - {svc}", "MSI device export"],
          ["Image set {id}: 6 wavelengths, 4 fields.", "Capture time {date} 10:42, operator RN."],
          ["Healing prediction: NON-HEALING {pct}% / HEALING {pct}%.", "Classification map attached: red = unlikely to heal in 21 days."],
          ["For use by trained clinicians only.", "Algorithm version 1.{pct}."]],
    "D": [["Quantitative output", "Software results table"],
          ["Vessel | Plaque volume | LAP volume\nLAD | {n} | {pct}\nRCA | {n} | {pct}",
           "Segment 6: {pct}% | Segment 7: {pct}% | Segment 11: {pct}%"],
          ["Percent atheroma volume {pct}.{pct}%", "Total burden index {n}"],
          ["Output of automated analysis; see physician report for interpretation.",
           "Processed by {svc} on {date}."]],
}

PAYER = {
    "A": [["Dear Provider,", "Dear {doc},", "To the treating physician:"],
          ["We have reviewed the request for {svc} (CPT {code}) submitted for our member.",
           "{payer} has completed its review of the claim for {svc} on {date}."],
          ["Under our medical policy this service is considered investigational and is not covered.",
           "The information provided does not establish medical necessity under the plan's coverage criteria."],
          ["You or the member may request an appeal within 60 days of this notice.",
           "If you disagree, a peer-to-peer review can be scheduled by calling our utilization management line."],
          ["Sincerely,\nMedical Director, {payer}", "Utilization Management Department"]],
    "B": [["NOTICE OF ADVERSE DETERMINATION", "EXPLANATION OF BENEFITS - NOT A BILL", "Coverage determination letter"],
          ["Member ID: {id}   Claim number: {id}", "Reference {id} - date of service {date}"],
          ["Line 1: {code} {svc} - denied, experimental/investigational.",
           "Service billed: {code}. Determination: not payable under the member's benefit plan."],
          ["According to the records submitted, the member underwent a {study} and the provider requested {svc}.",
           "The submitted records describe chest pain and an intermediate risk profile."],
          ["Your appeal rights are described on the back of this notice.", "Questions: call the number on the member card."]],
    "C": [["Re: reconsideration request", "Subject: appeal decision"],
          ["Thank you for your letter asking us to reconsider coverage of {svc}.",
           "We received the appeal filed on behalf of the member regarding {svc}."],
          ["After review by an independent cardiologist, the original decision is upheld.",
           "After review, the denial is overturned and the service will be paid at the in-network rate."],
          ["This decision applies only to the date of service listed.", "Please keep this letter for your records."],
          ["Regards,\nAppeals Unit, {payer}", "Kind regards, {payer} Grievance and Appeals"]],
    "D": [["Hello Dr. office,", "Attention billing office:"],
          ["our plan received a claim with code {code} for {svc} and we need more information before processing.",
           "the claim for {svc} on {date} was pended for records."],
          ["Please send the physician interpretation and the imaging report within 30 days or the claim will be closed.",
           "Policy {id} lists this test as not medically necessary for asymptomatic members."],
          ["Thanks, Provider Relations at {payer}", "Claims Review Team, {payer}"]],
}

AUTH = {
    "A": [["PRIOR AUTHORIZATION REQUEST FORM", "Precertification request"],
          ["Member name: ____  Member ID: {id}  DOB: ____", "Patient: ________   Plan: {payer}   ID: {id}"],
          ["Requested service: {svc}   CPT: {code}   Units: 1", "CPT/HCPCS requested: {code} ({svc})"],
          ["Diagnosis: I25.10, R07.9", "ICD-10: I25.10 atherosclerotic heart disease"],
          ["Ordering provider: {doc}   NPI: {id}", "Rendering facility: Outpatient Imaging Center, NPI {id}"],
          ["Urgency: [ ] urgent  [x] standard", "Request type: [x] initial [ ] extension"]],
    "B": [["Authorization worksheet", "Pre-service review intake"],
          ["Planned date: {date}. Service: {svc} following {study}.", "Service to be scheduled after approval: {svc}."],
          ["Clinical summary for reviewer: intermediate risk, prior stress test equivocal.",
           "Medical necessity: results would change lipid management."],
          ["Attach last office note and imaging order.", "Supporting documents: office note, order, ECG."],
          ["Status: submitted {date}, pending payer decision.", "Auth #: pending. Call back in 3 business days."]],
    "C": [["Request for approval to {payer}", "Fax cover - authorization request"],
          ["We are requesting approval of {svc} for the patient named above.",
           "Our office requests coverage approval for {svc}, CPT {code}."],
          ["Rationale: the test is needed to guide therapy; visual reading alone is insufficient.",
           "The patient meets the plan criteria for advanced cardiac imaging."],
          ["Contact the scheduling office with the approval number.", "Fax decision to the imaging department."]],
    "D": [["PA checklist", "Benefits verification"],
          ["[ ] Order signed  [ ] Diagnosis documented  [ ] Prior imaging attached",
           "Eligibility: active. Deductible met: no. Out-of-network: no."],
          ["Code requested: {code}; site of service: outpatient hospital.",
           "Procedure requested: {svc}; authorization required: yes."],
          ["Reference number: {id}. Representative: K.", "Verified by phone on {date}, call reference {id}."]],
}

QUERY = {
    "A": [["CODER QUERY", "Documentation clarification request"],
          ["To: {doc}  From: {coder}  Encounter: {date}", "Provider: {doc} / Coding specialist: {coder}"],
          ["The record contains software output for {svc}, but no physician interpretation was found.",
           "The note references {svc}; the analysed data set is not identified."],
          ["Please clarify by addendum whether you reviewed and interpreted the result.",
           "Please document, if clinically appropriate, which images were analysed."],
          ["Options: yes / no / other / unable to determine.", "This query does not imply any particular answer."]],
    "B": [["CDI query", "Clinical documentation integrity query"],
          ["Dear {doc}, while reviewing this chart the CDI team noted {svc} results in the scanned media.",
           "Hello {doc}, the chart has an imported vendor report for {svc}."],
          ["Can you indicate whether the analysis was performed at this encounter and reviewed by you?",
           "Could you confirm the software or device used, so the record is complete?"],
          ["Respond in the query tool or by addendum to the original note.", "Thank you, {coder}"]],
    "C": [["Query #{id} - status: open", "Outstanding query from HIM"],
          ["Re: {code} on {date}. Element not found: interpretation.", "Re: {code}. Element not found: process/software."],
          ["Respond within 7 days per policy.", "Escalation to the physician advisor after 14 days."],
          ["Query author: {coder}", "Sent via in-basket to {doc}."]],
    "D": [["Coding question for {doc}", "Note to provider from coding"],
          ["we are unable to assign a code for the {svc} mentioned in your note without more detail.",
           "the encounter of {date} mentions {svc} without stating who read it."],
          ["If documented, please add who performed the interpretation and the result.",
           "Kindly add the missing element if it is supported by your findings."],
          ["- {coder}", "Coding and reimbursement"]],
}

ANSWER = {
    "A": [["ADDENDUM (response to documentation query)", "Addendum in reply to the coder query"],
          ["I personally reviewed the {svc} output for the {study} of {date}.",
           "The {study} data set of {date} was analysed with {svc}, which I reviewed."],
          ["My interpretation: {pct}% noncalcified plaque burden, high risk; statin intensified.",
           "My interpretation: elevated inflammatory risk; colchicine added."],
          ["Signed {doc}", "{doc}, attending"]],
    "B": [["Provider response:", "Answer to query #{id}:"],
          ["Yes. The analysis was run on today's {study} and I read it at the time of the report.",
           "Yes - software used was {svc}; images analysed were the contrast {study}."],
          ["My reading: mild plaque, low-attenuation component present; recommend lifestyle and statin.",
           "My reading of the device map: non-healing zone of the forearm, excision planned."],
          ["{doc}", "Electronically signed."]],
    "C": [["Late entry addendum", "Clarification addendum"],
          ["Clarifying my note of {date}: the burn was imaged with {svc} at the visit.",
           "To clarify: the {study} was post-processed with {svc} on the day of the scan."],
          ["I reviewed the classification and based on it chose grafting.",
           "Interpretation by me: plaque volume above the 75th percentile, therapy escalated."]],
    "D": [["Reply:", "Response from {doc}:"],
          ["I did interpret it - see my impression; the output of {svc} showed high-risk plaque and I changed therapy.",
           "the input was the CT data set from this visit; I reviewed the software result and it guided treatment."],
          ["Added to the chart as an addendum.", "Thanks for catching this."]],
}

EDUCATION = {
    "A": [["PATIENT INFORMATION", "What you need to know"],
          ["What is {svc}? It is a computer program that looks at the pictures from your heart scan.",
           "Your doctor may suggest {svc}. A computer measures the build-up in your heart arteries."],
          ["You do not need to do anything extra; the program uses the images you already had.",
           "The test does not use extra radiation because it uses your existing images."],
          ["Ask your doctor what your results mean for you.", "Call the clinic if you have questions."]],
    "B": [["After Visit Summary - instructions for you", "Your care plan"],
          ["Take your medicines as prescribed. Walk 30 minutes most days.",
           "Eat more vegetables and less salt. Keep your follow-up appointment."],
          ["About your test: {svc} helps your care team understand your heart risk.",
           "Some insurance plans may not pay for {svc}; our billing office can check for you."],
          ["Return to the emergency room if you have chest pain that does not go away.",
           "If you have chest pain, call 911."]],
    "C": [["Burn care at home", "Caring for your burn"],
          ["Your burn may be checked with a special camera ({svc}) that shows which areas will heal.",
           "A special camera can take pictures of your burn to help decide if you need surgery."],
          ["Keep the dressing clean and dry. Change it as you were shown.",
           "Watch for redness, swelling, fever or bad smell."],
          ["Frequently asked questions: Does it hurt? No, the camera does not touch the skin.",
           "Questions? Call the burn clinic nurse line."]],
    "D": [["Frequently asked questions", "Patient handout"],
          ["Q: Why did my doctor order {svc}?  A: To measure plaque and inflammation that a normal read cannot measure.",
           "Q: How long does it take?  A: The analysis is done by software after your scan, usually within days."],
          ["Q: Will insurance cover it?  A: Coverage varies; you may be asked to sign a waiver.",
           "Q: Who reads it?  A: A heart doctor reviews the report and talks with you."],
          ["This handout is for general information and does not replace medical advice.",
           "Handout reviewed {date}."]],
}

RESEARCH = {
    "A": [["STUDY PROTOCOL SYNOPSIS", "Research protocol - summary"],
          ["Objective: to compare {svc} with invasive angiography in patients with stable chest pain.",
           "Primary aim: to test whether {svc} improves prediction of cardiac events."],
          ["Design: prospective, multicenter cohort; {n} participants will be enrolled.",
           "Design: randomized trial, 1:1 allocation to usual care or an AI-guided strategy."],
          ["Primary endpoint: major adverse cardiac events at 2 years.",
           "Outcome measures: sensitivity, specificity and AUC of the software against the reference."],
          ["The protocol was approved by the institutional review board.", "Informed consent will be obtained from all participants."]],
    "B": [["Journal club", "Literature review"],
          ["Investigators analysed {n} scans with {svc} and reported an AUC of 0.{pct}.",
           "In a cohort of {n} patients, {svc} predicted events beyond the calcium score."],
          ["Limitations include retrospective design and a single vendor.",
           "The authors conclude that external validation is needed."],
          ["Discussion points for the group: applicability to our population.", "Presenter: cardiology fellow."]],
    "C": [["Research eligibility screening log", "Trial screening note"],
          ["Subject {id} screened for the AI imaging sub-study; inclusion criteria met.",
           "Subject {id} not eligible: prior bypass surgery."],
          ["Study procedures per protocol will include {svc} of the baseline scan.",
           "Per protocol, images are sent to the core lab for {svc} in batches."],
          ["Research coordinator: {coder}", "Data entered in the study database."]],
    "D": [["Background", "Methods"],
          ["Artificial intelligence tools such as {svc} quantify features that visual reading misses.",
           "Scans were de-identified and processed with {svc} by readers blinded to outcome."],
          ["Statistical analysis used Cox models adjusted for age, sex and risk factors.",
           "Agreement between methods was assessed with Bland-Altman plots."],
          ["Results will be submitted for publication.", "Funding: investigator-initiated grant."]],
}

TEMPLATES: dict[str, dict[str, list[list[str]]]] = {
    "clinical_narrative": NARRATIVE, "report": REPORT, "vendor_printout": PRINTOUT, "payer_letter": PAYER,
    "authorization_form": AUTH, "coder_query": QUERY, "query_answer": ANSWER, "education": EDUCATION,
    "research": RESEARCH,
}
#: the kinds of documents a genre's frame appears in: extra blocks of other genres, before or after
MIXES: dict[str, list[tuple[str, ...]]] = {
    "clinical_narrative": [(), ("education",), ("vendor_printout",), ("report",)],
    "report": [(), ("vendor_printout",), ("report",)],
    "vendor_printout": [()],
    "payer_letter": [(), ("payer_letter",)],
    "authorization_form": [(), ("authorization_form",)],
    "coder_query": [(), ("vendor_printout",)],
    "query_answer": [("coder_query",)],
    "education": [(), ("education",)],
    "research": [(), ("research",)],
}
GREETINGS = ["Dear {doc},", "Dear Dr. colleague,", "Dear referring physician,"]
THANKS = ["Thank you for this kind referral.", "Thank you for allowing me to participate in the care of this patient.",
          "Sincerely,\n{doc}", "Thanks for the consult. Please call with questions."]


def block(rng: random.Random, genre: str, writer: str) -> str:
    return _lines(rng, TEMPLATES[genre][writer])


def document(rng: random.Random, genre: str, writer: str) -> dict:
    """One document whose frame is ``genre``, blocks of other genres mixed in the way charts mix them."""
    parts = [(genre, block(rng, genre, writer))]
    for extra in rng.choice(MIXES[genre]):
        text = block(rng, extra, writer)
        if genre == "query_answer":  # the query comes first, the answer under it
            parts.insert(0, (extra, text))
        else:
            parts.append((extra, text))
    if genre in ("clinical_narrative", "report") and rng.random() < 0.3:
        # consult reports and visit letters open with a greeting and close with thanks: still the record
        parts.insert(0, (genre, _fill(rng, rng.choice(GREETINGS))))
        parts.append((genre, _fill(rng, rng.choice(THANKS))))
    text, blocks = "", []
    for part_genre, part in parts:
        if text:
            text += rng.choice(["\n\n", "\n\n", "\n \n"])
        blocks.append({"start": len(text), "end": len(text) + len(part), "genre": part_genre})
        text += part
    return {"genre": genre, "writer": writer, "split": "validation" if writer == VALIDATION_WRITER else "train",
            "text": text, "blocks": blocks}


def generate(per_genre: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for genre in GENRES:
        for i in range(per_genre):
            row = document(rng, genre, WRITERS[i % len(WRITERS)])
            rows.append({"doc_id": f"GEN-{genre}-{i:04d}", **row})
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--per-genre", type=int, default=300)
    parser.add_argument("--out", type=Path, default=HERE / "documents.jsonl")
    args = parser.parse_args(argv)
    rows = generate(args.per_genre, args.seed)
    with open(args.out, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} documents to {args.out}")


if __name__ == "__main__":
    main()
