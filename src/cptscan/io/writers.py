"""Result writers: JSONL (the corpus format), flattened CSV for spreadsheets, and Parquet for analytics.

Each writer takes result dicts one at a time (``write``) so a scan streams from reader to writer in
bounded memory, and is a context manager so the file is finished on exit. JSONL is the lossless format;
CSV and Parquet keep what coders and analysts query.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import signal
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional

Result = dict[str, Any]

OUTPUT_FORMATS = ("jsonl", "csv", "parquet")
UNWRITTEN_SUFFIXES = {".xlsx", ".xls", ".tsv", ".txt", ".xml", ".html", ".htm", ".avro", ".orc", ".feather", ".arrow"}
_BY_SUFFIX = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".csv": "csv",
              ".parquet": "parquet", ".pq": "parquet"}

CSV_COLUMNS = ("note_id", "chart_id", "date_of_service", "note_type", "code", "status", "missing",
               "coverage_documented", "confidence", "evidence", "concepts", "error_code", "error_message")


class _Writer:
    """Context-manager plumbing shared by the writers; ``count`` is the number of results written."""

    count = 0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def write_all(self, results: Iterable[Result]) -> int:
        for result in results:
            self.write(result)
        return self.count

    def write(self, result: Result) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def close(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


class _WholeRecords:
    """A file (or stdout) written one whole record at a time, each handed to the OS before the next is taken.

    Unbuffered, so a crash or kill leaves only whole records behind, and a write that fails part-way (a full
    disk) is cut back to the last whole record before the error goes on: a resumed run can trust every line
    it finds.
    """

    def __init__(self, path: str | Path, append: bool = False):
        self._fd: Optional[int] = None
        self._end = 0
        self.records = 0  # whole records written, counted with the write itself (see ``write``)
        if str(path) != "-":
            self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC), 0o644)
            self._end = os.lseek(self._fd, 0, os.SEEK_END)

    def write(self, data: bytes, counted: bool = True) -> None:
        """Writes one record whole. Ctrl-C is held off until the record and its count are both done, so the
        count a stopped run reports is exactly what the file holds; a failed write is cut back."""
        with _sigint_held():
            if self._fd is None:
                sys.stdout.buffer.write(data)
                sys.stdout.buffer.flush()
            else:
                view = memoryview(data)
                try:
                    while view:
                        view = view[os.write(self._fd, view):]
                except OSError:
                    with contextlib.suppress(OSError):
                        os.ftruncate(self._fd, self._end)
                    raise
                self._end += len(data)
            self.records += counted

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


@contextlib.contextmanager
def _sigint_held() -> Iterator[None]:
    """A Ctrl-C that comes during the block is handed on when the block ends (main thread only; elsewhere
    nothing to hold: Python runs its handlers in the main thread).

    A Python handler, not a signal mask: masking SIGINT in the main thread leaves the OS free to give it to
    another thread (with --jobs, a queue's feeder thread), and Python then raises KeyboardInterrupt in the
    main thread all the same, between a record's write and its count.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[Any] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(frame))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if caught and previous is not signal.SIG_IGN:
            if callable(previous):
                previous(signal.SIGINT, caught[0])  # Python's default handler raises KeyboardInterrupt
            else:
                raise KeyboardInterrupt


class JsonlWriter(_Writer):
    """One result per line (see ``_WholeRecords``: only whole lines are ever left in the file)."""

    def __init__(self, path: str | Path, append: bool = False):
        self._out = _WholeRecords(path, append=append)

    @property
    def count(self) -> int:
        return self._out.records

    def write(self, result: Result) -> None:
        self._out.write((json.dumps(result, ensure_ascii=False) + "\n").encode("utf-8"))

    def close(self) -> None:
        self._out.close()


def csv_rows(result: Result) -> list[dict[str, Any]]:
    """A result flattened to one row per candidate code; a note without codes (or an error) is one row.

    Lists are joined with ``;`` and evidence is shown as ``LABEL: text`` so the sheet reads on its own.
    """
    error = result.get("error") or {}
    base = {
        "note_id": result.get("note_id"),
        "chart_id": result.get("chart_id"),
        "date_of_service": result.get("date_of_service"),
        "note_type": result.get("note_type"),
        "concepts": ";".join(result.get("concepts") or []),
        "error_code": error.get("code"),
        "error_message": error.get("message"),
    }
    codes = result.get("codes") or []
    if not codes:
        return [base]
    rows = []
    for code in codes:
        evidence = " | ".join(f"{e.get('label')}: {e.get('text')}" for e in code.get("evidence") or [])
        rows.append({**base, "code": code.get("code"), "status": code.get("status"),
                     "missing": ";".join(code.get("missing") or []),
                     "coverage_documented": code.get("coverage_documented"),
                     "confidence": code.get("confidence"), "evidence": evidence})
    return rows


class CsvWriter(_Writer):
    """Flattened rows (see ``csv_rows``), each result's rows written whole, so a reader can tail the file."""

    def __init__(self, path: str | Path):
        self._out = _WholeRecords(path)
        self._out.write(self._encode(None), counted=False)

    @property
    def count(self) -> int:
        return self._out.records

    @staticmethod
    def _encode(rows: Optional[list[dict[str, Any]]]) -> bytes:
        """The header row when ``rows`` is None, else the rows, as CSV bytes."""
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS)
        if rows is None:
            writer.writeheader()
        else:
            writer.writerows(rows)
        return buffer.getvalue().encode("utf-8")

    def write(self, result: Result) -> None:
        self._out.write(self._encode(csv_rows(result)))

    def close(self) -> None:
        self._out.close()


def parquet_schema():
    """The Parquet schema: header columns, codes and evidence as nested structs, versions as JSON text.

    ``versions`` is JSON text because its keys (model names) vary between builds; everything a query
    filters on is typed.
    """
    import pyarrow as pa

    modifier = pa.struct([("category", pa.string()), ("cue", pa.string())])
    evidence = pa.struct([
        ("start", pa.int64()), ("end", pa.int64()), ("label", pa.string()), ("text", pa.string()),
        ("assertion", pa.string()), ("section", pa.string()), ("rule", pa.string()),
        ("modifiers", pa.list_(modifier)), ("source", pa.string()), ("score", pa.float64()),
    ])
    elements = pa.struct([("input", pa.bool_()), ("process", pa.bool_()), ("interpretation", pa.bool_())])
    code = pa.struct([
        ("code", pa.string()), ("status", pa.string()), ("missing", pa.list_(pa.string())),
        ("coverage_documented", pa.bool_()), ("confidence", pa.float64()), ("elements", elements),
        ("evidence", pa.list_(evidence)),
    ])
    return pa.schema([
        ("note_id", pa.string()), ("chart_id", pa.string()), ("date_of_service", pa.string()),
        ("note_type", pa.string()), ("codes", pa.list_(code)), ("concepts", pa.list_(pa.string())),
        ("mentions", pa.list_(evidence)),
        ("error", pa.struct([("code", pa.string()), ("message", pa.string())])),
        ("versions", pa.string()),
    ])


class ParquetWriter(_Writer):
    """Results buffered ``batch_size`` at a time and written as row groups, so memory stays bounded."""

    def __init__(self, path: str | Path, batch_size: int = 1000):
        import pyarrow.parquet as pq

        if str(path) == "-":
            raise ValueError("Parquet cannot be written to stdout; give a file name")
        self._schema = parquet_schema()
        self._pq = pq.ParquetWriter(str(path), self._schema)
        self._batch: list[Result] = []
        self._size = batch_size
        self.count = 0

    def write(self, result: Result) -> None:
        row = dict(result)
        row["versions"] = json.dumps(result.get("versions"), sort_keys=True)
        self._batch.append(row)
        self.count += 1
        if len(self._batch) >= self._size:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa

        if self._batch:
            self._pq.write_table(pa.Table.from_pylist(self._batch, schema=self._schema))
            self._batch = []

    def close(self) -> None:
        if self._pq is not None:
            self._flush()
            self._pq.close()
            self._pq = None


def output_format(path: str | Path) -> str:
    """The writer format for a path: .csv and .parquet/.pq by their extension; a data format we do not write
    (.xlsx, .tsv, ...) is an error rather than a surprise; anything else (``-``, .jsonl, no extension, a
    temporary file's random suffix) is JSONL, the corpus format that loses nothing."""
    suffix = Path(str(path)).suffix.lower()
    if suffix in UNWRITTEN_SUFFIXES:
        raise ValueError(f"cannot tell the output format of {Path(path).name!r}; "
                         f"pass one of: {', '.join(OUTPUT_FORMATS)}")
    return _BY_SUFFIX.get(suffix, "jsonl")


def refuse_input_as_output(output: str | Path, inputs: Iterable[Optional[str | Path]]) -> None:
    """ValueError when ``output`` is one of ``inputs`` (the same file by any path or link).

    Opening the output truncates it, so ``scan notes.jsonl -o notes.jsonl`` would empty the notes before
    reading them. Only an existing output can be an input; ``-`` (stdout) never is.
    """
    if str(output) == "-" or not os.path.exists(output):
        return
    for given in inputs:
        if given is not None and str(given) != "-" and os.path.exists(given) and os.path.samefile(output, given):
            raise ValueError(f"refusing to write to {output}: it is the input {given}; choose another output file")


def open_writer(path: str | Path, fmt: Optional[str] = None, append: bool = False) -> _Writer:
    """A writer for ``path`` (``-`` = stdout) in ``fmt`` or the format its extension implies.

    ``append`` (JSONL only) continues a file whose whole lines a resumed run keeps.
    """
    fmt = (fmt or output_format(path)).lower()
    if append and fmt != "jsonl":
        raise ValueError("only JSONL output can be appended to (--resume)")
    if fmt == "jsonl":
        return JsonlWriter(path, append=append)
    if fmt == "csv":
        return CsvWriter(path)
    if fmt == "parquet":
        return ParquetWriter(path)
    raise ValueError(f"unknown output format {fmt!r}; known: {', '.join(OUTPUT_FORMATS)}")


def write_results(results: Iterable[Result], path: str | Path, fmt: Optional[str] = None) -> int:
    """Write every result to ``path`` and return how many were written."""
    with open_writer(path, fmt) as writer:
        return writer.write_all(results)


def replace_file(path: str | Path, text: str) -> None:
    """``text`` written to a temporary file beside ``path``, then renamed over it: a write that fails (a full
    disk) leaves the old file, or none, never a torn or empty one."""
    path = Path(path)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(dir=path.resolve().parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
