"""Notes the benchmarks write themselves: short positive notes and very long notes.

Every sentence here is the benchmark's own (no development-set text): a few service paragraphs, each
documenting one in-scope service with its data set, software and the physician's reading, filled from a
seeded random choice of numbers and dates so that no two short notes are the same text.
"""

from __future__ import annotations

import random

SEED = 14

#: one service documented in full, in a few lines; {placeholders} are filled per note
SERVICE_PARAGRAPHS = (
    "Coronary CTA performed today on the dual-source scanner, heart rate {hr} after oral metoprolol.\n"
    "The CCTA data set was sent for AI plaque analysis (Cleerly) this session.\n"
    "Total plaque volume {tpv} mm3, noncalcified share {ncp} percent, most of it in the proximal LAD.\n"
    "My interpretation: moderate mixed plaque burden; intensify statin therapy and recheck lipids in {weeks} weeks.\n",
    "Cardiac CT from this morning reviewed with the patient.\n"
    "Perivascular fat analysis with CaRi-Heart run on the CCTA data set; fat attenuation index RCA {fai}.\n"
    "On my review the inflammation signal is above the age-matched range; colchicine discussed.\n",
    "Burn clinic, day {day} after a scald to the left forearm.\n"
    "Multispectral imaging of the burn with DeepView at the bedside today; the algorithmic device maps "
    "{area} percent of the wound as unlikely to heal by day 21.\n"
    "My interpretation of the device result: excision and grafting of the mapped area; consent obtained.\n",
)

#: what a clinic note says around the service: history, examination, plan (no service words)
FRAME = (
    "Follow-up visit {date}. {age} year old seen for exertional chest tightness over {months} months.\n"
    "History: hypertension on amlodipine, former smoker, father with a heart attack at {father}.\n"
    "Medications reviewed: aspirin 81 mg daily, atorvastatin {statin} mg nightly, lisinopril 20 mg.\n"
    "Social history: retired teacher, walks the dog twice a day, two glasses of wine a week.\n"
    "Exam: blood pressure {sys}/{dia}, lungs clear, no edema, regular rhythm without murmur.\n"
    "{service}"
    "Plan: walking program, repeat lipid panel, return visit in {weeks} weeks or sooner with symptoms.\n"
)


def _fill(template: str, rng: random.Random, **given: str) -> str:
    values = {"hr": rng.randint(52, 68), "tpv": rng.randint(120, 980), "ncp": rng.randint(10, 70),
              "weeks": rng.choice((6, 8, 12)), "fai": -rng.randint(60, 85), "day": rng.randint(2, 5),
              "area": rng.randint(8, 60), "date": f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}",
              "age": rng.randint(41, 83), "months": rng.randint(2, 9), "father": rng.randint(48, 66),
              "sys": rng.randint(118, 162), "dia": rng.randint(68, 96), "statin": rng.choice((20, 40, 80)), **given}
    return template.format(**values)


def short_positive_notes(count: int) -> list[dict]:
    """``count`` notes of about 900 characters, each documenting one service (the kind coders review)."""
    rng = random.Random(SEED)
    notes = []
    for i in range(count):
        service = _fill(SERVICE_PARAGRAPHS[i % len(SERVICE_PARAGRAPHS)], rng)
        notes.append({"note_id": f"SP-{i:05d}", "text": _fill(FRAME, rng, service=service)})
    return notes


def long_note_text(chars: int) -> str:
    """A note of at least ``chars`` characters: the service paragraphs repeated with their frame, so its
    mentions (and its ConText cues) grow with its length."""
    rng = random.Random(SEED)
    parts, size, i = [], 0, 0
    while size < chars:
        part = _fill(FRAME, rng, service=_fill(SERVICE_PARAGRAPHS[i % len(SERVICE_PARAGRAPHS)], rng)) + "\n"
        parts.append(part)
        size += len(part)
        i += 1
    return "".join(parts)
