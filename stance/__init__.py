"""stance: who is accusing, denying, warning or conciliating, sentence by sentence, in French and
English diplomatic and conflict news, and how much tension a document or a series carries.

    >>> import stance
    >>> stance.classify("Moscou dément toute implication dans l'attaque.").label
    'denial'

The shipped model is loaded once, lazily, on first use; importing ``stance`` loads nothing
heavy (numpy comes with the first prediction, scikit-learn only with training).
"""
from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any, Iterable

from ._version import __version__
from .errors import AnnotationError, DocumentError, ModelError, StanceError, StanceWarning
from .labels import GOLDSTEIN, LABELS, TENSION_WEIGHTS

if TYPE_CHECKING:  # pragma: no cover
    from .analysis import Analysis, analyze
    from .corpus import load_annotations
    from .documents import Document, parse_document, read_document
    from .estimator import StanceClassifier
    from .model import Model, default_model
    from .persistence import load_model
    from .prediction import Prediction
    from .sentences import Sentence, split_sentences
    from .series import tension_series

__all__ = [
    "LABELS", "GOLDSTEIN", "TENSION_WEIGHTS", "classify", "classify_many", "explain",
    "default_model", "load_model", "Prediction", "Model", "StanceClassifier",
    "read_document", "parse_document", "split_sentences", "analyze", "tension_series",
    "load_annotations", "actors", "actors_many", "Actors", "Mention", "report",
    "StanceError", "ModelError", "DocumentError", "AnnotationError", "StanceWarning",
    "__version__",
]

_LAZY = {  # public name -> module that defines it, imported on first access
    "Model": "model", "default_model": "model", "Prediction": "prediction",
    "load_model": "persistence",
    "StanceClassifier": "estimator",
    "read_document": "documents", "parse_document": "documents", "Document": "documents",
    "split_sentences": "sentences", "Sentence": "sentences",
    "analyze": "analysis", "Analysis": "analysis", "tension_series": "series",
    "load_annotations": "corpus",
    "actors": "roles", "actors_many": "roles", "Actors": "roles", "Mention": "roles",
    "report": "reporting",
}


_shipped: list = []  # stance.model.default_model once a prediction has imported it


def _model() -> "Model":
    """The shipped model; :mod:`stance.model` (and numpy) is imported by the first call, not
    by ``import stance``, and looked up once, not at every sentence."""
    if not _shipped:
        from .model import default_model
        _shipped.append(default_model)
    return _shipped[0]()


def classify(text: str) -> "Prediction":
    """Label one sentence with the shipped model: ``label``, ``confidence``, ``probabilities``."""
    return _model().classify(text)


def classify_many(texts: Iterable[str]) -> "list[Prediction]":
    """Label many sentences in one vectorised pass; same answers as :func:`classify` one by one."""
    return _model().classify_many(texts)


def explain(text: str, top: int = 10, label: str | None = None) -> list[tuple[str, float]]:
    """The n-grams of ``text`` that pushed the predicted label (or ``label``), with their weights."""
    return _model().explain(text, top=top, label=label)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'stance' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
