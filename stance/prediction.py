"""What a prediction is: the result types a user gets back, and the rules that turn a model's
scores into probabilities and a label (shared by the numpy model and the scikit-learn
estimator, so both answer alike).
"""
from __future__ import annotations

from collections import abc
from typing import Iterator, NamedTuple, Sequence

import numpy as np

from .labels import LABELS

_LABEL_INDEX = {label: i for i, label in enumerate(LABELS)}


class Probabilities(abc.Mapping):
    """A read-only mapping of the five labels to their probabilities, in :data:`LABELS` order."""

    __slots__ = ("_values",)

    def __init__(self, values: Sequence[float]):
        self._values = tuple(values)

    def __getitem__(self, label: str) -> float:
        try:
            return self._values[_LABEL_INDEX[label]]
        except KeyError:
            raise KeyError(label) from None

    def __iter__(self) -> Iterator[str]:
        return iter(LABELS)

    def __len__(self) -> int:
        return len(LABELS)

    def __repr__(self) -> str:
        return repr(dict(self))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Probabilities):
            return self._values == other._values
        return abc.Mapping.__eq__(self, other)

    def __hash__(self) -> int:
        return hash(self._values)

    def __reduce__(self) -> tuple:
        return (Probabilities, (self._values,))


class Prediction(NamedTuple):
    """The answer for one text: its ``label``, the label's probability (``confidence``), and
    ``probabilities`` over all five labels (a read-only mapping). Immutable and picklable."""

    label: str
    confidence: float
    probabilities: Probabilities

    def __repr__(self) -> str:
        return f"Prediction(label={self.label!r}, confidence={self.confidence:.3f})"


def softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise softmax of the scores ``z`` (a new array; ``z`` is left as it is)."""
    z = z - z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    return z


def best_index(proba: np.ndarray) -> np.ndarray:
    """Column of the most probable label per row; ties go to the later label in
    :data:`stance.LABELS`, so a "don't know" (uniform) row is ``neutral``."""
    return proba.shape[1] - 1 - proba[:, ::-1].argmax(axis=1)


def no_evidence_proba(has_tokens: np.ndarray, n_classes: int, neutral: int) -> np.ndarray:
    """Probabilities for texts without evidence: one-hot ``neutral`` if the text has no letters
    at all (nothing to read, whatever digits or symbols it holds), uniform if it has words but
    no n-gram the model knows (don't know)."""
    out = np.full((len(has_tokens), n_classes), 1.0 / n_classes)
    out[~has_tokens] = 0.0
    out[~has_tokens, neutral] = 1.0
    return out
