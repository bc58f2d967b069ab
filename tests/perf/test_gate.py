"""The gate in front of the pipeline is derived from the rules and never changes a result.

* its vocabulary comes from the anchor target rules (each rule's literal passes; a rule added to a copy of
  the rules is covered without touching the gate);
* it never rejects a note on which the full pipeline (use_gate=False) finds an anchor mention: checked on
  every gate-rejected note of the corpora and on a time-bounded sample of gate-rejected MTSamples rows;
* its correctness argument holds: the medspaCy tokenizer never produces a letter token that is only part of a
  run of letters, so looking gate words up among the note's letter runs finds every word the matcher can see.
"""

import copy
import random
import time

import pytest
from spacy.attrs import ORTH

from cptscan.rules.tokens import tokenized_rules
from cptscan.nlp.gate import LETTER_RUN, Gate, rule_requirements
from cptscan.nlp.medspacy_parts import rule_tokenizer
from cptscan.textprep import prepare
from cptscan.rules import load_rules
from perf_helpers import corpus_notes, mtsamples_notes

MTSAMPLES_SECONDS = 12.0  # time budget of the MTSamples part
MTSAMPLES_NOTES = 300


def anchor_rules(ruleset=None):
    ruleset = ruleset or load_rules()
    anchors = set(ruleset.anchor_labels)
    return [r for r in ruleset.matcher_rules if r["category"] in anchors]


@pytest.fixture(scope="module")
def gate():
    return Gate.from_rules()


def test_gate_vocabulary_is_the_anchor_rules_words(gate):
    derived = {w for rule in anchor_rules() for words in rule_requirements(rule) for w in words}
    assert gate.vocabulary == frozenset(derived)
    assert len(gate.requirements) == len(anchor_rules())


@pytest.mark.parametrize("rule", anchor_rules(), ids=lambda r: r["metadata"]["id"])
def test_every_anchor_rule_literal_passes(gate, rule):
    assert gate.passes(rule["literal"]), rule["metadata"]["id"]
    assert gate.passes(f"Impression:\n{rule['literal']} was discussed today.\n"), rule["metadata"]["id"]


@pytest.mark.parametrize("rule", anchor_rules(), ids=lambda r: r["metadata"]["id"])
def test_every_anchor_rule_required_words_pass(gate, rule):
    """A text made of one allowed word per required token (upper-cased: the lookup ignores case)."""
    words = [sorted(options)[0] for options in rule_requirements(rule)]
    assert gate.passes(" ".join(words).upper() + ".")


def test_a_new_rule_in_a_copy_of_the_rules_is_covered():
    ruleset = load_rules()
    target = copy.deepcopy(ruleset.target)
    label = ruleset.anchor_labels[0]
    target["target_rules"].append({
        "literal": "zyxquant coronary fatometry", "category": label, "metadata": {"id": "test.new_rule"},
        "pattern": [{"LOWER": {"IN": ["zyxquant", "zyx-quant"]}}, {"LOWER": "coronary", "OP": "?"},
                    {"LOWER": "fatometry"}]})
    text = "Plan: ZYXQUANT fatometry was run on the dataset."
    assert not Gate.from_rules().passes(text)
    extended = Gate.from_rules([r for r in target["target_rules"] if target["labels"][r["category"]].get("anchor")])
    assert extended.passes(text)
    assert extended.passes("zyx-quant coronary fatometry")  # a hyphenated word is looked up as a substring
    assert not extended.passes("zyxquant alone")  # every required token is needed


def test_evidence_rules_do_not_widen_the_gate(gate):
    ruleset = load_rules()
    target = copy.deepcopy(ruleset.target)
    evidence = next(name for name, spec in target["labels"].items() if not spec.get("anchor"))
    target["target_rules"].append({"literal": "qwertyevidence", "category": evidence, "metadata": {"id": "test.ev"}})
    anchors = [r for r in target["target_rules"] if target["labels"][r["category"]].get("anchor")]
    assert Gate.from_rules(tokenized_rules(anchors)) == gate


def _assert_no_anchor_results(ungated_scanner, notes):
    for result in ungated_scanner.scan(notes):
        assert result["error"] is None, result["note_id"]
        assert not result["mentions"] and not result["codes"] and not result["concepts"], (
            f"the gate rejects note {result['note_id']} but the full pipeline reports "
            f"{sorted({m['label'] for m in result['mentions']})}")


def turned_away(gate, text):
    """What the scanner's gate decides (``Scanner._parse``): the joined lines first, then the prepared text.

    Reading the raw text alone would treat every line break as a clause end, which a hard-wrapped note
    (the corpus holds such notes) does not have once the scanner rejoins its lines.
    """
    return not gate.passes(text.replace("\n", " ")) or not gate.passes(prepare(text))


def test_gate_never_rejects_a_corpus_note_with_an_anchor_mention(gate, ungated_scanner):
    rejected = [n for n in corpus_notes() if turned_away(gate, n["text"])]
    assert rejected, "the corpora should hold some notes the gate rejects"
    _assert_no_anchor_results(ungated_scanner, rejected)


def test_gate_never_rejects_an_mtsamples_note_with_an_anchor_mention(gate, ungated_scanner):
    notes = mtsamples_notes()
    rejected = [n for n in notes if turned_away(gate, n["text"])]
    random.Random(6).shuffle(rejected)
    deadline = time.monotonic() + MTSAMPLES_SECONDS
    checked = 0
    for start in range(0, MTSAMPLES_NOTES, 25):
        _assert_no_anchor_results(ungated_scanner, rejected[start:start + 25])
        checked += len(rejected[start:start + 25])
        if time.monotonic() > deadline:
            break
    assert checked >= 25



def test_tokenizer_special_cases_that_split_a_letter_run_are_known_to_the_gate(gate):
    """A special case turns one string into several tokens; a piece made of letters that is a gate word and not
    a whole run of letters of that string ('aint' -> 'ai' + 'nt') must be one the gate adds for that run."""
    tokenizer = rule_tokenizer()
    offending = []
    for key, pieces in tokenizer.rules.items():
        runs = set(LETTER_RUN.findall(key.lower()))
        orths = [piece.get(ORTH, piece.get("ORTH")) for piece in pieces]
        for orth in orths:
            lower = orth.lower()
            if LETTER_RUN.fullmatch(lower) and lower in gate.words and lower not in runs:
                if not any(lower in gate.split_runs.get(run, ()) for run in runs):
                    offending.append((key, orth))
        assert "".join(orths) == key  # special cases only split, never rewrite
    assert not offending, offending


def test_a_special_case_split_does_not_change_a_result(scanner, ungated_scanner):
    """'aint' is tokenized 'ai' + 'nt': the gated scanner still sees what the full pipeline sees."""
    text = ("BURN CLINIC NOTE\nDOS 03/02/2026\nSpectral aint imaging of the left forearm burn performed today; "
            "I reviewed the healing map.\n")
    assert scanner.scan_text(text, date_of_service="2026-03-02") == ungated_scanner.scan_text(text, date_of_service="2026-03-02")


@pytest.mark.parametrize("context", ["x{}", "{}x", "{}s", "pre{}post", "{}'s", "{}-x", "({})", "{}/x", "{}:"])
def test_tokenizer_never_cuts_a_gate_word_out_of_a_longer_letter_run(gate, context):
    """Affix and infix rules, not only special cases: a gate word glued to letters is never its own token."""
    tokenizer = rule_tokenizer()
    for word in sorted(gate.words):
        text = context.format(word)
        tokens = {t.lower_ for t in tokenizer(text)}
        runs = set(LETTER_RUN.findall(text.lower()))
        if word in tokens:
            assert word in runs, (word, context)


def _accepts_clause_end(token: dict) -> bool:
    """Whether a pattern slot could take a newline token or a token ending in . ! ? ;"""
    for key in ("LOWER", "TEXT", "ORTH", "NORM"):
        value = token.get(key)
        if isinstance(value, str):
            return value[-1:] in ".!?;"
        if isinstance(value, dict) and "IN" in value:
            return any(w[-1:] in ".!?;" for w in value["IN"])
        if isinstance(value, dict) and "REGEX" in value:
            no_space = token.get("IS_SPACE") is False or token.get("LIKE_NUM") is True
            return not no_space or value["REGEX"] != "[^.!?;]$"
    return True  # a bare wildcard takes anything


def test_anchor_rules_never_match_across_a_clause_end():
    """The gate checks each clause on its own; that is sound only while no anchor rule can span two."""
    offending = [(r["metadata"]["id"], t) for r in anchor_rules() for t in r["pattern"] if _accepts_clause_end(t)]
    assert not offending, offending


def test_gate_is_per_clause(gate):
    assert gate.passes("Cardiac CT performed today.")
    assert not gate.passes("Cardiac history: MI.\nCT of the abdomen was normal.")
