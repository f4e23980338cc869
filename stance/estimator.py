"""The scikit-learn estimator that trains stance models: tf-idf n-grams, logistic regression
(Naive-Bayes-scaled one-vs-rest by default, :mod:`stance.nblr`; multinomial otherwise), and a
temperature fitted on out-of-fold scores so that probabilities are calibrated.

It imports scikit-learn, scipy and threadpoolctl (the ``train`` extra), which inference never
does: fit here, then :meth:`StanceClassifier.export` the fitted pipeline to a
:class:`stance.model.Model` of plain arrays. Without them, importing this module raises
:class:`stance.errors.MissingExtraError` saying ``pip install 'stance[train]'``.
"""
from __future__ import annotations

import platform
from functools import partial
from typing import Any, Sequence

import numpy as np

from .extras import missing_extra

try:
    import scipy.sparse as sp
    from scipy.optimize import minimize_scalar
    from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
    from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer, TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold, StratifiedKFold
    from sklearn.utils.validation import check_is_fitted
    from threadpoolctl import threadpool_limits
except ImportError as exc:  # inference needs none of them: they are the train extra
    raise missing_extra(exc, "train") from exc

from .chars import char_words, text_ngrams, word_ngrams
from .labels import LABELS
from .features import MAX_ORDER
from .model import Model
from .nblr import NBLogisticRegression
from .prediction import best_index, no_evidence_proba, softmax
from .text import Analyzer, check_texts, tokenize, voice_of


def fit_temperature(scores: np.ndarray, y: np.ndarray) -> float:
    """The temperature T minimising the log-loss of softmax(scores / T) against class indices y."""
    rows = np.arange(len(y))

    def nll(log_t: float) -> float:
        p = softmax(scores / np.exp(log_t))
        return float(-np.log(np.clip(p[rows, y], 1e-12, None)).mean())

    res = minimize_scalar(nll, bounds=(-3.0, 3.0), method="bounded", options={"xatol": 1e-6})
    return float(np.exp(res.x))


def jsonable(params: dict[str, Any]) -> dict[str, Any]:
    """Hyper-parameters as JSON keeps them: tuples (n-gram ranges) become lists."""
    return {k: list(v) if isinstance(v, tuple) else v for k, v in params.items()}


class CharBlockVectorizer(TransformerMixin, BaseEstimator):
    """Character n-grams of words as the model's second feature block: raw counts times idf,
    divided by the square root of the sum of the words' own squared norms.

    Unlike an l2 norm over the sentence, that divisor is a sum over words, so a sentence's
    vector is a sum of per-word parts that inference caches (:mod:`stance.chars`).
    """

    def __init__(self, ngram_range: tuple[int, int] = (2, 5), min_df: int = 1):
        self.ngram_range = ngram_range
        self.min_df = min_df

    def _counter(self, analyzer: Any, vocabulary: dict[str, int] | None = None) -> CountVectorizer:
        return CountVectorizer(analyzer=partial(analyzer, ngram_range=tuple(self.ngram_range)),
                               vocabulary=vocabulary, min_df=self.min_df, lowercase=False,
                               dtype=np.float64)

    def fit(self, X: Sequence[str], y: Any = None) -> "CharBlockVectorizer":
        counts = self._counter(text_ngrams)
        Xc = counts.fit_transform(X)
        self.vocabulary_ = counts.vocabulary_
        self.idf_ = TfidfTransformer(sublinear_tf=False, norm=None).fit(Xc).idf_
        return self

    def transform(self, X: Sequence[str]) -> sp.csr_matrix:
        check_is_fitted(self, "idf_")
        index: dict[str, int] = {}  # distinct words of X
        rows, cols = [], []
        for i, text in enumerate(X):
            for w in char_words(text):
                rows.append(i)
                cols.append(index.setdefault(w, len(index)))
        # texts x words occurrence counts, words x n-grams weights: a text is the sum of its words
        occurrences = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(X), len(index)))
        per_word = sp.csr_matrix((0, len(self.idf_))) if not index else (
            self._counter(word_ngrams, self.vocabulary_).transform(list(index)) @ sp.diags(self.idf_))
        norm2 = occurrences @ np.asarray(per_word.multiply(per_word).sum(axis=1)).ravel()
        scale = np.zeros(len(X))
        scale[norm2 > 0] = 1.0 / np.sqrt(norm2[norm2 > 0])
        return sp.csr_matrix(sp.diags(scale) @ (occurrences @ per_word))


class WordCharVectorizer(TransformerMixin, BaseEstimator):
    """Word n-gram tf-idf (l2-normalised) beside the optional character block, side by side."""

    def __init__(self, ngram_range: tuple[int, int] = (1, 2),
                 char_ngram_range: tuple[int, int] | None = None, min_df: int = 1,
                 max_df: float = 1.0, sublinear_tf: bool = True, char_min_df: int = 1,
                 quote_words: bool = False):
        self.ngram_range = ngram_range
        self.char_ngram_range = char_ngram_range
        self.min_df = min_df
        self.max_df = max_df
        self.sublinear_tf = sublinear_tf
        self.char_min_df = char_min_df
        self.quote_words = quote_words

    def fit_transform(self, X: Sequence[str], y: Any = None) -> sp.csr_matrix:
        analyzer = Analyzer(tuple(self.ngram_range), quotes=self.quote_words)
        self.words_ = TfidfVectorizer(analyzer=analyzer, min_df=self.min_df,
                                      max_df=self.max_df, sublinear_tf=self.sublinear_tf,
                                      lowercase=False, dtype=np.float64)
        blocks = [self.words_.fit_transform(X)]
        self.chars_ = None
        if self.char_ngram_range is not None:
            self.chars_ = CharBlockVectorizer(tuple(self.char_ngram_range), self.char_min_df)
            blocks.append(self.chars_.fit(X).transform(X))
        return sp.hstack(blocks, format="csr")

    def fit(self, X: Sequence[str], y: Any = None) -> "WordCharVectorizer":
        self.fit_transform(X)
        return self

    def transform(self, X: Sequence[str]) -> sp.csr_matrix:
        check_is_fitted(self, "words_")
        blocks = [self.words_.transform(X)]
        if self.chars_ is not None:
            blocks.append(self.chars_.transform(X))
        return sp.hstack(blocks, format="csr")


class StanceClassifier(ClassifierMixin, BaseEstimator):
    """Tf-idf word (and optionally character) n-grams + logistic regression over the five labels.

    Parameters are plain values, so the estimator clones and grid-searches like any other:
    ``ngram_range`` (word n-grams, tf-idf, l2-normalised), ``char_ngram_range`` (character
    n-grams of words as a second block, see :class:`CharBlockVectorizer`; None leaves it out),
    ``min_df``, ``max_df`` and ``sublinear_tf`` (of the word n-grams), ``char_min_df``, ``C``,
    ``class_weight``, ``nb_alpha`` (features scaled by each label's Naive Bayes log-count ratio
    with this smoothing, one binary model per label, :class:`stance.nblr.NBLogisticRegression`;
    None fits one multinomial logistic regression on the plain features) and ``calibrate`` (fit
    a softmax temperature on out-of-fold scores, grouped when ``fit`` is given ``groups``; the
    folds run in ``n_jobs`` processes, which changes nothing in the result) and ``quote_words``
    (each word of a sentence that quotes also counted as quoted or framing the quotation,
    :func:`stance.text.voices`, in the word block).
    """

    def __init__(self, ngram_range: tuple[int, int] = (1, 2),
                 char_ngram_range: tuple[int, int] | None = None, min_df: int = 1,
                 max_df: float = 1.0, sublinear_tf: bool = True, C: float = 10.0,
                 char_min_df: int = 1, class_weight: str | None = "balanced",
                 nb_alpha: float | None = 0.5, calibrate: bool = True, cv: int = 5,
                 max_iter: int = 3000, tol: float = 1e-4, n_jobs: int | None = None,
                 quote_words: bool = True):
        self.ngram_range = ngram_range
        self.char_ngram_range = char_ngram_range
        self.min_df = min_df
        self.max_df = max_df
        self.sublinear_tf = sublinear_tf
        self.C = C
        self.char_min_df = char_min_df
        self.class_weight = class_weight
        self.nb_alpha = nb_alpha
        self.calibrate = calibrate
        self.cv = cv
        self.max_iter = max_iter
        self.tol = tol
        self.n_jobs = n_jobs
        self.quote_words = quote_words

    # ---------------------------------------------------------------- fitting
    def _check_xy(self, X: Any, y: Any) -> tuple[list[str], np.ndarray]:
        texts = check_texts(X, "fit")
        labels = [str(v) for v in y]
        if len(labels) != len(texts):
            raise ValueError(f"fit() got {len(texts)} texts but {len(labels)} labels")
        unknown = sorted(set(labels) - set(LABELS))
        if unknown:
            raise ValueError(f"unknown label(s) {unknown}; expected labels from {list(LABELS)}")
        missing = [lab for lab in LABELS if lab not in labels]
        if missing:
            raise ValueError(f"no training example for label(s) {missing}: every label needs some")
        if self.nb_alpha is not None and not self.nb_alpha > 0:
            raise ValueError(f"nb_alpha must be positive (the smoothing of the Naive Bayes ratios), "
                             f"or None for the multinomial model; got {self.nb_alpha}")
        if self.ngram_range[1] > MAX_ORDER or self.ngram_range[0] < 1:
            raise ValueError(f"ngram_range must lie within (1, {MAX_ORDER}), got {self.ngram_range}")
        return texts, np.array([LABELS.index(v) for v in labels])

    def _pipeline(self) -> tuple[WordCharVectorizer, LogisticRegression | NBLogisticRegression]:
        vec = WordCharVectorizer(tuple(self.ngram_range), None if self.char_ngram_range is None
                                 else tuple(self.char_ngram_range), self.min_df, self.max_df,
                                 self.sublinear_tf, self.char_min_df, self.quote_words)
        if self.nb_alpha is not None:
            return vec, NBLogisticRegression(self.nb_alpha, self.C, self.class_weight,
                                             self.max_iter, self.tol)
        return vec, LogisticRegression(C=self.C, class_weight=self.class_weight,
                                       max_iter=self.max_iter, tol=self.tol)

    def fit(self, X: Sequence[str], y: Sequence[str], groups: Sequence[Any] | None = None,
            sample_weight: Sequence[float] | None = None) -> "StanceClassifier":
        """Fit on texts ``X`` and labels ``y``; ``groups`` (e.g. conflicts) keep the calibration
        folds honest: no group is both in a fold's training and scoring part. ``sample_weight``
        (positive, one per text) makes some sentences count more in the loss."""
        texts, yi = self._check_xy(X, y)
        weights = self._check_weights(sample_weight, len(texts))
        # one BLAS thread: lbfgs on sparse tf-idf gains nothing from more, and threads that
        # fight over two cores made fitting several times slower
        with threadpool_limits(limits=1, user_api="blas"):
            self.temperature_ = 1.0
            if self.calibrate:
                self.temperature_ = fit_temperature(self._oof_scores(texts, yi, groups, weights), yi)
            self.vectorizer_, self.classifier_ = self._pipeline()
            Xt = self.vectorizer_.fit_transform(texts)
            self.classifier_.fit(Xt, yi, sample_weight=weights)
        self.classes_ = np.array(LABELS)
        self.n_features_ = Xt.shape[1]
        return self

    @staticmethod
    def _check_weights(sample_weight: Sequence[float] | None, n: int) -> np.ndarray | None:
        if sample_weight is None:
            return None
        w = np.asarray(sample_weight, dtype=np.float64)
        if w.shape != (n,):
            raise ValueError(f"fit() got {n} texts but sample_weight of shape {w.shape}")
        if not np.all(np.isfinite(w)) or np.any(w <= 0):
            raise ValueError("sample_weight must be finite and positive")
        return w

    def _oof_scores(self, texts: list[str], y: np.ndarray, groups: Sequence[Any] | None,
                    weights: np.ndarray | None = None) -> np.ndarray:
        """Out-of-fold linear scores, for the temperature."""
        if groups is not None and len(set(groups)) >= self.cv:
            splits = GroupKFold(n_splits=self.cv).split(texts, y, groups)
        else:
            splits = StratifiedKFold(n_splits=self.cv, shuffle=True, random_state=0).split(texts, y)
        from joblib import Parallel, delayed

        scores = np.zeros((len(texts), len(LABELS)))
        arr = np.array(texts, dtype=object)
        splits = list(splits)
        parts = Parallel(n_jobs=self.n_jobs)(
            delayed(self._fold_scores)(arr[train], y[train], arr[test],
                                       None if weights is None else weights[train])
            for train, test in splits)
        for (_, test), part in zip(splits, parts):
            scores[test] = part
        return scores

    def _fold_scores(self, X_train: np.ndarray, y_train: np.ndarray, X_test: np.ndarray,
                     weights: np.ndarray | None) -> np.ndarray:
        """Linear scores of ``X_test`` by the pipeline fitted on one fold's training part."""
        with threadpool_limits(limits=1, user_api="blas"):
            vec, clf = self._pipeline()
            clf.fit(vec.fit_transform(X_train), y_train, sample_weight=weights)
            part = np.full((len(X_test), len(LABELS)), -30.0)  # a label absent from the fold
            part[:, clf.classes_] = clf.decision_function(vec.transform(X_test))
        return part

    # ---------------------------------------------------------------- prediction
    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        """Calibrated probabilities, columns in ``classes_`` (= :data:`stance.LABELS`) order."""
        check_is_fitted(self, "classifier_")
        texts = check_texts(X, "predict_proba")
        if not texts:
            return np.zeros((0, len(LABELS)))
        Xt = self.vectorizer_.transform(texts)
        proba = softmax(self.classifier_.decision_function(Xt) / self.temperature_)
        has_tokens = np.array([bool(tokenize(t)) for t in texts])
        blank = (np.diff(Xt.indptr) == 0) | ~has_tokens  # as Model.predict_proba
        if blank.any():
            proba[blank] = no_evidence_proba(has_tokens[blank], len(LABELS), LABELS.index("neutral"))
        return proba

    def predict(self, X: Sequence[str]) -> np.ndarray:
        """The most probable label of each text."""
        return self.classes_[best_index(self.predict_proba(X))]

    # ---------------------------------------------------------------- export
    def export(self, card: dict[str, Any] | None = None) -> Model:
        """The fitted pipeline as a :class:`stance.model.Model` of plain arrays (no pickle, no
        scikit-learn needed to run it), with ``card`` merged into its model card."""
        check_is_fitted(self, "classifier_")
        vocabulary: dict[str, int] = self.vectorizer_.words_.vocabulary_
        n_words = len(vocabulary)
        voiced: dict[str | None, list[tuple[str, int]]] = {None: [], "quoted": [], "framing": []}
        for g, f in vocabulary.items():
            kind, token = voice_of(g)
            voiced[kind].append((token, f))
        words = dict(voiced.pop(None))
        chars_vec = self.vectorizer_.chars_
        chars = {} if chars_vec is None else {g: f + n_words for g, f in chars_vec.vocabulary_.items()}
        token_list = sorted({t for g in words for t in g.split(" ")})
        tok_id = {t: i for i, t in enumerate(token_list)}
        base = max(len(token_list), 1)
        arrays: dict[str, np.ndarray] = {}
        order = self.ngram_range[1]
        for n in range(1, order + 1):
            keyed = []
            for g, f in words.items():
                parts = g.split(" ")
                if len(parts) == n:
                    key = 0
                    for t in parts:
                        key = key * base + tok_id[t]
                    keyed.append((key, f))
            keyed.sort()
            arrays[f"keys{n}"] = np.array([k for k, _ in keyed], dtype=np.int64)
            arrays[f"feats{n}"] = np.array([f for _, f in keyed], dtype=np.int32)
        char_items = sorted(chars.items())
        arrays["chars"] = np.array([g for g, _ in char_items], dtype=str)
        arrays["char_feats"] = np.array([f for _, f in char_items], dtype=np.int32)
        arrays["tokens"] = np.array(token_list, dtype=str)
        if self.quote_words:
            for kind, items in voiced.items():
                items.sort()
                arrays[f"{kind}_tokens"] = np.array([t for t, _ in items], dtype=str)
                arrays[f"{kind}_feats"] = np.array([f for _, f in items], dtype=np.int32)
        arrays["order"] = np.array(order)
        arrays["char_ngram_range"] = np.array(self.char_ngram_range or (), dtype=np.int64)
        arrays["sublinear_tf"] = np.array(bool(self.sublinear_tf))
        idfs = [self.vectorizer_.words_.idf_] + ([] if chars_vec is None else [chars_vec.idf_])
        arrays["idf"] = np.concatenate(idfs).astype(np.float64)
        arrays["coef"] = np.ascontiguousarray(self.classifier_.coef_.T, dtype=np.float64)  # all 5 labels
        arrays["intercept"] = self.classifier_.intercept_.astype(np.float64)
        arrays["temperature"] = np.array(self.temperature_)
        arrays["labels"] = np.array(LABELS, dtype=str)
        import sklearn
        full_card = {
            "labels": list(LABELS),
            "hyperparameters": jsonable({k: v for k, v in self.get_params().items()
                                         if k != "n_jobs"}),  # how, not what, it fitted
            "temperature": self.temperature_,
            "n_features": int(self.n_features_),
            "versions": {"python": platform.python_version(), "numpy": np.__version__,
                         "scikit-learn": sklearn.__version__},
        }
        full_card.update(card or {})
        return Model(arrays, full_card)
