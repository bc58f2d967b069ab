"""Model files keep each vectorizer's vocabulary as one string, so that loading them is not a second of every start."""

import json
import pickle

import joblib
import pytest

from cptscan.models import MANIFEST, Vocabulary, compact_vocabularies, models_dir


def _vectorizers(model):
    parts = [step for _, step in getattr(model, "steps", getattr(model, "transformer_list", []))]
    found = [model] if hasattr(model, "vocabulary_") else []
    return found + [v for part in parts for v in _vectorizers(part)]


@pytest.mark.parametrize("entry", json.loads((models_dir() / MANIFEST).read_text())["models"].values(),
                         ids=lambda e: e["file"])
def test_every_shipped_vectorizer_has_a_compact_vocabulary(entry):
    """A model retrained or written without ``compact_vocabularies`` would load as slowly as before."""
    vectorizers = _vectorizers(joblib.load(models_dir() / entry["file"]))
    assert vectorizers and all(type(v.vocabulary_) is Vocabulary for v in vectorizers)


def test_a_compact_vocabulary_pickles_to_the_same_columns_and_model_predictions():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    texts = ["plaque analysis read by me", "no imaging today", "burn depth map reviewed", "claim denied"] * 3
    model = Pipeline([("features", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3))),
                      ("clf", LogisticRegression())]).fit(texts, [0, 1, 0, 1] * 3)
    plain = dict(model.steps[0][1].vocabulary_)
    expected = model.predict_proba(texts)
    loaded = pickle.loads(pickle.dumps(compact_vocabularies(model)))
    assert type(loaded.steps[0][1].vocabulary_) is Vocabulary and loaded.steps[0][1].vocabulary_ == plain
    assert (loaded.predict_proba(texts) == expected).all()


def test_a_vocabulary_that_cannot_be_one_string_is_refused_when_saved():
    with pytest.raises(ValueError):
        pickle.dumps(Vocabulary({"a": 0, "c": 2}))
    with pytest.raises(ValueError):
        pickle.dumps(Vocabulary({"a\x00b": 0}))
