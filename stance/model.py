"""The fitted model as plain arrays, the numpy-only inference that runs on them, and the
shipped model.

A :class:`Model` holds what a fitted :class:`stance.StanceClassifier` computes with — token
dictionary, n-gram keys, idf, coefficients, intercept, temperature — as numpy arrays; its two
feature blocks are :class:`stance.features.WordBlock` and :class:`stance.chars.CharBlock`, and
its files are read and written by :mod:`stance.persistence`. Inference is vectorised over a
batch: the blocks' scores, the intercept and the softmax are a handful of numpy calls whatever
the batch size.
"""
from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from .chars import CharBlock
from .errors import ModelError
from .features import WordBlock, weighted_coefficients
from .labels import LABELS
from .lazy import once
from .prediction import Prediction, Probabilities, best_index, no_evidence_proba, softmax
from .text import VOICES, check_texts

BLOCK = 8192
"""Texts per vectorised pass of :meth:`Model.predict_proba`; larger batches go block by block."""


class Model:
    """A fitted stance model in plain arrays; use :func:`stance.load_model` or
    :meth:`stance.StanceClassifier.export` to get one."""

    def __init__(self, arrays: Mapping[str, np.ndarray], card: Mapping[str, Any]):
        self.card: dict[str, Any] = dict(card)
        self.labels: tuple[str, ...] = tuple(str(x) for x in arrays["labels"])
        if self.labels != LABELS:
            raise ModelError(f"model labels {list(self.labels)} are not stance's {list(LABELS)}")
        self.idf = np.asarray(arrays["idf"], dtype=np.float64)
        self.coef = np.ascontiguousarray(arrays["coef"], dtype=np.float64)
        self.intercept = np.asarray(arrays["intercept"], dtype=np.float64)
        self.temperature = float(arrays["temperature"])
        self.sublinear_tf = bool(arrays["sublinear_tf"])
        self.tokens = arrays["tokens"]
        self.order = int(arrays["order"])
        self.keys = [np.asarray(arrays[f"keys{n}"], dtype=np.int64) for n in range(1, self.order + 1)]
        self.feats = [np.asarray(arrays[f"feats{n}"], dtype=np.int64) for n in range(1, self.order + 1)]
        cr = arrays["char_ngram_range"]
        self.char_ngram_range: tuple[int, int] | None = (int(cr[0]), int(cr[1])) if len(cr) else None
        n_features, n_classes = self.coef.shape
        if self.idf.shape != (n_features,) or self.intercept.shape != (n_classes,):
            raise ModelError("model arrays have inconsistent shapes (idf, coef, intercept)")
        weighted = weighted_coefficients(self.coef, self.idf)
        voiced = {kind: dict(zip(arrays[f"{kind}_tokens"].tolist(),
                                 np.asarray(arrays[f"{kind}_feats"]).tolist()))
                  for kind in VOICES if f"{kind}_tokens" in arrays}
        self.words = WordBlock(self.tokens, self.keys, self.feats, self.idf, self.sublinear_tf,
                               weighted, voiced)
        self.chars = None if self.char_ngram_range is None else CharBlock(
            arrays["chars"], arrays["char_feats"], self.idf, weighted, self.char_ngram_range)
        self._arrays = {k: np.asarray(v) for k, v in arrays.items()}
        self._neutral = self.labels.index("neutral")
        self._intercept = self.intercept.tolist()

    @property
    def char_vocab(self) -> dict[str, int]:
        """Character n-gram -> feature column (empty without a character block); built on
        first use, which one sentence's prediction is not."""
        return {} if self.chars is None else self.chars.vocab

    # ------------------------------------------------------------------ prediction
    def transform(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Sparse tf-idf rows of the word block as (document, feature, value) triples,
        l2-normalised per document, plus which texts have any letter token."""
        return self.words.transform(texts)

    def decision_function(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Linear scores (before temperature) per text and class, which texts had any known
        feature, and which had any letter token."""
        doc, feat, val, has_tokens = self.words.transform(texts)
        n = len(texts)
        scores = np.zeros((n, self.coef.shape[1]))
        has_features = np.zeros(n, dtype=bool)
        if len(doc):  # rows come sorted by document: one reduceat sums each document's terms
            starts = np.flatnonzero(np.concatenate(([True], doc[1:] != doc[:-1])))
            contrib = self.coef[feat]
            contrib *= val[:, None]
            scores[doc[starts]] = np.add.reduceat(contrib, starts, axis=0)
            has_features[doc[starts]] = True
        if self.chars is not None:
            char_scores, has_chars = self.chars.scores(texts)
            scores += char_scores
            has_features |= has_chars
        scores += self.intercept
        return scores, has_features, has_tokens

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities, shape (n_texts, 5), columns in :data:`stance.LABELS` order."""
        if not isinstance(texts, list) or not all(type(t) is str for t in texts):
            texts = check_texts(texts, "predict_proba")
        if len(texts) > BLOCK:  # blocks that stay in cache beat one huge pass
            return np.concatenate([self.predict_proba(texts[i:i + BLOCK])
                                   for i in range(0, len(texts), BLOCK)])
        if not texts:
            return np.zeros((0, len(self.labels)))
        scores, has_features, has_tokens = self.decision_function(texts)
        proba = softmax(scores / self.temperature)
        blank = ~(has_features & has_tokens)  # no known n-gram, or no word to read at all
        if blank.any():
            proba[blank] = no_evidence_proba(has_tokens[blank], len(self.labels), self._neutral)
        return proba

    def predict(self, texts: Sequence[str]) -> list[str]:
        """The most probable label of each text."""
        return [self.labels[i] for i in best_index(self.predict_proba(texts))]

    def classify_many(self, texts: Iterable[str]) -> list[Prediction]:
        """A :class:`Prediction` per text, computed in one vectorised pass."""
        proba = self.predict_proba(check_texts(texts, "classify_many"))
        labels = self.labels
        make = tuple.__new__  # Prediction's own __new__, without the keyword-argument layer
        return [make(Prediction, (labels[b], row[b], Probabilities(row)))
                for row, b in zip(proba.tolist(), best_index(proba).tolist())]

    def classify(self, text: str) -> Prediction:
        """The :class:`Prediction` for one text, by a path of its own (dict look-ups, one
        gather and one sum per block: a few numpy calls where a batch makes dozens, and none
        of the batch's tables built); equal to :meth:`classify_many`."""
        if not isinstance(text, str):
            raise TypeError(f"classify() expects str, got {type(text).__name__}")
        row = self._proba_one(text)
        best = len(row) - 1 - row[::-1].index(max(row))  # ties: the later label
        return tuple.__new__(Prediction, (self.labels[best], row[best], Probabilities(row)))

    def _proba_one(self, text: str) -> list[float]:
        """:meth:`predict_proba` of one text, by the blocks' one-text paths."""
        has_words, word_scores = self.words.score_one(text)
        char_scores = None if self.chars is None else self.chars.score_one(text)
        if not has_words or (word_scores is None and char_scores is None):
            return no_evidence_proba(np.array([has_words]), len(self.labels), self._neutral)[0].tolist()
        blocks = [b for b in (word_scores, char_scores) if b is not None]
        z = [sum(s, c) / self.temperature for c, *s in zip(self._intercept, *blocks)]
        top = max(z)
        e = [math.exp(v - top) for v in z]
        total = sum(e)
        return [v / total for v in e]

    # ------------------------------------------------------------------ explanation
    def feature_names(self) -> list[str]:
        """The n-gram of every feature column (word n-grams joined by a space, char n-grams ``#``-prefixed)."""
        if not hasattr(self, "_names"):
            names = [""] * len(self.idf)
            for f, name in self.words.names().items():
                names[f] = name
            for s, f in self.char_vocab.items():
                names[f] = "#" + s
            self._names = names
        return self._names

    def explain(self, text: str, top: int = 10, label: str | None = None) -> list[tuple[str, float]]:
        """The n-grams of ``text`` that pushed ``label`` (default: the predicted one) hardest,
        as (n-gram, contribution to the label's logit) pairs, strongest first."""
        if not isinstance(text, str):
            raise TypeError(f"explain() expects str, got {type(text).__name__}")
        if label is None:
            label = self.classify(text).label
        if label not in self.labels:
            raise ValueError(f"unknown label {label!r}; expected one of {list(self.labels)}")
        c = self.labels.index(label)
        _, feat, val, _ = self.words.transform([text])
        if self.chars is not None:
            char_feat, char_val = self.chars.contributions(text)
            feat, val = np.concatenate([feat, char_feat]), np.concatenate([val, char_val])
        weight = val * self.coef[feat, c] / self.temperature
        names = self.feature_names()
        order = np.argsort(-weight, kind="stable")[:max(int(top), 0)]
        return [(names[feat[i]], float(weight[i])) for i in order]

    def top_features(self, label: str, top: int = 20) -> list[tuple[str, float]]:
        """The n-grams with the largest coefficient for ``label`` over the whole vocabulary."""
        c = self.labels.index(label)
        w = self.coef[:, c]
        order = np.argsort(-w, kind="stable")[:top]
        names = self.feature_names()
        return [(names[i], float(w[i])) for i in order]

    # ------------------------------------------------------------------ files
    def save(self, path: str | os.PathLike) -> Path:
        """Write the model (``.npz``) and a readable copy of its card (``.card.json``)
        atomically (see :mod:`stance.persistence`)."""
        from .persistence import save_model

        self.card = save_model(self._arrays, self.card, path)
        return Path(path)

    def __repr__(self) -> str:
        return (f"Model({len(self.idf)} features, order={self.order}, "
                f"char_ngram_range={self.char_ngram_range}, "
                f"data={self.card.get('trained_on', {}).get('sha256', '?')[:12]})")


@once
def default_model() -> Model:
    """The shipped model, loaded on first call and cached for the life of the process."""
    from importlib.resources import files

    from .persistence import load_model
    return load_model(files("stance") / "data" / "model.npz")
