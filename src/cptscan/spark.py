"""Spark adapter: scan a DataFrame of notes on the cluster, one scanner per Python worker.

``scan_dataframe`` runs the scanner inside ``mapInPandas``, so notes never travel to the driver and the
output is an ordinary DataFrame (one row per input row) that can be written to Parquet or a Delta table.
Loading the pipeline takes seconds, so each Python worker loads it once and keeps it in a module-level
cache; Spark reuses workers between tasks (``spark.python.worker.reuse``, on by default).

Nested result parts (``codes``, ``mentions``, ``versions``) are JSON strings: their shape is the corpus
format's, so ``json.loads`` gives back exactly the dict ``scan`` returns, and Spark's ``from_json`` can
type them where a query needs it. ``candidate_codes`` holds the codes that count as candidates
(supported or documentation_gap) for quick SQL filters such as ``array_contains``.
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any, Callable, Iterator, Optional

from cptscan.io.readers import ColumnMapping
from cptscan.records import CANDIDATE_STATUSES, HEADER_FIELDS

OUTPUT_DDL = (
    "note_id string, chart_id string, date_of_service string, note_type string, codes string, "
    "candidate_codes array<string>, concepts array<string>, mentions string, "
    "error_code string, error_message string, versions string"
)

_SCANNERS: dict[str, Any] = {}


def _load_default() -> Any:
    import cptscan

    return cptscan.load()


def worker_scanner(factory: Callable[[], Any]) -> Any:
    """The scanner for this Python process, built by ``factory`` on first use and then reused.

    Keyed by the factory's name, not its identity: Spark unpickles a fresh copy of the function for every
    task, and the point is to load the pipeline once per worker, not once per task.
    """
    key = f"{getattr(factory, '__module__', '')}.{getattr(factory, '__qualname__', repr(factory))}"
    if key not in _SCANNERS:
        _SCANNERS[key] = factory()
    return _SCANNERS[key]


def result_row(result: dict[str, Any]) -> dict[str, Any]:
    """One result dict as a row of the ``OUTPUT_DDL`` schema."""
    codes = result.get("codes") or []
    error = result.get("error") or {}
    row = {k: result.get(k) for k in HEADER_FIELDS}
    row.update(
        codes=json.dumps(codes, ensure_ascii=False),
        candidate_codes=[c["code"] for c in codes if c.get("status") in CANDIDATE_STATUSES],
        concepts=list(result.get("concepts") or []),
        mentions=json.dumps(result.get("mentions") or [], ensure_ascii=False),
        error_code=error.get("code"),
        error_message=error.get("message"),
        versions=json.dumps(result.get("versions"), sort_keys=True),
    )
    return row


def _records(pdf) -> list[dict[str, Any]]:
    """A pandas batch as note records: nulls become None, a null text an empty note (as the readers do)."""
    rows = pdf.astype(object).where(pdf.notna(), None).to_dict("records")
    for row in rows:
        if row.get("text") is None:
            row["text"] = ""
    return rows


def scan_batches(factory: Callable[[], Any], batches: Iterator[Any]) -> Iterator[Any]:
    """The ``mapInPandas`` function: scan each Arrow batch and yield its result rows."""
    import pandas as pd

    scanner = worker_scanner(factory)
    columns = [c.split(" ")[0] for c in OUTPUT_DDL.split(", ")]
    for pdf in batches:
        rows = [result_row(r) for r in scanner.scan(_records(pdf))]
        yield pd.DataFrame(rows, columns=columns)


def _as_string(df, column: Optional[str]):
    """A column as strings; dates and timestamps as ``yyyy-MM-dd`` (a timestamp's cast would add the time)."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import DateType, TimestampType

    if column is None:
        return F.lit(None).cast("string")
    if isinstance(df.schema[column].dataType, (DateType, TimestampType)):
        return F.date_format(F.col(column), "yyyy-MM-dd")
    return F.col(column).cast("string")


def scan_dataframe(df, id_col: str = "note_id", text_col: str = "text", chart_col: Optional[str] = None,
                   date_col: Optional[str] = None, type_col: Optional[str] = None,
                   scanner_factory: Optional[Callable[[], Any]] = None):
    """Scan every row of ``df``; returns a DataFrame with the ``OUTPUT_DDL`` schema, one row per input row.

    Column names work as in the CSV/Parquet readers: unset optional columns are taken from the
    corpus-format names (``chart_id``, ``date_of_service``, ``note_type``) when ``df`` has them. Date
    columns may be strings or Spark dates (cast to ``yyyy-MM-dd``). ``scanner_factory`` builds the scanner
    on each worker (default ``cptscan.load``); it must be picklable, e.g. a plain function.
    """
    mapping = ColumnMapping(id_col, text_col, chart_col, date_col, type_col).resolve(df.columns)
    selected = [_as_string(df, mapping.get(field)).alias(field) for field in ("note_id", "text") + HEADER_FIELDS[1:]]
    factory = scanner_factory or _load_default
    return df.select(*selected).mapInPandas(partial(scan_batches, factory), schema=OUTPUT_DDL)
