"""What runs on a Dask worker for :mod:`stance.distributed`: the model, loaded once per worker
process, and the partition tasks that classify or analyze one partition in one batch.

The tasks are module-level functions, pickled by reference, so the model never travels in the
task graph: each worker process loads it on first use (:func:`worker_model`).
"""
from __future__ import annotations

import contextlib
import gc
import os
import pickle
import threading
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, NamedTuple

from .errors import ModelError
from .labels import LABELS

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .analysis import Analysis
    from .model import Model

PROBA_COLUMNS: tuple[str, ...] = tuple(f"p_{label}" for label in LABELS)
"""Probability columns of :func:`stance.distributed.classify_series`, in :data:`stance.LABELS` order."""


# ---------------------------------------------------------------------------- worker-side model
_models: dict[str | None, tuple[Any, "Model"]] = {}
_loads: Counter = Counter()
_models_lock = threading.Lock()


def model_key(model_path: str | os.PathLike | None) -> str | None:
    """The absolute path of a custom model (what every worker must be able to read), or None."""
    return None if model_path is None else os.path.abspath(os.fspath(model_path))


@dataclass(frozen=True)
class ModelPin:
    """A model as the client saw it when a job started: its path (absolute; None for the
    shipped model) and the SHA-256 of its arrays, which every worker's model must have."""

    path: str | None
    sha256: str


def pin_model(model_path: str | os.PathLike | None) -> ModelPin:
    """Pin the model at ``model_path`` (None: the shipped one) by the SHA-256 of its arrays,
    read from its card here, on the client; workers check theirs against it."""
    from .persistence import read_card
    key = model_key(model_path)
    if key is None:
        from importlib.resources import files
        card = read_card(files("stance") / "data" / "model.npz")
    else:
        card = read_card(key)
    return ModelPin(key, card["arrays_sha256"])


def _stamp(key: str | None) -> Any:
    """What tells that the file of a custom model changed: its mtime and size."""
    if key is None:
        return None
    st = os.stat(key) if os.path.exists(key) else None
    return (st.st_mtime_ns, st.st_size) if st else None


def _load(key: str | None) -> "Model":
    """Load the model at ``key`` (None: the shipped one)."""
    if key is None:
        from .model import default_model
        return default_model()
    from .persistence import load_model
    return load_model(key)


def worker_model(model: str | os.PathLike | ModelPin | None = None) -> "Model":
    """The model for this process, loaded once and cached: the shipped one, or the file at
    ``model`` (reloaded only if that file changes), so tasks never carry the model in the graph.

    Given a :class:`ModelPin`, the cached model serves as long as its arrays are the pinned
    ones, even if the file was replaced since; a model loaded with other arrays raises
    :class:`stance.ModelError`: a job never mixes the answers of two models."""
    pin = model if isinstance(model, ModelPin) else None
    key = pin.path if pin else model_key(model)
    with _models_lock:
        cached = _models.get(key)
        if cached is not None and (cached[1].card.get("arrays_sha256") == pin.sha256 if pin
                                   else cached[0] == _stamp(key)):
            return cached[1]
        stamp = _stamp(key)
        loaded = _load(key)
        _models[key] = (stamp, loaded)
        _loads[key or "<default>"] += 1
    found = loaded.card.get("arrays_sha256")
    if pin and found != pin.sha256:
        where = key or "the shipped model of this worker's stance"
        raise ModelError(f"{where}: the model changed while the job ran: the job was started "
                         f"with arrays SHA-256 {pin.sha256[:16]}…, this worker now reads "
                         f"{found[:16]}…; run the job again, and keep the model file unchanged "
                         "(or give each version its own file) while it runs")
    return loaded


def worker_models() -> dict[str, dict[str, Any]]:
    """What this process has loaded: per model (path or ``<default>``), how many loads and the
    SHA-256 of its arrays; run it on every worker with ``client.run(worker_models)``."""
    with _models_lock:
        return {key or "<default>": {"loads": _loads[key or "<default>"],
                                     "sha256": model.card.get("arrays_sha256"), "pid": os.getpid()}
                for key, (_, model) in _models.items()}


# ---------------------------------------------------------------------------- partition functions
def _tensions(proba_rows: list[list[float]]) -> list[float]:
    """Tension of each row through :func:`stance.analysis.sentence_tension` itself (exact parity)."""
    from .analysis import sentence_tension
    return [sentence_tension(dict(zip(LABELS, row))) for row in proba_rows]


def classify_partition(part: "pd.Series", model: ModelPin | str | None) -> "pd.DataFrame":
    """One partition of sentences -> its label, confidence, probabilities and tension (one batch)."""
    import numpy as np
    import pandas as pd

    from .prediction import best_index
    proba = worker_model(model).predict_proba(part.tolist())
    best = best_index(proba)
    cols: dict[str, Any] = {
        "label": pd.Categorical.from_codes(best, categories=list(LABELS)),
        "confidence": proba[np.arange(len(proba)), best] if len(proba) else np.zeros(0),
    }
    cols.update({c: proba[:, j] for j, c in enumerate(PROBA_COLUMNS)})
    cols["tension"] = np.asarray(_tensions(proba.tolist()), dtype=np.float64)
    return pd.DataFrame(cols, index=part.index)


def classify_records(texts: Iterable[str], model: ModelPin | str | None) -> list[dict[str, Any]]:
    """One bag partition of sentences -> an exact sentence record per sentence (one batch)."""
    from .analysis import sentence_record
    texts = list(texts)
    preds = worker_model(model).classify_many(texts)
    return [sentence_record(t, p, digits=None) for t, p in zip(texts, preds)]


def _read(item: Any) -> Any:
    """A Document from a path (read here, on the worker; a ``str`` is always a path), from a
    file's bytes, or a Document as it is."""
    from .documents import Document, parse_document, read_document
    from .errors import DocumentError
    if isinstance(item, Document):
        return item
    if isinstance(item, PathItem):
        try:
            return replace(read_document(Path(item.absolute)), path=item.given)
        except DocumentError as exc:  # named as the client gave it, not as the worker reads it
            raise DocumentError(str(exc).replace(item.absolute, item.given, 1)) from None
    if isinstance(item, bytes):
        return parse_document(item)
    return read_document(item)


class PathItem:
    """A document path as given on the client (kept as ``Document.path``) and made absolute
    (where the worker reads it), so a text is never mistaken for a path or the reverse."""

    __slots__ = ("given", "absolute")

    def __init__(self, path: str | os.PathLike):
        self.given = str(Path(path))
        self.absolute = os.path.abspath(os.fspath(path))

    def __getstate__(self) -> tuple[str, str]:
        return self.given, self.absolute

    def __setstate__(self, state: tuple[str, str]) -> None:
        self.given, self.absolute = state

    def __repr__(self) -> str:
        return f"PathItem({self.given!r})"


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building (or unpickling) many small objects
    that form no cycles: its repeated passes cost 25-50 % of that time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _analyze_items(items: Iterable[Any], model: ModelPin | str | None) -> list["Analysis"]:
    """Read and analyze one partition of documents, all their sentences in one batch."""
    from .analysis import analyze_many
    model = worker_model(model)
    with gc_paused():
        return analyze_many([_read(it) for it in items], model)


def summary(analysis: "Analysis") -> dict[str, Any]:
    """A flat per-document record with unrounded tension: what :func:`tension_by_period` sums
    (``n_sentences``: the sentences read, those in a language the model reads; ``dyads``: each
    pair of actors' mean tension and sentences, see :func:`stance.dyads.document_dyads`)."""
    from .dyads import document_dyads
    d = analysis.document
    return {"document": d.path or d.name, "path": d.path, "date": d.date, "headline": d.headline,
            "lang": d.lang, "tension": analysis.tension, "intensity": analysis.intensity,
            "counts": dict(analysis.counts),
            "n_sentences": sum(s.label is not None for s in analysis.sentences),  # the ones read
            "dyads": {k: list(v) for k, v in document_dyads(analysis).items()}}


def analyze_records(items: Iterable[Any], model: ModelPin | str | None, record: str) -> list[dict]:
    """One bag partition of documents -> a record per document (summary or ``to_dict``)."""
    analyses = _analyze_items(items, model)
    if record == "dict":
        return [a.to_dict() for a in analyses]
    return [summary(a) for a in analyses]


def dumps_analyses(analyses: list["Analysis"]) -> bytes:
    """Pickle a partition's Analyses as one payload for the trip to the client (one message
    instead of thousands of small objects), read back by :func:`pickle.loads`."""
    return pickle.dumps(analyses, protocol=pickle.HIGHEST_PROTOCOL)


class BadDocument(NamedTuple):
    """A document that could not be read, in the place of its Analysis: its path and why."""

    path: str
    reason: str


def analyze_packed(items: Iterable[Any], model: ModelPin | str | None, skip_bad: bool = False
                   ) -> tuple[int, bytes]:
    """One partition of documents -> (number of documents, pickled Analyses): one payload.
    With ``skip_bad``, a document that cannot be read is a :class:`BadDocument` in its place
    instead of failing the partition."""
    if not skip_bad:
        analyses = _analyze_items(items, model)
        return len(analyses), dumps_analyses(analyses)
    from .analysis import analyze_many
    from .errors import StanceError
    items = list(items)
    docs, out = [], []
    for it in items:
        try:
            docs.append(_read(it))
            out.append(None)  # its Analysis, filled in below
        except StanceError as exc:
            out.append(BadDocument(getattr(it, "given", str(it)), str(exc)))
    with gc_paused():
        analyses = iter(analyze_many(docs, worker_model(model)))
    return len(items), dumps_analyses([next(analyses) if o is None else o for o in out])
