"""NB-LR, the recipe's classifier: linear in the unscaled features (so it exports to the numpy
model), ratios that favour a label's own features, weights that count like repeated rows."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

from stance.estimator import StanceClassifier
from stance.nblr import NBLogisticRegression, log_count_ratio


def toy(seed: int = 0, n: int = 120, f: int = 30) -> tuple[sp.csr_matrix, np.ndarray]:
    """Three labels, each with five features of its own, over shared noise features."""
    rng = np.random.default_rng(seed)
    y = np.repeat(np.array(["a", "b", "c"]), n // 3)
    X = (rng.random((n, f)) < 0.15).astype(float) * rng.random((n, f))
    for k, label in enumerate("abc"):
        rows = y == label
        X[np.ix_(rows, range(5 * k, 5 * k + 5))] += (rng.random((rows.sum(), 5)) < 0.6)
    return sp.csr_matrix(X), y


def test_scores_are_the_binary_models_on_scaled_features():
    """coef_ and intercept_ give exactly each label's binary model fitted on X scaled by that
    label's ratio: the contract that lets the model run as one matrix product."""
    X, y = toy()
    m = NBLogisticRegression(alpha=0.5, C=3.0).fit(X, y)
    present = X.copy()
    present.data[:] = 1.0
    for k, label in enumerate(m.classes_):
        r = log_count_ratio(present, y == label, 0.5)
        scaled = X @ sp.diags(r)
        ref = LogisticRegression(C=3.0, class_weight="balanced", max_iter=3000).fit(scaled, y == label)
        np.testing.assert_allclose(m.decision_function(X)[:, k], ref.decision_function(scaled),
                                   rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(m.decision_function(X), X @ m.coef_.T + m.intercept_)
    assert (m.predict(X) == y).mean() > 0.9
    np.testing.assert_allclose(m.predict_proba(X).sum(axis=1), 1.0)


def test_ratio_favours_a_labels_own_features():
    X, y = toy()
    present = X.copy()
    present.data[:] = 1.0
    r = log_count_ratio(present, y == "b", 1.0)
    assert r[5:10].min() > 0.5 > r[:5].max()  # b's own features up, a's down
    assert np.abs(r[15:]).mean() < 0.5 < r[5:10].mean()  # shared noise nearer zero than b's own


def test_weights_count_like_repeated_rows():
    X, y = toy(seed=1)
    twice = NBLogisticRegression(tol=1e-10).fit(sp.vstack([X, X[:7]]), np.concatenate([y, y[:7]]))
    weights = [2.0] * 7 + [1.0] * (len(y) - 7)
    weighted = NBLogisticRegression(tol=1e-10).fit(X, y, sample_weight=weights)
    np.testing.assert_allclose(weighted.ratios_, twice.ratios_)
    np.testing.assert_allclose(weighted.coef_, twice.coef_, rtol=1e-3, atol=1e-4)


def test_bad_parameters_are_named():
    X, y = toy()
    with pytest.raises(ValueError, match="alpha must be positive"):
        NBLogisticRegression(alpha=0).fit(X, y)
    with pytest.raises(ValueError, match="at least two labels"):
        NBLogisticRegression().fit(X, np.array(["a"] * len(y)))


def test_stance_classifier_chooses_nb_or_multinomial(corpus):
    """nb_alpha=None is the plain multinomial model; both export to a numpy model that gives the
    scikit-learn pipeline's probabilities."""
    recs = corpus[::15]
    X, y = [r.text for r in recs], [r.label for r in recs]
    for nb_alpha, kind in ((0.5, NBLogisticRegression), (None, LogisticRegression)):
        est = StanceClassifier(nb_alpha=nb_alpha, calibrate=False).fit(X, y)
        assert type(est.classifier_) is kind
        np.testing.assert_allclose(est.export().predict_proba(X[:40]), est.predict_proba(X[:40]),
                                   rtol=1e-6, atol=1e-9)
