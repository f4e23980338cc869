"""The evaluation metrics agree with scikit-learn's on any gold and predicted labels."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stance import LABELS
from stance.metrics import evaluate, scores

sklearn_metrics = pytest.importorskip("sklearn.metrics")

pairs = st.lists(st.tuples(st.sampled_from(LABELS), st.sampled_from(LABELS)), min_size=1, max_size=60)


@given(pairs)
def test_scores_equal_scikit_learn(rows):
    gold, pred = [g for g, _ in rows], [p for _, p in rows]
    got = scores(gold, pred)
    prec, rec, f1, support = sklearn_metrics.precision_recall_fscore_support(
        gold, pred, labels=list(LABELS), zero_division=0)
    for i, lab in enumerate(LABELS):
        assert got["per_label"][lab]["precision"] == pytest.approx(prec[i], abs=1e-12)
        assert got["per_label"][lab]["recall"] == pytest.approx(rec[i], abs=1e-12)
        assert got["per_label"][lab]["f1"] == pytest.approx(f1[i], abs=1e-12)
        assert got["per_label"][lab]["support"] == support[i]
    # macro-F1 over the labels present in gold or predictions, as scikit-learn's default
    assert got["macro_f1"] == pytest.approx(
        sklearn_metrics.f1_score(gold, pred, average="macro", zero_division=0), abs=1e-12)
    assert got["accuracy"] == pytest.approx(sklearn_metrics.accuracy_score(gold, pred), abs=1e-12)
    assert got["confusion"] == sklearn_metrics.confusion_matrix(gold, pred, labels=list(LABELS)).tolist()
    assert got["n"] == len(gold)


@given(pairs, st.lists(st.sampled_from(["fr", "en"]), min_size=60, max_size=60))
def test_evaluate_splits_by_language(rows, langs):
    gold, pred, langs = [g for g, _ in rows], [p for _, p in rows], langs[:len(rows)]
    got = evaluate(gold, pred, langs)
    assert set(got) == {"all"} | set(langs)
    for lang in set(langs):
        sel = [i for i, x in enumerate(langs) if x == lang]
        assert got[lang] == scores([gold[i] for i in sel], [pred[i] for i in sel])


def test_mismatched_lengths_are_refused():
    with pytest.raises(ValueError, match="2 gold labels but 1 predictions"):
        scores(["neutral", "denial"], ["neutral"])
