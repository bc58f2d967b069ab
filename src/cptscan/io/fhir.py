"""FHIR R4 DocumentReference -> note record.

Only what the scanner needs is mapped: the text/plain attachment (inline base64 ``data``), the subject
as ``chart_id``, the encounter date as ``date_of_service`` and the document type as ``note_type``. A
DocumentReference we cannot turn into text becomes an error record with its id, so it is reported
rather than silently dropped. Resources of other types (a Bundle's Patient, Encounter, ...) are not
notes and are skipped.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any, Iterator, Optional

Record = dict[str, Any]

# LOINC document codes -> corpus note_type (the common ones; anything else falls back to the text).
LOINC_NOTE_TYPES = {
    "18748-4": "radiology_report",  # Diagnostic imaging study
    "18726-0": "radiology_report",  # Radiology studies (set)
    "11506-3": "progress_note",
    "11488-4": "consult_note",
    "28570-0": "procedure_note",
    "18842-5": "discharge_summary",
    "34117-2": "other",  # History and physical note
}
# Words in a type's text/display -> note_type, checked in order.
TYPE_WORDS = (
    ("addend", "addendum"),
    ("wound", "wound_care_note"),
    ("radiolog", "radiology_report"),
    ("imaging", "radiology_report"),
    ("progress", "progress_note"),
    ("consult", "consult_note"),
    ("procedure", "procedure_note"),
    ("discharge", "discharge_summary"),
)
_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})")


def _error(code: str, message: str, note_id: Optional[str]) -> Record:
    return {"note_id": note_id, "_error": {"code": code, "message": message}}


def records_from_resource(resource: Any, source: str) -> Iterator[Record]:
    """Note records from one resource: a DocumentReference, or every DocumentReference in a Bundle."""
    if not isinstance(resource, dict):
        return
    kind = resource.get("resourceType")
    if kind == "Bundle":
        for entry in resource.get("entry") or []:
            inner = entry.get("resource") if isinstance(entry, dict) else None
            if isinstance(inner, dict) and inner.get("resourceType") == "DocumentReference":
                yield document_reference_to_record(inner, source)
    elif kind == "DocumentReference":
        yield document_reference_to_record(resource, source)


def document_reference_to_record(doc: dict[str, Any], source: str) -> Record:
    """One DocumentReference as a note record, or an error record saying why it has no usable text."""
    note_id = _note_id(doc)
    if note_id is None:
        return _error("missing_id", f"{source}: DocumentReference without id or identifier", None)
    if doc.get("status") == "entered-in-error":
        return _error("entered_in_error", f"{source}: DocumentReference {note_id} is entered-in-error", note_id)
    text_or_error = _plain_text(doc, note_id, source)
    if isinstance(text_or_error, dict):
        return text_or_error
    return {
        "note_id": note_id,
        "chart_id": ((doc.get("subject") or {}).get("reference")) or None,
        "date_of_service": _date_of_service(doc),
        "note_type": note_type(doc),
        "text": text_or_error,
    }


def _note_id(doc: dict[str, Any]) -> Optional[str]:
    if doc.get("id"):
        return str(doc["id"])
    for ident in [doc.get("masterIdentifier")] + list(doc.get("identifier") or []):
        if isinstance(ident, dict) and ident.get("value"):
            return str(ident["value"])
    return None


def _plain_text(doc: dict[str, Any], note_id: str, source: str) -> str | Record:
    """The first text/plain attachment with inline data, decoded; else an error record saying why."""
    attachments = [c.get("attachment") or {} for c in doc.get("content") or [] if isinstance(c, dict)]
    plain = [a for a in attachments if _media_type(a) == "text/plain"]
    inline = [a for a in plain if a.get("data")]
    if not inline:
        if plain:
            return _error("no_inline_data", f"{source}: {note_id} text/plain attachment has no inline data "
                          "(url-only attachments are not fetched)", note_id)
        kinds = ", ".join(sorted({_media_type(a) or "none" for a in attachments})) or "no attachment"
        return _error("unsupported_attachment", f"{source}: {note_id} has no text/plain attachment ({kinds})",
                      note_id)
    att = inline[0]
    try:
        raw = base64.b64decode(att["data"], validate=True)
    except (binascii.Error, ValueError, TypeError):
        return _error("invalid_base64", f"{source}: {note_id} attachment data is not valid base64", note_id)
    charset = _charset(att) or "utf-8"
    try:
        return raw.decode(charset)
    except (UnicodeDecodeError, LookupError):
        code = "invalid_utf8" if charset.lower().replace("-", "") == "utf8" else "invalid_encoding"
        return _error(code, f"{source}: {note_id} attachment is not valid {charset}", note_id)


def _media_type(att: dict[str, Any]) -> str:
    return str(att.get("contentType") or "").split(";")[0].strip().lower()


def _charset(att: dict[str, Any]) -> Optional[str]:
    for param in str(att.get("contentType") or "").split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip('"')
    return None


def _date_of_service(doc: dict[str, Any]) -> Optional[str]:
    """The clinical period start when given (when care happened), else the document date."""
    period = ((doc.get("context") or {}).get("period") or {})
    for value in (period.get("start"), doc.get("date")):
        match = _DATE.match(str(value or ""))
        if match:
            return match.group(1)
    return None


def note_type(doc: dict[str, Any]) -> Optional[str]:
    """The corpus note_type for a DocumentReference: addendum relation, LOINC code, then words."""
    if any(r.get("code") == "appends" for r in doc.get("relatesTo") or [] if isinstance(r, dict)):
        return "addendum"
    dtype = doc.get("type")
    if not isinstance(dtype, dict):
        return None
    codings = [c for c in dtype.get("coding") or [] if isinstance(c, dict)]
    for coding in codings:
        if coding.get("code") in LOINC_NOTE_TYPES and "loinc" in str(coding.get("system", "loinc")).lower():
            return LOINC_NOTE_TYPES[coding["code"]]
    words = " ".join([str(dtype.get("text") or "")] + [str(c.get("display") or "") for c in codings]).lower()
    for word, kind in TYPE_WORDS:
        if word in words:
            return kind
    return "other" if words.strip() or codings else None
