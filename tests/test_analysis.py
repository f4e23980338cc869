"""Tension of sentences and documents, on the Goldstein-based scale (higher = more hostile)."""
from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

import stance
from stance import LABELS, TENSION_WEIGHTS
from stance.analysis import analyze_many, sentence_record, sentence_tension

from .conftest import SEED_DOC

probs = st.lists(st.floats(0, 1), min_size=5, max_size=5).filter(lambda v: sum(v) > 1e-6).map(
    lambda v: dict(zip(LABELS, [x / sum(v) for x in v])))


def test_scale_direction():
    assert TENSION_WEIGHTS["warning"] == 6 and TENSION_WEIGHTS["conciliation"] == -4
    assert TENSION_WEIGHTS["accusation"] == TENSION_WEIGHTS["denial"] == 2
    assert TENSION_WEIGHTS["neutral"] == 0


@given(probs)
def test_sentence_tension_is_bounded_expectation(p):
    t = sentence_tension(p)
    assert -4 - 1e-9 <= t <= 6 + 1e-9


def test_not_knowing_weighs_nothing():
    """A sentence the model cannot read (uniform probabilities) adds no hostility: 0, not the
    mean of the weights (+1.2), so a document's tension does not climb with the model's ignorance."""
    uniform = dict.fromkeys(LABELS, 1 / len(LABELS))
    assert sentence_tension(uniform) == pytest.approx(0, abs=1e-12)
    unread = stance.classify("ნატო ამბობს")  # a script the model never saw: "don't know"
    assert list(unread.probabilities.values()) == pytest.approx([0.2] * len(LABELS))
    assert sentence_tension(unread.probabilities) == pytest.approx(0, abs=1e-12)
    assert sentence_tension(dict.fromkeys(LABELS, 0) | {"warning": 1}) == 6
    assert sentence_tension(dict.fromkeys(LABELS, 0) | {"conciliation": 1}) == -4


@given(probs, st.floats(0, 1))
def test_doubt_only_pulls_tension_towards_zero(p, doubt):
    """Mixing a sentence's probabilities with "don't know" scales its tension down by the
    share of doubt: uncertainty never makes a sentence more hostile (or more conciliatory)."""
    mixed = {k: (1 - doubt) * v + doubt / len(LABELS) for k, v in p.items()}
    assert sentence_tension(mixed) == pytest.approx((1 - doubt) * sentence_tension(p), abs=1e-9)


def test_seed_document_analysis():
    a = stance.analyze(stance.read_document(SEED_DOC))
    assert len(a.sentences) == 12
    assert a.counts["conciliation"] >= 6 and sum(a.counts.values()) == 12
    assert a.tension < 0  # mostly conciliatory: talks agreed
    assert math.isclose(a.tension, sum(s.tension for s in a.sentences) / 12)
    assert a.intensity == pytest.approx(1 - a.counts["neutral"] / 12)
    d = a.to_dict()
    assert d["date"] == "2021-12" and len(d["sentences"]) == 12
    assert d["sentences"][3]["label"] == "denial"


def test_one_sentence_record_for_every_output():
    """Analysis.to_dict, the CLI's CSV and JSON Lines and the Dask bags all write this record."""
    a = stance.analyze(stance.read_document(SEED_DOC))
    s = a.sentences[3]
    rec = a.to_dict()["sentences"][3]
    assert rec == sentence_record(s.text, s, index=3, start=s.start, end=s.end)
    assert list(rec) == ["index", "text", "start", "end", "lang", "label", "confidence", "tension",
                         "probabilities", "source", "source_code", "target", "target_code"]
    assert rec["tension"] == round(s.tension, 4) and rec["confidence"] == round(s.confidence, 4)
    exact = sentence_record(s.text, stance.classify(s.text), digits=None)
    assert list(exact) == ["text", "label", "confidence", "tension", "probabilities"]
    assert exact["label"] == s.label and exact["tension"] == pytest.approx(s.tension, abs=1e-12)
    assert exact["probabilities"] == pytest.approx(dict(s.probabilities), abs=1e-12)


@pytest.mark.parametrize("text", ["", "\n\n  \n", " date 2024-03\n\n"])
def test_empty_document_has_no_sentence_and_no_tension(text):
    a = stance.analyze(text)
    assert a.sentences == () and a.tension is None and a.intensity is None  # nothing read
    assert a.counts == dict.fromkeys(LABELS, 0)
    d = a.to_dict()
    assert d["sentences"] == [] and d["tension"] is None
    seed = stance.read_document(SEED_DOC)
    assert analyze_many([text, seed])[1] == stance.analyze(seed)


def test_tension_does_not_grow_with_length():
    body = "Le ministre a menacé de représailles. Les pourparlers ont échoué, selon l'AFP. "
    short, long = stance.analyze(body), stance.analyze(body * 20)
    assert len(long.sentences) == 20 * len(short.sentences)
    assert long.tension == pytest.approx(short.tension, abs=1e-9)
