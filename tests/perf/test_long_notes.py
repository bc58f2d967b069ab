"""Long notes (issue 14, item 9): the steps that compared every mention, cue or sentence with every other one
give the results they gave before, and a note that outlives its time budget becomes its own error line.

How fast a long note scans is the benchmark's to say (``bench.py --only long_notes``), not a test's.
"""

import dataclasses
from hypothesis import given, settings, strategies as st

from cptscan.coding import NearestService
from cptscan.nlp.components import SentenceConText
from cptscan.nlp.intervals import SpanIndex, touching_groups
from cptscan.nlp.medspacy_parts import ConText
from cptscan.nlp.pipeline import make_doc
from cptscan.records import Mention
from cptscan.nlp.extensions import MENTIONS

# the test's own paragraph: a documented service, a declined one, a planned one and a cue-rich history line
PARAGRAPH = ("Coronary CTA done today; the CCTA data set went to AI plaque analysis (Cleerly), total plaque "
             "volume 300 mm3.\nNo perivascular fat analysis was ordered, and CaRi-Heart may be considered "
             "next year if symptoms persist.\nHistory of cardiac CT in 2019 without plaque quantification; "
             "denies chest pain, no dyspnea.\nMy interpretation: mild plaque, continue statin.\n\n")

intervals = st.lists(st.tuples(st.integers(0, 60), st.integers(0, 8)).map(lambda t: (t[0], t[0] + t[1])),
                     max_size=30)


def _meets(a, b):
    return a[0] <= b[1] and b[0] <= a[1]


@given(intervals, st.tuples(st.integers(0, 70), st.integers(0, 10)))
def test_span_index_finds_every_span_meeting_a_window(spans, window):
    start, end = window[0], window[0] + window[1]
    found = SpanIndex(spans).meeting(start, end)
    assert found == sorted(found)
    assert {i for i, s in enumerate(spans) if _meets(s, (start, end))} <= set(found)


@given(intervals)
def test_touching_groups_never_part_two_spans_that_meet(spans):
    groups = touching_groups(spans)
    where = {i: g for g, group in enumerate(groups) for i in group}
    assert sorted(where) == list(range(len(spans))) and all(group == sorted(group) for group in groups)
    assert all(where[i] == where[j] for i, a in enumerate(spans) for j, b in enumerate(spans) if _meets(a, b))


@settings(max_examples=200)
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(1, 6), st.sampled_from("AB")), max_size=12),
       st.tuples(st.integers(0, 40), st.integers(1, 6)))
def test_nearest_service_is_the_first_nearest_in_the_list(services, mention):
    def m(start, length, label="X"):
        return Mention(start=start, end=start + length, label=label, text="", assertion="affirmed", section=None,
                       rule="r")

    listed = [m(*s) for s in services]
    expected = (min(listed, key=lambda s: abs((s.start + s.end) - (2 * mention[0] + mention[1]))).label
                if listed else None)
    assert NearestService(listed)(m(*mention)) == expected


def _modifiers_by_target(doc):
    return [(t.start, t.end, t.label_, [(mod.category, mod.modifier_span, mod.scope_span) for mod in t._.modifiers])
            for t in doc.spans[MENTIONS]]


def test_sentence_context_gives_medspacy_contexts_results_on_a_long_note(scanner):
    """The same cues, scopes and edges as medspaCy's pairwise ConText, target by target, in order."""
    context = scanner.nlp.get_pipe("cptscan_context")
    assert isinstance(context, SentenceConText)
    text = PARAGRAPH * 40
    results = []
    for call in (SentenceConText.__call__, ConText.__call__):
        doc = make_doc(scanner.nlp, text, "2026-05-01", None)
        for name, proc in scanner.nlp.pipeline:
            if name == "cptscan_context":
                doc = call(context, doc)
                break
            doc = proc(doc)
        results.append(_modifiers_by_target(doc))
    assert results[0] == results[1]
    assert sum(len(mods) for *_, mods in results[0]) > 100


def test_a_note_past_its_time_budget_is_its_own_error_line(scanner):
    hurried = dataclasses.replace(scanner, time_budget=0.001)
    long_note = {"note_id": "long", "chart_id": "C-9", "date_of_service": "2026-05-01", "text": PARAGRAPH * 400}
    short_note = {"note_id": "short", "text": PARAGRAPH}
    first, second = hurried.scan([long_note, short_note])
    assert first["error"]["code"] == "time_budget_exceeded"
    assert (first["note_id"], first["chart_id"], first["codes"]) == ("long", "C-9", [])
    assert "Cleerly" not in first["error"]["message"]
    assert second["note_id"] == "short"  # the batch goes on: each note has a budget of its own
    relaxed = dataclasses.replace(scanner, time_budget=600.0)
    assert relaxed.scan_text(PARAGRAPH * 400)["error"] is None
    assert relaxed.scan_text(PARAGRAPH) == scanner.scan_text(PARAGRAPH)
