"""Tension series: periods, near-duplicate stories, undated documents, the bootstrap interval."""
from __future__ import annotations

import warnings

import pytest

import stance
from stance.series import period_of


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
