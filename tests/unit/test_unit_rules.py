"""Rule files are data, validated on load: a typo fails loudly instead of silently matching nothing."""

from __future__ import annotations

import copy
import inspect

import pytest

from cptscan.rules import RuleFileError, _validate_context, _validate_sections, _validate_target, load_rules


def validate_context(data):
    """The context validator; it may also take the main context file (for its category table)."""
    if len(inspect.signature(_validate_context).parameters) > 1:
        return _validate_context(data, data)
    return _validate_context(data)


@pytest.fixture(scope="module")
def rules():
    return load_rules()


def test_packaged_rules_load_and_validate(rules):
    _validate_target(rules.target)
    validate_context(rules.context)
    _validate_sections(rules.sections)
    assert len(rules.sha256) == 64
    assert set(rules.anchor_labels) >= {"CCTA_PLAQUE_ANALYSIS", "PERIVASCULAR_FAT_ANALYSIS",
                                        "BURN_MULTISPECTRAL_IMAGING"}


def test_rule_ids_are_unique(rules):
    ids = [r["metadata"]["id"] for r in rules.target["target_rules"]]
    assert len(ids) == len(set(ids))


def test_every_catalog_label_is_declared(rules):
    from cptscan.catalog import load_catalog

    for entry in load_catalog().detectable():
        assert entry.service_concept in rules.labels
        for labels in entry.elements.values():
            assert set(labels) <= set(rules.labels)


def test_undeclared_label_is_refused(rules):
    target = copy.deepcopy(rules.target)
    target["target_rules"][0]["category"] = "CCTA_PLAQUE_ANALYSYS"
    with pytest.raises(RuleFileError, match="undeclared label"):
        _validate_target(target)


def test_duplicate_rule_id_is_refused(rules):
    target = copy.deepcopy(rules.target)
    target["target_rules"].append(copy.deepcopy(target["target_rules"][0]))
    with pytest.raises(RuleFileError, match="duplicate rule id"):
        _validate_target(target)


def test_rule_without_id_is_refused(rules):
    target = copy.deepcopy(rules.target)
    del target["target_rules"][0]["metadata"]["id"]
    with pytest.raises(RuleFileError, match="no metadata.id"):
        _validate_target(target)


def test_unknown_label_role_is_refused(rules):
    target = copy.deepcopy(rules.target)
    target["labels"]["AI_PROCESS"]["role"] = "servise"
    with pytest.raises(RuleFileError, match="unknown role"):
        _validate_target(target)


def test_unknown_context_category_is_refused(rules):
    context = copy.deepcopy(rules.context)
    context["context_rules"][0]["category"] = "NEGATED"
    with pytest.raises(RuleFileError, match="unknown category"):
        validate_context(context)


def test_unknown_context_direction_is_refused(rules):
    context = copy.deepcopy(rules.context)
    context["context_rules"][0]["direction"] = "SIDEWAYS"
    with pytest.raises(RuleFileError, match="unknown direction"):
        validate_context(context)


def test_unknown_section_effect_is_refused(rules):
    sections = copy.deepcopy(rules.sections)
    sections["sections"]["comparison"]["assertion"] = "historic"
    with pytest.raises(RuleFileError, match="unknown assertion"):
        _validate_sections(sections)


def test_section_without_titles_is_refused(rules):
    sections = copy.deepcopy(rules.sections)
    sections["sections"]["plan"]["titles"] = []
    with pytest.raises(RuleFileError, match="no titles"):
        _validate_sections(sections)


def test_section_effects_match_the_coding_rules(rules):
    effects = {name: spec.get("assertion") for name, spec in rules.sections["sections"].items()}
    assert effects["comparison"] == "historical"
    assert effects["family_history"] == "family"
    assert effects["plan"] == "hypothetical_unless_performed"


def test_no_word_is_a_one_word_cue_of_two_context_rules():
    """ConText keeps one of two modifiers on the same words, so a word listed by two one-word rules
    silently loses one rule's direction or category ("offered" once lost its backward scope this way)."""
    rules = load_rules()
    seen: dict[str, str] = {}
    clashes = []
    for rule in rules.negation["context_rules"] + rules.context["context_rules"]:
        pattern = rule.get("pattern")
        if not isinstance(pattern, list) or len(pattern) != 1 or set(pattern[0]) != {"LOWER"}:
            continue
        value = pattern[0]["LOWER"]
        for word in value["IN"] if isinstance(value, dict) else [value]:
            if word in seen:
                clashes.append((word, seen[word], rule["literal"]))
            seen[word] = rule["literal"]
    assert clashes == []
