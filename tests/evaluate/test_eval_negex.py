"""NegEx kit reader row counts and the scorer with trivial callables."""

from __future__ import annotations

import pytest
from shared_sets import SHARED, missing_reason

from cptscan.evaluate.negex import PUBLISHED, read_negex, score_negation

KIT = SHARED / "external" / "negex"
RS = KIT / "rsAnnotations-1-120-random.txt"
PLAIN = KIT / "Annotations-1-120.txt"
needs_kit = pytest.mark.skipif(not RS.exists() or not PLAIN.exists(), reason=missing_reason(KIT))


@needs_kit
@pytest.mark.parametrize("path", [RS, PLAIN], ids=["rs", "plain"])
def test_reader_counts(path):
    items = list(read_negex(path))
    assert len(items) == 2376
    assert sum(i.gold_negated for i in items) == 491


@needs_kit
def test_rs_columns():
    items = list(read_negex(RS))
    assert items[0].concept == "edema" and items[0].gold_negated
    assert sum(i.temporality == "Historical" for i in items) == 257
    assert sum(i.experiencer != "Patient" for i in items) == 6


@needs_kit
def test_plain_file_excel_quoting():
    items = list(read_negex(PLAIN))
    assert all(i.temporality is None and i.experiencer is None for i in items)
    assert not any(i.sentence.startswith('"') for i in items)  # quotes removed by csv
    # both files hold the same (concept, negation) multiset
    key = lambda it: sorted((" ".join(i.concept.split()).lower(), i.gold_negated) for i in it)  # noqa: E731
    assert key(items) == key(read_negex(RS))


@needs_kit
def test_scorer_with_trivial_callables():
    items = list(read_negex(RS))
    always = score_negation(items, lambda sentence, concept: "negated")["negation"]
    assert (always["tp"], always["fp"], always["tn"], always["fn"]) == (491, 1885, 0, 0)
    assert always["sensitivity"] == 1.0
    assert always["ppv"] == pytest.approx(491 / 2376)
    assert always["specificity"] == 0.0
    never = score_negation(items, lambda sentence, concept: "affirmed")
    assert (never["negation"]["tn"], never["negation"]["fn"]) == (1885, 491)
    assert never["negation"]["accuracy"] == pytest.approx(1885 / 2376)
    # temporality skips "Not particular" (56): 2063 recent + 257 historical
    assert never["temporality"]["fn"] == 257 and never["temporality"]["tn"] == 2063
    assert never["experiencer"]["fn"] == 6
    assert never["published"] is PUBLISHED


def test_scorer_counts_exceptions_as_errors():
    from cptscan.evaluate.negex import NegexItem

    items = [NegexItem("x", "no X", True, None, None), NegexItem("y", "Y", False, None, None)]

    def flaky(sentence, concept):
        if concept == "x":
            raise ValueError("boom")
        return "affirmed"

    s = score_negation(items, flaky)
    assert s["errors"] == 1
    assert (s["negation"]["fn"], s["negation"]["tn"]) == (1, 1)
    assert s["temporality"] is None


def test_published_figures_are_the_stated_ones():
    assert (PUBLISHED["GeneralNegEx v1.2"]["precision"], PUBLISHED["GeneralNegEx v1.2"]["recall"]) == (0.935, 0.959)
    assert PUBLISHED["genConText"]["f"] == 0.981
