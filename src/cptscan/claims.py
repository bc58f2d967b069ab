"""Claim lines as billed: codes normalised and checked before reconciliation compares them with the notes.

Billing systems write codes with modifiers (``12345-26``, ``12345 26``) and in any case (``1234t``); read
literally, ``12345-26`` is a code the catalog does not know, so a billed 12345 would look unbilled and
reconciliation would ask for it again: a double bill. A value that has no code's shape is refused with an
error record naming the chart and the claim line, never guessed at.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any, Iterable, Optional

from cptscan.catalog.catalog import parse_date

# CPT Category I (5 digits), II (4 digits + F), III (4 digits + T), PLA (4 digits + U); HCPCS Level II.
_CODE = re.compile(r"\d{5}|\d{4}[FTU]|[A-V]\d{4}")
_MODIFIER = re.compile(r"[0-9A-Z]{2}")
_SEPARATORS = re.compile(r"[\s-]+")
_SHOWN = 20  # characters of a refused value quoted in its message


class ClaimLineError(ValueError):
    """A claim value that cannot be read; the message says what was expected."""


def parse_code(value: Any) -> tuple[str, tuple[str, ...]]:
    """``(code, modifiers)`` of a billed value: ``12345-26`` -> ``("12345", ("26",))``, ``1234t`` -> ``("1234T", ())``."""
    parts = _SEPARATORS.split(str(value).strip().upper()) if value is not None else [""]
    code, modifiers = parts[0], tuple(parts[1:])
    if not _CODE.fullmatch(code) or not all(_MODIFIER.fullmatch(m) for m in modifiers):
        raise ClaimLineError(f"code {str(value)[:_SHOWN]!r} is not a CPT or HCPCS code "
                             "(expected five digits, four digits and F, T or U, or a HCPCS letter and four digits, "
                             "with optional two-character modifiers: 12345, 1234T, 12345-26)")
    return code, modifiers


def parse_service_date(value: Any) -> str:
    """The ISO date of a claim line; a missing or non-ISO date is refused rather than guessed."""
    if value in (None, ""):
        raise ClaimLineError("date_of_service is missing (expected YYYY-MM-DD)")
    try:
        return parse_date(value).isoformat()
    except ValueError:
        raise ClaimLineError(f"date_of_service {str(value)[:_SHOWN]!r} is not a date (expected YYYY-MM-DD)") from None


def claim_error(chart: Optional[str], number: int, message: str) -> dict:
    """The error record of a refused claim line: which chart, which of its lines (1-based), why."""
    return {"code": "invalid_claim_line", "message": f"chart {chart} claim line {number}: {message}"}


def group_claims(claims: Iterable[dict], payers: bool = False) -> tuple[dict[str, dict[str, list]], dict[str, list[dict]]]:
    """chart -> date -> billed codes (with ``payers``: (code, payer_id) pairs, payer_id None when absent), and
    chart -> error records of the lines refused.

    A chart with an empty claim still appears, so it gets a findings line.
    """
    grouped: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    errors: dict[str, list[dict]] = defaultdict(list)
    for claim in claims:
        chart = claim.get("chart_id")
        grouped[chart]
        for number, line in enumerate(claim.get("lines") or (), start=1):
            try:
                if not isinstance(line, dict):
                    raise ClaimLineError("not a JSON object with code and date_of_service")
                date = parse_service_date(line.get("date_of_service"))
                code, _ = parse_code(line.get("code"))
            except ClaimLineError as exc:
                errors[chart].append(claim_error(chart, number, str(exc)))
                continue
            payer = str(line["payer_id"]) if line.get("payer_id") else None
            grouped[chart][date].append((code, payer) if payers else code)
    return grouped, errors
