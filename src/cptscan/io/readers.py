"""Readers that turn input files into note records for ``Scanner.scan``.

Every reader is a generator: it holds one line, row, batch or file at a time, so a corpus of any size
streams through in bounded memory (a FHIR Bundle is the one exception: it is a single JSON document).

A reader never stops a run because one note is bad. An input it cannot read becomes an error record,
``{"note_id": <id or None>, "_error": {"code": ..., "message": ...}}``, which ``scan`` turns into an
error result line, so every input shows up in the output. Messages name the line, row or file, never
the note text.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Iterator, Optional

from cptscan.io import fhir

Record = dict[str, Any]

FORMATS = ("jsonl", "csv", "tsv", "parquet", "txt", "fhir", "fhir-bundle", "fhir-ndjson")
_BY_SUFFIX = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".tsv": "tsv",
              ".parquet": "parquet", ".pq": "parquet", ".json": "fhir-bundle"}
# CSV fields hold whole notes; the csv module's default limit (128 KiB) is too small for long reports.
_CSV_FIELD_LIMIT = 2**31 - 1
# UTF-8 that may start with a byte-order mark, as Excel's "CSV UTF-8" and Windows editors write it.
_TEXT_ENCODING = "utf-8-sig"
# json.loads recurses once per level of nesting: a line of a hundred thousand "[" exhausts Python's stack.
NESTED_TOO_DEEPLY = "JSON nested too deeply to read (no note is nested like this)"


def error_record(code: str, message: str, note_id: Optional[str] = None) -> Record:
    """A record ``scan`` turns into an error result: the input stays visible in the output."""
    return {"note_id": note_id, "_error": {"code": code, "message": message}}


@dataclass(frozen=True)
class ColumnMapping:
    """Which columns of a table hold the note fields. Optional columns are used only when present."""

    id_col: str = "note_id"
    text_col: str = "text"
    chart_col: Optional[str] = None
    date_col: Optional[str] = None
    type_col: Optional[str] = None

    def resolve(self, columns: list[str]) -> dict[str, str]:
        """Map record field -> source column, failing early when a required column is missing.

        Unset optional columns default to the corpus-format names when the table has them, so a table
        written in the corpus format needs no mapping at all.
        """
        missing = [c for c in (self.id_col, self.text_col) if c not in columns]
        if missing:
            raise ValueError(f"input has no column {missing[0]!r} (columns: {', '.join(columns)})")
        out = {"note_id": self.id_col, "text": self.text_col}
        for field, given in (("chart_id", self.chart_col), ("date_of_service", self.date_col),
                             ("note_type", self.type_col)):
            if given is not None and given not in columns:
                raise ValueError(f"input has no column {given!r} (columns: {', '.join(columns)})")
            if given is not None or field in columns:
                out[field] = given or field
        return out


def _cell(value: Any) -> Optional[str]:
    """A table cell as the string the corpus format wants; blanks and nulls become None."""
    if value is None or value == "":
        return None
    if isinstance(value, float) and value != value:  # NaN from pandas-written files
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def row_to_record(row: dict[str, Any], columns: dict[str, str]) -> Record:
    """One table row as a note record, using a mapping from ``ColumnMapping.resolve``."""
    record: Record = {field: _cell(row.get(col)) for field, col in columns.items()}
    if record.get("text") is None:
        record["text"] = ""
    return record


def read_jsonl(path: str | Path) -> Iterator[Record]:
    """Notes from a JSON Lines file (``-`` is stdin); a bad line becomes an error record, not a stop."""
    if str(path) == "-":
        yield from _jsonl_lines(sys.stdin.buffer, "<stdin>")
        return
    with open(path, "rb") as fh:
        yield from _jsonl_lines(fh, str(path))


def _jsonl_lines(fh: IO[bytes], name: str) -> Iterator[Record]:
    """One record per non-blank line: a blank line is no record and gets no result line (as in CSV)."""
    for lineno, raw in enumerate(fh, start=1):
        if lineno == 1:
            raw = raw.removeprefix(codecs.BOM_UTF8)  # Windows editors and Excel start UTF-8 files with a BOM
        if not raw.strip():
            continue
        yield _parse_json_line(raw, lineno, name)


def _parse_json_line(raw: bytes, lineno: int, name: str) -> Record:
    """Decode and parse one line; failures come back as error records naming the line."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return error_record("invalid_utf8", f"{name} line {lineno}: not UTF-8 (byte {exc.start})")
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return error_record("malformed_json", f"{name} line {lineno}: {exc.msg} (column {exc.colno})")
    except RecursionError:
        return error_record("nested_too_deeply", f"{name} line {lineno}: {NESTED_TOO_DEEPLY}")
    if not isinstance(obj, dict):
        return error_record("malformed_json", f"{name} line {lineno}: not a JSON object")
    return obj


def read_csv(path: str | Path, delimiter: str = ",", **mapping: Optional[str]) -> Iterator[Record]:
    """Notes from a CSV/TSV file with a header row; ``mapping`` holds ``ColumnMapping`` fields.

    The file is decoded with ``surrogateescape`` (a leading byte-order mark dropped) so that one row with bytes that are not UTF-8 becomes an
    ``invalid_utf8`` error record while the rows around it are still read.
    """
    csv.field_size_limit(_CSV_FIELD_LIMIT)
    with open(path, encoding=_TEXT_ENCODING, errors="surrogateescape", newline="") as fh:
        reader = csv.DictReader(fh, delimiter=delimiter)
        columns = ColumnMapping(**mapping).resolve(list(reader.fieldnames or []))
        for row in reader:
            note_id = _clean_id(row.get(columns["note_id"]))
            if any(_has_bad_bytes(v) for v in row.values() if isinstance(v, str)):
                yield error_record("invalid_utf8", f"{path} line {reader.line_num}: not UTF-8", note_id)
                continue
            yield row_to_record(row, columns)


def _has_bad_bytes(text: str) -> bool:
    """True when ``surrogateescape`` decoding left an undecodable byte in the string."""
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def _clean_id(value: Optional[str]) -> Optional[str]:
    """An id that may contain undecodable bytes, made safe to put in an error record."""
    if value is None:
        return None
    return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace") or None


def read_parquet(path: str | Path, batch_size: int = 1024, **mapping: Optional[str]) -> Iterator[Record]:
    """Notes from a Parquet file, read ``batch_size`` rows at a time and only the mapped columns."""
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(path)
    columns = ColumnMapping(**mapping).resolve(pf.schema_arrow.names)
    for batch in pf.iter_batches(batch_size=batch_size, columns=sorted(set(columns.values()))):
        for row in batch.to_pylist():
            yield row_to_record(row, columns)


def read_txt_dir(path: str | Path) -> Iterator[Record]:
    """One note per ``*.txt`` file in a folder (not its subfolders); the note id is the file name stem."""
    for file in _txt_files(path):
        try:
            text = file.read_bytes().decode(_TEXT_ENCODING)
        except UnicodeDecodeError as exc:
            yield error_record("invalid_utf8", f"{file.name}: not UTF-8 (byte {exc.start})", file.stem)
            continue
        except OSError as exc:
            yield error_record("unreadable_file", f"{file.name}: {exc.strerror}", file.stem)
            continue
        yield {"note_id": file.stem, "text": text}


def _txt_files(path: str | Path) -> list[Path]:
    """The note files of a folder, in name order: its ``*.txt`` files, not its subfolders'."""
    return sorted(p for p in Path(path).iterdir() if p.suffix == ".txt" and p.is_file())


def read_fhir(path: str | Path) -> Iterator[Record]:
    """DocumentReference notes from a FHIR R4 Bundle (JSON) or NDJSON file, whichever the file is."""
    # A pretty-printed Bundle's first line is "{", not a whole object; an NDJSON line is one.
    if str(path) == "-" or _first_object(path) is not None:
        return read_fhir_ndjson(path)
    return read_fhir_bundle(path)


def read_fhir_bundle(path: str | Path) -> Iterator[Record]:
    """Notes from a Bundle file. A Bundle is one JSON document, so it is parsed whole."""
    name = str(path)
    try:
        with open(path, "rb") as fh:
            bundle = json.loads(fh.read().decode(_TEXT_ENCODING))
    except UnicodeDecodeError as exc:
        yield error_record("invalid_utf8", f"{name}: not UTF-8 (byte {exc.start})")
        return
    except json.JSONDecodeError as exc:
        yield error_record("malformed_json", f"{name}: {exc.msg} (line {exc.lineno})")
        return
    except RecursionError:
        yield error_record("nested_too_deeply", f"{name}: {NESTED_TOO_DEEPLY}")
        return
    yield from fhir.records_from_resource(bundle, name)


def read_fhir_ndjson(path: str | Path) -> Iterator[Record]:
    """Notes from FHIR NDJSON (bulk-export style): one resource, usually a DocumentReference, a line."""
    for obj in read_jsonl(path):
        if "_error" in obj:
            yield obj
        else:
            yield from fhir.records_from_resource(obj, str(path))


def _first_object(path: str | Path) -> Optional[dict]:
    """The first non-blank line parsed as a JSON object, or None; used to sniff NDJSON and FHIR."""
    with open(path, "rb") as fh:
        for raw in fh:
            if raw.strip():
                try:
                    obj = json.loads(raw)
                except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
                    return None
                return obj if isinstance(obj, dict) else None
    return None


def _table_columns(path: str | Path, fmt: str) -> list[str]:
    """The column names of a CSV/TSV header or a Parquet schema, read without reading the rows."""
    if fmt == "parquet":
        import pyarrow.parquet as pq

        return pq.ParquetFile(path).schema_arrow.names
    with open(path, encoding=_TEXT_ENCODING, errors="surrogateescape", newline="") as fh:
        return next(csv.reader(fh, delimiter=_delimiter(fmt)), [])


def _delimiter(fmt: str) -> str:
    return "\t" if fmt == "tsv" else ","


def detect_format(path: str | Path) -> str:
    """The format name for a path: ``-`` is JSONL, a folder is txt, else the file extension decides."""
    if str(path) == "-":
        return "jsonl"
    p = Path(path)
    if p.is_dir():
        return "txt"
    fmt = _BY_SUFFIX.get(p.suffix.lower())
    if fmt is None:
        raise ValueError(f"cannot tell the format of {p.name!r}; pass one of: {', '.join(FORMATS)}")
    if fmt == "jsonl" and "resourceType" in (_first_object(p) or {}):
        return "fhir-ndjson"
    return fmt


def read_records(path: str | Path, fmt: Optional[str] = None, **mapping: Optional[str]) -> Iterator[Record]:
    """Stream note records from ``path`` (``-`` = stdin, JSONL) in ``fmt`` or the format its name implies.

    ``mapping`` (``id_col``, ``text_col``, ``chart_col``, ``date_col``, ``type_col``) applies to CSV, TSV
    and Parquet; the other formats carry their own field names. Unset (None) mapping values are ignored.
    A missing file, an unknown format or a column the table lacks raise here (FileNotFoundError,
    ValueError), before the first record; bad records later come as error records.
    """
    if str(path) != "-" and not Path(path).exists():
        raise FileNotFoundError(f"no such file or folder: {path}")
    fmt = (fmt or detect_format(path)).lower()
    mapping = {k: v for k, v in mapping.items() if v is not None}
    if mapping and fmt not in ("csv", "tsv", "parquet"):
        raise ValueError(f"column mapping applies to csv, tsv and parquet, not {fmt}")
    if fmt in ("csv", "tsv", "parquet"):
        ColumnMapping(**mapping).resolve(_table_columns(path, fmt))  # a wrong mapping fails now, not mid-run
    if fmt == "jsonl":
        return read_jsonl(path)
    if fmt in ("csv", "tsv"):
        return read_csv(path, delimiter=_delimiter(fmt), **mapping)
    if fmt == "parquet":
        return read_parquet(path, **mapping)
    if fmt == "txt":
        return read_txt_dir(path)
    if fmt == "fhir":
        return read_fhir(path)
    if fmt == "fhir-bundle":
        return read_fhir_bundle(path)
    if fmt == "fhir-ndjson":
        return read_fhir_ndjson(path)
    raise ValueError(f"unknown input format {fmt!r}; known: {', '.join(FORMATS)}")


def count_records(path: str | Path, fmt: Optional[str] = None) -> Optional[int]:
    """How many records ``read_records`` will yield, for a progress total; None where that needs the reading
    itself (stdin, FHIR). Counting reads the file once more, as raw lines or CSV rows, far faster than a scan."""
    if str(path) == "-":
        return None
    fmt = (fmt or detect_format(path)).lower()
    if fmt == "jsonl":
        with open(path, "rb") as fh:
            return sum(1 for raw in fh if raw.strip() and raw.strip() != codecs.BOM_UTF8)
    if fmt in ("csv", "tsv"):
        with open(path, encoding=_TEXT_ENCODING, errors="surrogateescape", newline="") as fh:
            return sum(1 for _ in csv.DictReader(fh, delimiter=_delimiter(fmt)))
    if fmt == "parquet":
        import pyarrow.parquet as pq

        return pq.ParquetFile(path).metadata.num_rows
    if fmt == "txt":
        return len(_txt_files(path))
    return None
