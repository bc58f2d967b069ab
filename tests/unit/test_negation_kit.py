"""The public NegEx kit through ``assertion_of``, and the general negation rules (negation_rules.json).

The kit (../shared/external/negex, chapmanbe/negex) is outside the repository; the kit test is skipped
when it is absent. Figures and method: docs/negation.md.
"""

from __future__ import annotations

import pytest
from shared_sets import SHARED, needs_shared

from cptscan.evaluate.negex import read_negex, score_negation

KIT = SHARED / "external" / "negex" / "rsAnnotations-1-120-random.txt"

# reached with negation_rules.json 2026.2 (P 0.977, R 0.965 on 2,376 items), minus 0.01
MIN_PRECISION = 0.967
MIN_RECALL = 0.955


@needs_shared("external", "negex", "rsAnnotations-1-120-random.txt")
def test_negex_kit_precision_and_recall(scanner):
    scores = score_negation(read_negex(KIT), scanner.assertion_of)
    negation = scores["negation"]
    assert scores["items"] == 2376 and scores["errors"] == 0
    assert negation["ppv"] >= MIN_PRECISION, negation
    assert negation["sensitivity"] >= MIN_RECALL, negation


@pytest.mark.parametrize("sentence, concept, expected", [
    # plain pre-negation, and a list after it
    ("The patient denies chest pain.", "chest pain", "negated"),
    ("Extremities: no clubbing, cyanosis, or edema.", "cyanosis", "negated"),
    # whitespace left by a wrapped line inside a multi-word cue
    ("Doppler of the lower extremities negative   for DVT.", "DVT", "negated"),
    ("GI ROS is -ve for bleeding or anemia.", "anemia", "negated"),
    # post-negation
    ("His nausea and vomiting resolved.", "vomiting", "negated"),
    # pseudo-negations (NegEx PSEU list): the cue word does not negate
    ("Gram negative rods grew in the sputum culture.", "rods", "affirmed"),
    ("No significant change in the pleural effusion.", "pleural effusion", "affirmed"),
    ("She was voiding without difficulty.", "voiding", "affirmed"),
    # termination: the scope stops at 'but' / 'which' / a new header
    ("No fever but she reports a cough.", "cough", "affirmed"),
    ("No fever, which argues against pneumonia.", "pneumonia", "affirmed"),
    ("Measurements: not obtainable. REASON: syncope and collapse.", "collapse", "affirmed"),
    # uncertainty is not negation
    ("Less likely pneumonia, cannot be excluded.", "pneumonia", "affirmed"),
    ("Dopplers were done to evaluate for DVT.", "DVT", "affirmed"),
])
def test_general_negation_cues(scanner, sentence, concept, expected):
    assert scanner.assertion_of(sentence, concept) == expected
