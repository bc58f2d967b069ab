"""Dates written right next to a mention ("CCTA 01/21/2026", "the 3/24 CCTA", "report dated 03/09/2026").

A service belongs to the date it was run and reported, so a mention carrying an earlier date is historical
and one carrying a later date is not done yet. Only dates attached to the mention count: a date elsewhere in
the sentence ("submitted 03/05 for CaRi-Heart analysis, reported today") says nothing about the service.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Optional

from spacy.tokens import Span

from .extensions import text_of

MONTHS = {m: i + 1 for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])}
DATE = re.compile(
    r"(?P<iso>\b(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2})\b)"
    r"|(?P<mdy>\b(?P<m>\d{1,2})/(?P<d>\d{1,2})(?:/(?P<y>\d{2,4}))?\b)"
    r"|(?P<my>\b(?P<mm>\d{1,2})/(?P<yy>\d{4})\b)"
    r"|(?P<named>\b(?P<mon>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(?:(?P<nd>\d{1,2}),?\s+)?(?P<ny>\d{4})\b)",
    re.IGNORECASE,
)
CONNECTORS = (r"\s*(?:(?:[(,:]|from|of|on|in|at|dated|done|performed|obtained|acquired|reported|run|ran|-|"
              r"analysis|report|results?|imaging|scan|study|exam|data|set|dataset|images)\s*){0,3}")
BEFORE_WINDOW = 24
AFTER_WINDOW = 28


def _parse(match: re.Match, dos: dt.date) -> Optional[tuple[dt.date, str]]:
    """Returns the date and its precision ('day' or 'month'); None for numbers that are not dates (BP 120/80)."""
    try:
        if match.group("iso"):
            return dt.date(int(match["iy"]), int(match["im"]), int(match["id"])), "day"
        if match.group("my"):
            return dt.date(int(match["yy"]), int(match["mm"]), 1), "month"
        if match.group("mdy"):
            year = match["y"]
            year = dos.year if year is None else int(year) + (2000 if len(year) == 2 else 0)
            return dt.date(year, int(match["m"]), int(match["d"])), "day"
        if match.group("named"):
            month = MONTHS[match["mon"].lower()[:3]]
            if match["nd"]:
                return dt.date(int(match["ny"]), month, int(match["nd"])), "day"
            return dt.date(int(match["ny"]), month, 1), "month"
    except ValueError:
        return None
    return None


def _relation(found: dt.date, precision: str, dos: dt.date) -> str:
    if precision == "month":
        same = (found.year, found.month) == (dos.year, dos.month)
        return "same" if same else ("earlier" if found < dos else "later")
    return "same" if found == dos else ("earlier" if found < dos else "later")


def _dos(dos_text: str) -> Optional[dt.date]:
    try:
        return dt.date.fromisoformat(dos_text[:10])
    except ValueError:
        return None


def sentence_dates(sentence: str, dos_text: str) -> tuple[Optional[str], str]:
    """'earlier' when the mention's sentence carries dates and every one is before the date of service.

    The fallback for a mention with no date of its own: "went over the 4/2 CCTA and its AI plaque numbers"
    reports an earlier study's analysis even though the date sits next to the CT, not the analysis.
    """
    dos = _dos(dos_text)
    if dos is None:
        return None, ""
    parsed = [(p, m.group(0)) for m in DATE.finditer(sentence) if (p := _parse(m, dos))]
    if parsed and all(_relation(d, precision, dos) == "earlier" for (d, precision), _ in parsed):
        return "earlier", parsed[0][1]
    return None, ""


def anchor_dates(span: Span, dos_text: str) -> tuple[Optional[str], str]:
    """How a date attached to ``span`` relates to the note's date of service: same, earlier, later or None."""
    dos = _dos(dos_text)
    if dos is None:
        return None, ""
    text = text_of(span.doc)
    line_start = text.rfind("\n", 0, span.start_char) + 1
    line_end = text.find("\n", span.end_char)
    line_end = len(text) if line_end < 0 else line_end
    before = text[max(line_start, span.start_char - BEFORE_WINDOW):span.start_char]
    after = text[span.end_char:min(line_end, span.end_char + AFTER_WINDOW)]
    candidates = []
    for match in DATE.finditer(before):
        if re.fullmatch(r"\s*(?:the|a|an|her|his|their)?\s*", before[match.end():], re.IGNORECASE):
            candidates.append(match)
    for match in DATE.finditer(after):
        if re.fullmatch(CONNECTORS, after[:match.start()], re.IGNORECASE):
            candidates.append(match)
            break
    for match in candidates:
        parsed = _parse(match, dos)
        if parsed:
            return _relation(parsed[0], parsed[1], dos), match.group(0)
    return None, ""
