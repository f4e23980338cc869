"""Tension: sentence, document and series, on the Goldstein-based scale (higher = more hostile)."""
from __future__ import annotations

import math
import warnings

import pytest
from hypothesis import given
from hypothesis import strategies as st

import stance
from stance import LABELS, TENSION_WEIGHTS
from stance.tension import period_of, sentence_tension

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


def test_seed_document_analysis():
    a = stance.analyze(SEED_DOC)
    assert len(a.sentences) == 12
    assert a.counts["conciliation"] >= 6 and sum(a.counts.values()) == 12
    assert a.tension < 0  # mostly conciliatory: talks agreed
    assert math.isclose(a.tension, sum(s.tension for s in a.sentences) / 12)
    assert a.intensity == pytest.approx(1 - a.counts["neutral"] / 12)
    d = a.to_dict()
    assert d["date"] == "2021-12" and len(d["sentences"]) == 12
    assert d["sentences"][3]["label"] == "denial"


def test_tension_does_not_grow_with_length():
    body = "Le ministre a menacé de représailles. Les pourparlers ont échoué, selon l'AFP. "
    short, long = stance.analyze(body), stance.analyze(body * 20)
    assert len(long.sentences) == 20 * len(short.sentences)
    assert long.tension == pytest.approx(short.tension, abs=1e-9)


def _doc(month, text):
    return f" date 2024-{month:02d} Titre {month}\n\n{text}\n"


HOSTILE = ("Le ministère a accusé Kiev de bombarder des civils. Moscou a prévenu qu'il riposterait "
           "avec fermeté. Le porte-parole a averti que toute provocation aurait des conséquences.")
CALM = ("Les deux pays ont convenu de reprendre le dialogue. Le ministre a salué un accord de "
        "cessez-le-feu. Les délégations se sont engagées à poursuivre les négociations.")


def test_series_by_month_with_duplicates():
    docs = [_doc(1, CALM), _doc(1, CALM + " Fin."), _doc(2, HOSTILE), _doc(2, CALM), _doc(3, HOSTILE)]
    series = stance.tension_series(docs, by="month")
    assert [p.period for p in series] == ["2024-01", "2024-02", "2024-03"]
    jan, feb, mar = series
    assert jan.documents == 1 and jan.duplicates == 1
    assert feb.documents == 2 and feb.duplicates == 0
    assert jan.tension < feb.tension < mar.tension
    for p in series:
        assert p.low <= p.tension <= p.high
    assert series == stance.tension_series(docs, by="month")  # reproducible bootstrap


def test_series_periods_and_undated():
    docs = [_doc(1, CALM), _doc(5, HOSTILE), "Sans date. Le ministre menace."]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        q = stance.tension_series(docs, by="quarter")
    assert [p.period for p in q] == ["2024-Q1", "2024-Q2"]
    assert any("undated" in str(w.message) for w in caught)
    assert period_of("2024-05", "year") == "2024"
    with pytest.raises(ValueError, match="no day"):
        period_of("2024-05", "day")
    with pytest.raises(ValueError, match="by must be"):
        period_of("2024-05", "week")
