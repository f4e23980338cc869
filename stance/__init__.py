"""stance: who is accusing, denying, warning or conciliating, sentence by sentence, in French and
English diplomatic and conflict news, and how much tension a document or a series carries.

    >>> import stance
    >>> stance.classify("Moscou dément toute implication dans l'attaque.").label
    'denial'

The shipped model is loaded once, lazily, on first use; importing ``stance`` loads nothing
heavy (numpy comes with the first prediction, scikit-learn only with training).
"""
from __future__ import annotations

import threading
from importlib import import_module
from typing import TYPE_CHECKING, Any, Iterable

from .errors import AnnotationError, DocumentError, ModelError, StanceError
from .labels import GOLDSTEIN, LABELS, TENSION_WEIGHTS

if TYPE_CHECKING:  # pragma: no cover
    from .model import Model, Prediction

__version__ = "0.1.0"

__all__ = [
    "LABELS", "GOLDSTEIN", "TENSION_WEIGHTS", "classify", "classify_many", "explain",
    "default_model", "load_model", "Prediction", "Model", "StanceClassifier",
    "read_document", "split_sentences", "analyze", "tension_series", "load_annotations", "report",
    "StanceError", "ModelError", "DocumentError", "AnnotationError", "__version__",
]

_LAZY = {  # public name -> module that defines it, imported on first access
    "Model": "model", "Prediction": "model", "load_model": "model",
    "StanceClassifier": "estimator",
    "read_document": "documents", "Document": "documents",
    "split_sentences": "sentences", "Sentence": "sentences",
    "analyze": "tension", "tension_series": "tension", "Analysis": "tension",
    "load_annotations": "corpus",
    "report": "reporting",
}

_model: "Model | None" = None
_lock = threading.Lock()


def default_model() -> "Model":
    """The shipped model, loaded on first call and cached for the life of the process."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                from importlib.resources import files

                from .model import load_model
                _model = load_model(files(__name__) / "data" / "model.npz")
    return _model


def classify(text: str) -> "Prediction":
    """Label one sentence with the shipped model: ``label``, ``confidence``, ``probabilities``."""
    return default_model().classify(text)


def classify_many(texts: Iterable[str]) -> "list[Prediction]":
    """Label many sentences in one vectorised pass; same answers as :func:`classify` one by one."""
    return default_model().classify_many(texts)


def explain(text: str, top: int = 10, label: str | None = None) -> list[tuple[str, float]]:
    """The n-grams of ``text`` that pushed the predicted label (or ``label``), with their weights."""
    return default_model().explain(text, top=top, label=label)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'stance' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
