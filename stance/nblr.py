"""Naive-Bayes-scaled logistic regression (NB-LR): one binary logistic regression per label over
features scaled by that label's Naive Bayes log-count ratio (Wang & Manning 2012, "NBSVM").

Why: the ratio puts each feature on the scale of how strongly it tells one label from the rest,
so the regulariser shrinks weak, style-borne features harder than the discriminating ones; on
real news this generalises better than one multinomial model over plain tf-idf. The scaled
model is still linear in the tf-idf features (``coef_`` holds ratio times weight), so it
exports to the same arrays and runs on the same numpy inference. Needs the ``train`` extra.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .extras import missing_extra

try:
    import scipy.sparse as sp
    from sklearn.base import BaseEstimator, ClassifierMixin
    from sklearn.linear_model import LogisticRegression
    from sklearn.utils.validation import check_is_fitted
except ImportError as exc:  # inference needs none of them: they are the train extra
    raise missing_extra(exc, "train") from exc

from .prediction import softmax


def log_count_ratio(present: Any, positive: np.ndarray, alpha: float,
                    weights: np.ndarray | None = None) -> np.ndarray:
    """log((p / |p|) / (q / |q|)) per feature, where p and q are ``alpha`` plus the (weighted)
    number of positive and other rows in which the feature is present."""
    w = np.ones(present.shape[0]) if weights is None else weights
    p = alpha + np.asarray(present.T @ (w * positive)).ravel()
    q = alpha + np.asarray(present.T @ (w * ~positive)).ravel()
    return np.log(p / p.sum()) - np.log(q / q.sum())


class NBLogisticRegression(ClassifierMixin, BaseEstimator):
    """One-vs-rest logistic regression on features scaled by each label's log-count ratio.

    Parameters
    ----------
    alpha : float
        Smoothing added to the presence counts of the ratio (0.5: the recipe's choice).
    C, class_weight, max_iter, tol
        As :class:`sklearn.linear_model.LogisticRegression`, for each binary model
        (``class_weight="balanced"`` balances each label against the rest).

    Attributes
    ----------
    classes_ : ndarray of the labels seen in ``fit``.
    ratios_ : ndarray (n_classes, n_features), the log-count ratio of each label.
    coef_, intercept_ : the linear model in the unscaled features (``ratios_`` times weights),
        so ``decision_function(X) == X @ coef_.T + intercept_``.
    """

    def __init__(self, alpha: float = 0.5, C: float = 10.0, class_weight: str | None = "balanced",
                 max_iter: int = 3000, tol: float = 1e-4):
        self.alpha = alpha
        self.C = C
        self.class_weight = class_weight
        self.max_iter = max_iter
        self.tol = tol

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> "NBLogisticRegression":
        """Fit one scaled binary model per label of ``y`` on the sparse or dense matrix ``X``."""
        if not self.alpha > 0:
            raise ValueError(f"alpha must be positive (it smooths the ratio's counts), "
                             f"got {self.alpha}")
        X = sp.csr_matrix(X, dtype=np.float64)
        y = np.asarray(y)
        w = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        self.classes_ = np.unique(y)
        if len(self.classes_) < 2:
            raise ValueError(f"fit() needs at least two labels, got {list(self.classes_)}")
        present = X.copy()
        present.data[:] = 1.0
        self.ratios_ = np.zeros((len(self.classes_), X.shape[1]))
        self.coef_ = np.zeros_like(self.ratios_)
        self.intercept_ = np.zeros(len(self.classes_))
        for k, label in enumerate(self.classes_):
            positive = y == label
            r = log_count_ratio(present, positive, self.alpha, w)
            binary = LogisticRegression(C=self.C, class_weight=self.class_weight,
                                        max_iter=self.max_iter, tol=self.tol)
            binary.fit(X @ sp.diags(r), positive, sample_weight=w)
            self.ratios_[k] = r
            self.coef_[k] = r * binary.coef_[0]
            self.intercept_[k] = binary.intercept_[0]
        return self

    def decision_function(self, X: Any) -> np.ndarray:
        """Each label's binary score, (n_samples, n_classes)."""
        check_is_fitted(self, "coef_")
        return np.asarray(X @ self.coef_.T) + self.intercept_

    def predict_proba(self, X: Any) -> np.ndarray:
        """The softmax of the scores (uncalibrated: :class:`StanceClassifier` fits a temperature)."""
        return softmax(self.decision_function(X))

    def predict(self, X: Any) -> np.ndarray:
        """The label of the highest score."""
        return self.classes_[np.argmax(self.decision_function(X), axis=1)]
