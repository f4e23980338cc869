"""Tension series: periods, near-duplicate stories, undated documents, the bootstrap interval."""
from __future__ import annotations

import warnings

import pytest

import stance
from stance.analysis import analyze_many
from stance.series import DOCUMENTS_ONLY_FROM, _bootstrap, period_of


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


def _dated_docs(n, month=1):
    texts = [HOSTILE, CALM, "Le ministre a menacé de riposter. Les pourparlers ont repris."]
    return [f" date 2024-{month:02d} Titre {i}\n\n{texts[i % 3]} Dépêche numéro {i} de la série, "
            f"sur le sujet {i * 7919 % 1000}.\n" for i in range(n)]


def test_bootstrap_from_30_documents_resamples_documents_only():
    """From 30 documents a period's interval resamples whole documents: how a document's
    sentences spread around its mean no longer matters (below 30, it still does)."""
    assert DOCUMENTS_ONLY_FROM == 30
    spread = [[m - 2.0, m + 2.0] for m in (1.0, 2.0, -1.0)] * 10  # 30 documents
    flat = [[m, m] for m in (1.0, 2.0, -1.0)] * 10                 # the same document means
    assert _bootstrap(spread, 1000, 0) == _bootstrap(flat, 1000, 0)
    low, high = _bootstrap(flat, 1000, 0)
    assert low < 2 / 3 < high
    assert _bootstrap(spread[:29], 1000, 0) != _bootstrap(flat[:29], 1000, 0)
    assert _bootstrap([[1.5]] * 30, 1000, 0) == (1.5, 1.5)


def test_series_of_30_documents_in_one_period():
    docs = _dated_docs(31)
    [period] = stance.tension_series(docs, by="month")
    assert period.documents == 31 and period.duplicates == 0
    assert period.low < period.tension < period.high
    analyses = analyze_many(docs)
    assert period.tension == pytest.approx(sum(a.tension for a in analyses) / 31, abs=1e-12)

