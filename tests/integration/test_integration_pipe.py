"""The pipeline in worker processes: components pickle, and n_process=2 gives what n_process=1 gives."""

from __future__ import annotations

import pickle


from cptscan.nlp.pipeline import make_doc, mentions_of

TEXTS = [
    "CORONARY CT ANGIOGRAPHY\nCoronary CTA performed today. The CCTA data set was analysed with Cleerly AI plaque "
    "quantification.\nIMPRESSION: My interpretation: mild plaque burden.",
    "Cardiology clinic.\nPatient declined CaRi-Heart perivascular fat analysis.",
    "BURN CLINIC NOTE\nDeepView multispectral images of the left hand burn were captured today.",
    "Cardiology clinic.\nCleerly plaque analysis 01/12/2026 showed moderate plaque burden.",
    "PLAN:\n- Consider CaRi-Heart perivascular fat analysis.",
    "CT ABDOMEN\nPerivascular fat stranding around the SMA.",
]
DOS = "2026-03-02"


def test_every_component_pickles(scanner):
    for name, component in scanner.nlp.pipeline:
        restored = pickle.loads(pickle.dumps(component))
        assert type(restored) is type(component), name


def test_the_whole_pipeline_pickles_and_runs_the_same(scanner):
    nlp = scanner.nlp
    restored = pickle.loads(pickle.dumps(nlp))
    for text in TEXTS:
        assert mentions_of(restored(make_doc(restored, text, DOS, None))) == mentions_of(nlp(make_doc(nlp, text, DOS, None)))


def _mentions(nlp, inputs, n_process):
    return [mentions_of(doc) for doc in nlp.pipe(inputs, n_process=n_process, batch_size=2)]




def test_pipe_docs_with_two_processes_matches_one(scanner):
    nlp = scanner.nlp
    one = _mentions(nlp, [make_doc(nlp, t, DOS, None) for t in TEXTS], 1)
    two = _mentions(nlp, [make_doc(nlp, t, DOS, None) for t in TEXTS], 2)
    assert two == one


def test_pipe_texts_with_two_processes_matches_one(scanner):
    nlp = scanner.nlp
    assert _mentions(nlp, TEXTS, 2) == _mentions(nlp, TEXTS, 1)


def test_scan_with_two_jobs_matches_one(scanner):
    records = [{"note_id": f"n{i}", "text": TEXTS[i % len(TEXTS)], "date_of_service": DOS} for i in range(70)]
    records.insert(5, {"note_id": "n1", "text": TEXTS[0]})  # a duplicate id across the workers' chunks
    one = list(scanner.scan(records))
    two = list(scanner.scan(records, jobs=2))
    assert two == one
    assert one[5]["error"]["code"] == "duplicate_note_id"
