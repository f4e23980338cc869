"""Shared fixtures: the seed corpus, small fitted estimators and their exported models."""
from __future__ import annotations

from pathlib import Path

import pytest

from training.settings import realdev_path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds" / "sentences"
SEED_DOC = ROOT / "seeds" / "documents" / "000_0a744793bc5dba96.txt"
REALDEV = realdev_path(required=False)  # None: the tests that need it are skipped


@pytest.fixture(scope="session")
def corpus():
    from stance.corpus import load_annotations
    return load_annotations(SEEDS)


@pytest.fixture(scope="session")
def texts(corpus):
    return [r.text for r in corpus]


@pytest.fixture(scope="session", params=["words-1-2", "words-1-3+chars"])
def fitted(request, corpus):
    """A StanceClassifier fitted on a twelfth of the corpus (about 2,000 sentences: enough for
    every feature path, quick to fit), and its exported numpy model."""
    from stance.estimator import StanceClassifier
    recs = corpus[::12]
    if request.param == "words-1-2":  # calibrated on 3 grouped folds: a temperature, quickly
        est = StanceClassifier(ngram_range=(1, 2), min_df=1, C=10.0, cv=3)
    else:
        est = StanceClassifier(ngram_range=(1, 3), char_ngram_range=(3, 5), min_df=2, C=3.0,
                               sublinear_tf=False, cv=3)
    est.fit([r.text for r in recs], [r.label for r in recs], groups=[r.group for r in recs])
    return est, est.export({"note": "test model"})
