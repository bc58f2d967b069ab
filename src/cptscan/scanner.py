"""The scanner: note records in, one result line per record out, in order, nothing lost.

read -> validate -> gate -> NLP pipeline -> mentions -> code decisions -> result dict. A record that cannot
be scanned becomes a result line with ``error`` set, and the batch goes on. Logs carry note ids and counts,
never note text.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import re
import os
import re
import sys
import threading
import time
from bisect import bisect_right
import multiprocessing as mp
import queue
import signal
from dataclasses import dataclass, field, replace
from itertools import islice
from typing import Any, Iterable, Iterator, Optional, Sequence

from spacy.language import Language
from spacy.tokens import Doc

from . import __version__
from .ablation import checked, steps_off
from .catalog import Catalog, parse_date
from .coding import CodingContext, decide
from .nlp.components import MENTIONS
from .nlp.extensions import TimeBudgetExceeded, sentence_windows, text_of
from .nlp.gate import Gate, RepairAwareGate
from .nlp.pipeline import build_pipeline, make_doc, mentions_of, run
from .records import DEFAULT_TIME_BUDGET, HEADER_FIELDS, Mention, Note, ScanError
from .knowledge import Knowledge, knowledge_for
from .rules import RuleSet
from .textprep import Repaired, Repairs, looks_binary, prepare

log = logging.getLogger("cptscan")

DEFAULT_MAX_CHARS = 6_000_000
BATCH_SIZE = 64
#: notes per task handed to a ``jobs`` worker: small enough that the notes needing the full pipeline, which
#: cluster (a chart's notes, a day's CCTA reports), spread over the workers instead of ending the run in one.
PARALLEL_CHUNK = 16


def duplicate_id_error(note_id: str) -> ScanError:
    return ScanError("duplicate_note_id", f"note_id {note_id} already appeared earlier in this input")


# A JSON "\ud800" escape decodes to a lone surrogate: a str Python holds but UTF-8 cannot encode.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _readable(record: dict) -> dict[str, Optional[str]]:
    """The header fields of a record that can be read and written back, for its line (an error line too)."""
    header: dict[str, Optional[str]] = dict.fromkeys(HEADER_FIELDS)
    for name in HEADER_FIELDS:
        value = record.get(name)
        if isinstance(value, int) and not isinstance(value, bool) and name != "note_type":
            value = str(value)
        if isinstance(value, str) and value.strip() and not _SURROGATE.search(value):
            header[name] = value
    if header["date_of_service"] is not None:
        try:
            header["date_of_service"] = parse_date(header["date_of_service"]).isoformat()
        except ValueError:
            header["date_of_service"] = None
    return header


def _surrogate_error(record: dict) -> Optional[ScanError]:
    """Which field holds a lone surrogate, and where; the text itself is never quoted."""
    for name in ("text", *HEADER_FIELDS):
        value = record.get(name)
        found = _SURROGATE.search(value) if isinstance(value, str) else None
        if found:
            return ScanError("invalid_unicode", f"{name} holds a lone surrogate (a \\ud800-\\udfff escape) at "
                                                f"character {found.start()}: it is not Unicode text")
    return None


def validate(record: Any, seen_ids: set[str], max_chars: int) -> Note | tuple[dict, ScanError]:
    """A ``Note`` ready to scan, or the readable header fields and why the record cannot be scanned."""
    if not isinstance(record, dict):
        return dict.fromkeys(HEADER_FIELDS), ScanError("invalid_record",
                                                       f"expected a JSON object, got {type(record).__name__}")
    header = _readable(record)
    note_id = header["note_id"]
    if "_error" in record:
        err = record["_error"] or {}
        return header, ScanError(str(err.get("code", "unreadable")), str(err.get("message", "record could not be read")))
    if (surrogate := _surrogate_error(record)) is not None:
        return header, surrogate
    if note_id is None:
        return header, ScanError("missing_note_id", "the record has no usable note_id")
    if note_id in seen_ids:
        return header, duplicate_id_error(note_id)
    seen_ids.add(note_id)
    text = record.get("text")
    if text is None:
        return header, ScanError("missing_text", "the record has no text field")
    if not isinstance(text, str):
        return header, ScanError("invalid_text", f"text must be a string, got {type(text).__name__}")
    if not text.strip():
        return header, ScanError("empty_text", "text is empty or whitespace only")
    if len(text) > max_chars:
        return header, ScanError("text_too_large", f"text has {len(text):,} characters; the limit is {max_chars:,}")
    if looks_binary(text):
        return header, ScanError("binary_text", "text looks like binary data, not a clinical note")
    dos = record.get("date_of_service")
    if dos not in (None, ""):
        try:
            dos = parse_date(dos).isoformat()
        except ValueError as exc:
            return header, ScanError("invalid_date", str(exc))
    fields = {k: record.get(k) for k in ("chart_id", "note_type")}
    return Note(note_id=note_id, text=text, date_of_service=dos or None,
                chart_id=None if fields["chart_id"] is None else str(fields["chart_id"]),
                note_type=fields["note_type"] if isinstance(fields["note_type"], str) else None)


@dataclass
class Scanner:
    """Loads the pipeline, rules, catalog and models once; scans any number of notes."""

    nlp: Language
    gate: Gate
    knowledge: Knowledge
    model_hashes: dict[str, str] = field(default_factory=dict)
    use_gate: bool = True
    max_chars: int = DEFAULT_MAX_CHARS
    #: seconds a note may take before it becomes a ``time_budget_exceeded`` error line (None: no limit)
    time_budget: Optional[float] = DEFAULT_TIME_BUDGET

    @property
    def catalog(self) -> Catalog:
        return self.knowledge.catalog

    @property
    def rules(self) -> RuleSet:
        return self.knowledge.rules

    def __post_init__(self) -> None:
        self.nlp.max_length = max(self.nlp.max_length, self.max_chars + 1)
        self.coding = CodingContext(self.catalog, self.rules)
        self.anchor_labels = frozenset(self.rules.anchor_labels)
        self.skipped_steps = steps_off(self.knowledge.ablated)
        self.repairs = None if "repairs" in self.skipped_steps else Repairs.from_rules(self.rules)
        self.repair_gate = RepairAwareGate(self.gate, self.repairs) if self.repairs is not None else None
        self.versions = {
            "cptscan": __version__,
            "catalog": f"{self.catalog.version}+{self.catalog.sha256[:12]}",
            "rules": self.rules.sha256[:16],
            "packs": list(self.knowledge.packs),
            "models": dict(self.model_hashes),
        }
        if self.knowledge.ablated:
            self.versions["ablated"] = list(self.knowledge.ablated)

    # -- public API -----------------------------------------------------------------------------------------
    def scan(self, records: Iterable[Any], jobs: int = 1) -> Iterator[dict]:
        """One result dict per record, in input order. ``jobs`` > 1 scans batches in worker processes."""
        if jobs > 1:
            yield from _scan_parallel(self, records, jobs)
            return
        seen: set[str] = set()
        iterator = iter(records)
        while batch := list(islice(iterator, BATCH_SIZE)):
            yield from self._scan_batch(batch, seen)

    def scan_text(self, text: str, note_id: str = "text", **fields: Any) -> dict:
        """Scans one note given as text; ``fields`` are the optional note fields (date_of_service, ...)."""
        return next(self.scan([{"note_id": note_id, "text": text, **fields}]))

    def assertion_of(self, sentence: str, concept: str) -> str:
        """The assertion the pipeline gives ``concept`` inside ``sentence`` (for negation test kits)."""
        doc = make_doc(self.nlp, sentence, None, None)
        at = sentence.lower().find(concept.lower())
        if at < 0:
            return "affirmed"
        span = doc.char_span(at, at + len(concept), label="TARGET", alignment_mode="expand")
        doc.spans[MENTIONS] = [span] if span is not None else []
        for name, proc in self.nlp.pipeline:
            if name != "cptscan_targets":
                doc = proc(doc)
        return doc.spans[MENTIONS][0]._.cptscan_assertion if span is not None else "affirmed"

    # -- internals ------------------------------------------------------------------------------------------
    def _scan_batch(self, batch: list[Any], seen: set[str]) -> Iterator[dict]:
        checked = [validate(record, seen, self.max_chars) for record in batch]
        for item in checked:
            if isinstance(item, Note):
                try:
                    result = self._result(item, *self._parse(item))
                except TimeBudgetExceeded:
                    log.warning("note %s not scanned: time budget of %g s exceeded", item.note_id, self.time_budget)
                    error = ScanError("time_budget_exceeded",
                                      f"the note was not scanned within its time budget of {self.time_budget:g} s "
                                      f"({len(item.text):,} characters); split it or raise the budget")
                    result = self._error_line(item.header(), error)
                except Exception as exc:  # a fault of ours on one note must not cost the batch its other notes
                    log.error("note %s not scanned: internal error %s", item.note_id, type(exc).__name__)
                    error = ScanError("internal_error",
                                      f"the scanner failed on this note ({type(exc).__name__}); please report it")
                    result = self._error_line(item.header(), error)
                yield result
            else:
                header, error = item
                log.warning("note %s not scanned: %s", header["note_id"], error.code)
                yield self._error_line(header, error)

    def _parse(self, note: Note) -> tuple[Optional[Doc], Repaired]:
        """The pipeline's Doc for a note the gate lets through (None for one it turns away), and the note read
        back from OCR and dictation noise, with its map to the note as sent."""
        deadline = time.monotonic() + self.time_budget if self.time_budget is not None else None
        if self.repairs is None:
            repaired = Repaired(note.text)
        elif self.use_gate and not self.repair_gate.may_pass(note.text):  # the repairs cost more than this test
            return None, Repaired(note.text)
        else:
            repaired = self.repairs(note.text)
        # The gate first reads the repaired note with every line joined (a superset of any prepared text:
        # preparing only joins lines and adds punctuation), so the notes it turns away are never prepared.
        if self.use_gate and not self.gate.passes(repaired.text.replace("\n", " ")):
            return None, repaired
        text = prepare(repaired.text, self.skipped_steps)
        if self.use_gate and not self.gate.passes(text):
            return None, repaired
        doc = make_doc(self.nlp, text, note.date_of_service, note.note_type, deadline)
        return run(self.nlp, doc, self.anchor_labels), repaired

    def _result(self, note: Note, doc: Optional[Doc], repaired: Repaired) -> dict:
        mentions = mentions_of(doc, self.rules) if doc is not None else []
        if not any(m.label in self.anchor_labels for m in mentions):
            mentions = []
        sentence_of = _sentence_index(doc, mentions) if doc is not None else {}
        if doc is not None and text_of(doc) != note.text:  # text was prepared: evidence quotes the note as sent
            mentions, sentence_of = _as_sent(mentions, sentence_of, note.text, repaired)
        decisions = decide(mentions, sentence_of, self.coding, _paragraph_index(note.text, mentions))
        return {
            **note.header(),
            "codes": [d.as_dict() for d in decisions],
            "concepts": self._concepts(mentions, bool(decisions)),
            "mentions": [m.as_evidence() for m in mentions],
            "error": None,
            "versions": self.versions,
        }

    def _concepts(self, mentions: list[Mention], has_codes: bool) -> list[str]:
        """Affirmed concept labels; an interpretation counts only next to an in-scope service."""
        labels = set(self.rules.concept_labels)
        if not has_codes:
            labels -= set(self.rules.labels_with_role("interpretation"))
        return sorted({m.label for m in mentions if m.affirmed and m.label in labels})

    def _error_line(self, header: dict, error: ScanError) -> dict:
        """A record's line when it could not be scanned: what of its header was readable, and why."""
        return {**header, "codes": [], "concepts": [], "mentions": [], "error": error.as_dict(),
                "versions": self.versions}


BLANK_LINE = re.compile(r"\n[ \t]*\n")


def _paragraph_index(text: str, mentions: list[Mention]) -> dict[int, int]:
    """Each mention's paragraph: the blocks between blank lines of the note as sent."""
    starts = [0] + [m.end() for m in BLANK_LINE.finditer(text)]
    return {m.start: bisect_right(starts, m.start) - 1 for m in mentions}


def _as_sent(mentions: list[Mention], sentence_of: dict[int, int], text: str,
             repaired: Repaired) -> tuple[list[Mention], dict[int, int]]:
    """Mentions found in the prepared text moved to the offsets and characters of the note as sent, with their
    sentence index keyed by the moved start."""
    moved, sentences = [], {}
    for m in mentions:
        start, end = repaired.original(m.start, m.end)
        moved.append(replace(m, start=start, end=end, text=text[start:end]))
        sentences[start] = sentence_of[m.start]
    return moved, sentences


def _sentence_index(doc: Doc, mentions: list[Mention]) -> dict[int, int]:
    starts = [doc[start].idx for start, _ in sentence_windows(doc)]
    return {m.start: max(bisect_right(starts, m.start) - 1, 0) for m in mentions}


# -- parallel batches -----------------------------------------------------------------------------------------
class WorkerError(RuntimeError):
    """A ``jobs`` worker died or failed: the results before its chunk were delivered, the rest is unscanned."""


#: chunks handed to the workers ahead of their results, per worker: one being scanned, one waiting.
CHUNKS_AHEAD = 2
#: chunks finished out of order and held until the ones before them are in (bounds memory on a slow chunk).
CHUNKS_HELD = 64
#: seconds between checks that no worker has died while the caller waits for a result.
WORKER_CHECK_SECONDS = 1.0


#: prctl option: the signal the kernel sends this process when the thread that forked it dies (Linux).
PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """End this worker when its parent ends, however it ends (SIGTERM, kill -9, out of memory).

    A worker only ever leaves its loop when the parent tells it to; without this, a parent killed before it
    could tell them leaves its workers (each holding a whole scanner, ~200 MB) waiting forever. On Linux the
    kernel sends SIGKILL at the parent's death; elsewhere a thread checks every second that the parent lives.
    """
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    else:
        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(WORKER_CHECK_SECONDS)
            os._exit(1)

        threading.Thread(target=watch, name="cptscan-parent-watch", daemon=True).start()
    if os.getppid() != parent:  # the parent died before the watch was set
        os._exit(1)


def _worker_loop(scanner: Scanner, tasks: Any, results: Any, parent: int) -> None:
    """A forked worker: scans each chunk it is sent, until it is sent None.

    Ctrl-C reaches the terminal's whole process group; the parent stops the workers and reports, so a
    worker ignores it rather than print a traceback of its own.
    """
    _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while (task := tasks.get()) is not None:
        number, chunk = task
        try:
            results.put((number, list(scanner.scan(chunk)), None))
        except Exception as exc:  # a bug, not bad input (that becomes an error line): stop the batch, say what
            results.put((number, None, type(exc).__name__))


def _chunks_with_duplicate_check(records: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Chunks for the workers; duplicate ids are caught here, where the whole input is seen in order."""
    seen: set[str] = set()
    iterator = iter(records)
    while chunk := list(islice(iterator, size)):
        out = []
        for record in chunk:
            note_id = record.get("note_id") if isinstance(record, dict) else None
            if isinstance(note_id, (str, int)) and "_error" not in record:
                key = str(note_id)
                if key in seen:
                    record = {**record, "_error": duplicate_id_error(key).as_dict()}
                seen.add(key)
            out.append(record)
        yield out


def _scan_parallel(scanner: Scanner, records: Iterable[Any], jobs: int) -> Iterator[dict]:
    """Chunks scanned by ``jobs`` forked workers, each holding the parent's loaded scanner; results in order.

    The caller's thread hands out chunks and reads results itself. (multiprocessing.Pool's worker-handler
    thread wakes for every result waiting in the pipe: on a 2-second batch it took 0.3 CPU-seconds from the
    two workers it served.) Input is read only a few chunks ahead of the output, so a stream stays a stream,
    and a worker that dies (killed, out of memory) ends the scan with an error rather than a hang.
    """
    context = mp.get_context("fork")
    tasks, results = context.Queue(), context.Queue()
    # A worker's garbage collector would walk every object it inherited (the pipeline, the models, the
    # caller's data) and so copy each page it touches; frozen objects are not walked, the pages stay shared.
    gc.freeze()
    workers = [context.Process(target=_worker_loop, args=(scanner, tasks, results, os.getpid()), daemon=True)
               for _ in range(jobs)]
    try:
        for worker in workers:
            worker.start()
        chunks = enumerate(_chunks_with_duplicate_check(records, PARALLEL_CHUNK))
        held: dict[int, list[dict]] = {}
        sent = received = next_out = 0
        more, finished = True, False
        while more or next_out < sent:
            while more and sent - received < CHUNKS_AHEAD * jobs and sent - next_out < CHUNKS_HELD:
                item = next(chunks, None)
                more = item is not None
                if more:
                    tasks.put(item)
                    sent += 1
            if received == sent:
                continue
            number, out, failure = _next_result(results, workers)
            received += 1
            if failure is not None:
                raise WorkerError(f"a scan worker failed on chunk {number} with {failure}")
            held[number] = out
            while next_out in held:
                yield from held.pop(next_out)
                next_out += 1
        finished = True
    finally:
        for worker in workers:
            if finished:
                tasks.put(None)
            elif worker.is_alive():  # the caller stopped reading, or a worker failed: no chunk is worth waiting for
                worker.terminate()
        for worker in workers:
            worker.join()
        tasks.cancel_join_thread()
        gc.unfreeze()


def _next_result(results: Any, workers: list) -> tuple[int, Optional[list[dict]], Optional[str]]:
    """The next result in, checking before each wait that every worker lives (a worker only ever exits when
    told to, so a dead one lost its chunk: the scan must stop rather than wait for it)."""
    while True:
        dead = [w.exitcode for w in workers if not w.is_alive()]
        if dead:
            raise WorkerError(f"a scan worker stopped unexpectedly (exit code {dead[0]}); the results before "
                              "its notes were delivered, the rest of the input was not scanned")
        try:
            return results.get(timeout=WORKER_CHECK_SECONDS)
        except queue.Empty:
            continue


def load(use_gate: bool = True, max_chars: int = DEFAULT_MAX_CHARS, catalog_path: Optional[str] = None,
         packs: Sequence[str] = (), rules_only: bool = False, knowledge_dir: Optional[str] = None,
         time_budget: Optional[float] = DEFAULT_TIME_BUDGET, ablate: str | Sequence[str] = ()) -> Scanner:
    """The ready-to-use scanner: the default code packs plus ``packs``, a site catalog if given, the verified
    models (missing ones are an error unless ``rules_only``); pipeline built once. ``knowledge_dir`` is a
    directory written by ``Knowledge.to_disk`` (its packs, catalog and models, hash-checked) instead.
    ``time_budget``: seconds one note may take (None: no limit). ``ablate`` names capabilities to switch off
    for measuring them (``cptscan.ablation.CAPABILITIES``; an unknown name raises ``UnknownCapability``)."""
    from .models import load_model_components

    knowledge = knowledge_for(packs, catalog_path, knowledge_dir, checked(ablate))
    extra_pipes, hashes = load_model_components(knowledge.models_dir, rules_only=rules_only)
    return Scanner(
        nlp=build_pipeline(extra_pipes, knowledge),
        gate=Gate.from_rules(ruleset=knowledge.rules),
        knowledge=knowledge,
        model_hashes=hashes,
        use_gate=use_gate,
        max_chars=max_chars,
        time_budget=time_budget,
    )
