"""Documentation query drafts: a compliant question to the documenting physician for each documentation gap.

A gap (an element the record lacks) is closed by asking the physician, and the question must not lead: it
quotes the record's own clinical indicators with their note and date, asks about the missing element
without suggesting the answer, and offers clinically reasonable options followed by "other" and "unable to
determine" (or is open), never mentioning payment, billing or a code (AHIMA/ACDIS compliant query
practice). The wording is data: the frame in ``packs/vocabulary.json`` (``queries``), the questions per code
family and element in each pack's ``queries.json``; this module only assembles them. A draft is built from
the evidence spans a result or a finding already carries, so it needs no note text, and nothing of it is
logged.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Iterable, Iterator, Mapping, Optional

from cptscan.knowledge import Knowledge

INDICATOR_ROLES = ("coverage", "withdrawal", "exclusion")  # administrative or retracting text: no clinical indicator


@dataclass(frozen=True)
class QueryTemplates:
    """The frame, each family's wording, and what may not be quoted, for one knowledge."""

    frame: dict
    families: dict[str, dict]
    never_quote: re.Pattern
    not_indicators: frozenset[str]  # labels whose spans are not clinical indicators

    def question(self, family: str, element: str) -> dict:
        """The family's question for ``element``, else the frame's open question for it."""
        own = self.families.get(family, {}).get("elements", {}).get(element)
        return own or self.frame["elements"][element]

    def service(self, family: str) -> str:
        return self.families.get(family, {}).get("service") or self.frame["service_fallback"]


def query_templates(knowledge: Knowledge) -> QueryTemplates:
    """The templates of the packs in ``knowledge`` (a later pack's family wording wins, as for codes)."""
    frame = knowledge.vocabulary["queries"]
    families: dict[str, dict] = {}
    for data in knowledge.pack_data("queries.json"):
        families.update(data.get("families") or {})
    pattern = re.compile("|".join(f"(?:{p})" for p in frame["never_quote"]), re.IGNORECASE)
    return QueryTemplates(frame, families, pattern, knowledge.labels(*INDICATOR_ROLES))


def _sentence(text: str, span: dict, reach: int) -> str:
    """The sentence around a span (to the nearest . ! ? or line break), at most ``reach`` characters either side."""
    start, end = span["start"], span["end"]
    left = max(max(text.rfind(c, 0, start) for c in ".!?\n") + 1, start - reach)
    rights = [i + 1 for i in (text.find(c, end) for c in ".!?\n") if i >= 0]
    return text[left:min(min(rights, default=len(text)), end + reach)]


def indicators(templates: QueryTemplates, spans: Iterable[tuple[str, Optional[str], dict]],
               texts: Optional[Mapping[str, str]] = None) -> list[dict]:
    """The quotable clinical indicators among (note id, date, span): the span's sentence when the note's text
    is at hand (else, or when the sentence may not be quoted, the span alone), whitespace folded, each once,
    none administrative or holding a word or number a draft may not carry, at most ``max_indicators``."""
    out, seen = [], set()
    for note_id, date, span in spans:
        if span.get("label") in templates.not_indicators:
            continue
        note = (texts or {}).get(note_id)
        candidates = [_sentence(note, span, templates.frame["quote_reach"])] if note and "start" in span else []
        candidates.append(str(span.get("text") or ""))
        text = next((t for t in (" ".join(c.split()) for c in candidates)
                     if t and not templates.never_quote.search(t)), None)
        if text and (note_id, text.lower()) not in seen:
            seen.add((note_id, text.lower()))
            out.append({"note_id": note_id, "date_of_service": date, "text": text})
    return out[: templates.frame["max_indicators"]]


def _text(templates: QueryTemplates, family: str, date: Optional[str], quoted: list[dict],
          questions: list[dict]) -> str:
    frame = templates.frame
    lines = [frame["title"], frame["service_sentence"].format(date=date or "this encounter",
                                                              service=templates.service(family))]
    lines.append(frame["indicators_heading"])
    lines += [frame["indicator"].format(text=i["text"], note_id=i["note_id"], date=i["date_of_service"] or "undated")
              for i in quoted]
    for number, q in enumerate(questions, 1):
        lines.append(frame["question"].format(number=number, question=q["question"]))
        lines += [frame["option"].format(option=o) for o in q["options"]] or [frame["open_answer"]]
    lines.append(frame["closing"])
    return "\n".join(lines)


def draft(templates: QueryTemplates, family: str, missing: Iterable[str], quoted: list[dict],
          date: Optional[str], **ids: object) -> dict:
    """One draft: a question per missing element, the quoted indicators, and the text to send (``text``).

    ``ids`` (note ids, chart, code, row id) travel with the draft for the team that sends it; only
    ``text`` (and ``questions``) go to the physician, and they never hold a code.
    """
    questions = []
    for element in missing:
        q = templates.question(family, element)
        options = list(q.get("options") or ())
        questions.append({"element": element, "question": q["question"],
                          "options": options + templates.frame["always_options"] if options else []})
    key = "|".join(str(v) for v in (*ids.values(), date, *missing))
    return {"query_id": hashlib.sha256(key.encode("utf-8")).hexdigest()[:12], **ids, "date_of_service": date,
            "missing": list(missing), "indicators": quoted, "questions": questions,
            "text": _text(templates, family, date, quoted, questions)}


def note_drafts(results: Iterable[dict], knowledge: Knowledge, texts: Optional[Mapping[str, str]] = None) -> Iterator[dict]:
    """A draft for every documentation gap a note result holds (note level: the note alone); ``texts`` (note
    id -> text) lets indicators quote whole sentences."""
    templates, catalog = query_templates(knowledge), knowledge.catalog
    for result in results:
        note_id, date = result.get("note_id"), result.get("date_of_service")
        for code in result.get("codes") or ():
            if code.get("status") != "documentation_gap" or code.get("code") not in catalog:
                continue
            # the code's own evidence first; the note's other affirmed mentions when none of it may be quoted
            spans = [*(code.get("evidence") or ()),
                     *(m for m in result.get("mentions") or () if m.get("assertion", "affirmed") == "affirmed")]
            quoted = indicators(templates, ((note_id, date, s) for s in spans), texts)
            yield draft(templates, catalog[code["code"]].family, code.get("missing") or (), quoted, date,
                        note_ids=[note_id], chart_id=result.get("chart_id"), code=code["code"])


def finding_draft(finding: dict, templates: QueryTemplates, knowledge: Knowledge, chart_id: str,
                  texts: Optional[Mapping[str, str]] = None) -> Optional[dict]:
    """The draft for a finding driven by a gap (it names missing elements), from its evidence spans."""
    code = finding.get("expected") or finding.get("code")
    if not finding.get("missing") or code not in knowledge.catalog:
        return None
    date = finding["date_of_service"]
    spans = ((ev.get("note_id"), date, s) for ev in finding.get("evidence") or () for s in ev.get("spans") or ())
    quoted = indicators(templates, spans, texts)
    notes = list(dict.fromkeys(i["note_id"] for i in quoted))
    return draft(templates, knowledge.catalog[code].family, finding["missing"], quoted, date,
                 note_ids=notes, chart_id=chart_id, code=code)
