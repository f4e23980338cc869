"""From sentence stances to the tension of a document and of a dated series of documents.

Tension rests on the Goldstein (1992) conflict-cooperation scale of CAMEO/GDELT event data —
accuse (CAMEO 112) and deny responsibility (016) at -2, threaten (13) at -6, express intent
to cooperate (03) at +4, neutral 0 — with the sign flipped so that **higher means more
hostile**: a sentence's tension is ``-sum(p(label) * goldstein(label))`` under its predicted
probabilities, between -4 (surely conciliatory) and +6 (surely a threat). A document's tension
is the mean over its sentences (a mean, not a sum, so it does not grow with length), reported
with its intensity, the share of sentences that carry a stance.
"""
from __future__ import annotations

import math
import os
import warnings
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from .documents import Document, read_document
from .labels import LABELS, TENSION_WEIGHTS
from .model import Model
from .prediction import Prediction
from .text import shingles, similar_pairs

DUPLICATE_JACCARD = 0.8
"""Two documents are the same story reprinted when the Jaccard similarity of their word
5-gram sets is at least this; a series counts such a story once."""


@dataclass(frozen=True)
class SentenceStance:
    """One sentence of a document, where it is, and what the model says of it."""

    text: str
    start: int
    end: int
    label: str
    confidence: float
    probabilities: Mapping[str, float] = field(repr=False)
    tension: float = 0.0


@dataclass(frozen=True)
class Analysis:
    """A document analysed sentence by sentence, with its label counts and tension."""

    document: Document
    sentences: tuple[SentenceStance, ...]
    counts: Mapping[str, int]
    tension: float
    intensity: float

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary: metadata, counts, tension and every sentence."""
        d = self.document
        return {
            "document": d.path or d.name, "date": d.date, "headline": d.headline, "lang": d.lang,
            "sentences": [{"index": i, "text": s.text, "start": s.start, "end": s.end,
                           "label": s.label, "confidence": round(s.confidence, 4),
                           "tension": round(s.tension, 4),
                           "probabilities": {k: round(v, 4) for k, v in s.probabilities.items()}}
                          for i, s in enumerate(self.sentences)],
            "counts": dict(self.counts), "tension": round(self.tension, 4),
            "intensity": round(self.intensity, 4),
        }


def sentence_tension(probabilities: Mapping[str, float]) -> float:
    """Expected tension of a sentence under its label probabilities (higher = more hostile)."""
    return sum(p * TENSION_WEIGHTS[label] for label, p in probabilities.items())


def _model(model: Model | None) -> Model:
    if model is None:
        from .model import default_model
        return default_model()
    return model


def _as_document(doc: Document | str | os.PathLike) -> Document:
    return doc if isinstance(doc, Document) else read_document(doc)


def analyze(document: Document | str | os.PathLike, model: Model | None = None) -> Analysis:
    """Classify every sentence of ``document`` (a :class:`Document`, a path or a text) and
    compute its label counts, tension and intensity."""
    return analyze_many([document], model)[0]


def analyze_many(documents: Iterable[Document | str | os.PathLike], model: Model | None = None
                 ) -> list[Analysis]:
    """:func:`analyze` over many documents, classifying all their sentences in one batch."""
    docs = [_as_document(d) for d in documents]
    preds = _model(model).classify_many([s.text for d in docs for s in d.sentences])
    out, i = [], 0
    for d in docs:
        n = len(d.sentences)
        out.append(_assemble(d, preds[i:i + n]))
        i += n
    return out


def _assemble(doc: Document, preds: list[Prediction]) -> Analysis:
    sents = tuple(SentenceStance(s.text, s.start, s.end, p.label, p.confidence, p.probabilities,
                                 sentence_tension(p.probabilities))
                  for s, p in zip(doc.sentences, preds))
    counts = Counter({label: 0 for label in LABELS})
    counts.update(s.label for s in sents)
    n = len(sents)
    tension = sum(s.tension for s in sents) / n if n else 0.0
    intensity = (n - counts["neutral"]) / n if n else 0.0
    return Analysis(doc, sents, dict(counts), tension, intensity)


@dataclass(frozen=True)
class Period:
    """Tension of one period of a series, with a 95 % bootstrap interval and the counts behind it."""

    period: str
    tension: float
    low: float
    high: float
    documents: int
    sentences: int
    duplicates: int
    intensity: float


def period_of(date: str, by: str) -> str:
    """The period (``day``, ``month``, ``quarter`` or ``year``) a ``YYYY-MM[-DD]`` date falls in."""
    if by == "year":
        return date[:4]
    if by == "month":
        return date[:7]
    if by == "quarter":
        return f"{date[:4]}-Q{(int(date[5:7]) - 1) // 3 + 1}"
    if by == "day":
        if len(date) < 10:
            raise ValueError(f"date {date!r} has no day; use by='month'")
        return date[:10]
    raise ValueError(f"by must be 'day', 'month', 'quarter' or 'year', got {by!r}")


def _bootstrap(docs: list[list[float]], n_boot: int, seed: int) -> tuple[float, float]:
    """95 % percentile interval of the mean document tension, by a two-stage cluster bootstrap:
    resample documents, then sentences within each (fixed seed: reproducible). With many
    documents the between-document spread dominates, so only documents are resampled."""
    import numpy as np

    docs = [d for d in docs if d]
    if not docs:
        return math.nan, math.nan
    rng = np.random.default_rng(seed)
    k = len(docs)
    if k >= 30:
        means = np.array([sum(d) / len(d) for d in docs])
        boot = means[rng.integers(0, k, size=(n_boot, k))].mean(axis=1)
    else:
        width = max(len(d) for d in docs)
        table = np.zeros((k, width))
        lengths = np.array([len(d) for d in docs])
        for i, d in enumerate(docs):
            table[i, :len(d)] = d
        pick = rng.integers(0, k, size=(n_boot, k))                      # documents
        pos = (rng.random((n_boot, k, width)) * lengths[pick][..., None]).astype(int)
        rows = table[pick[..., None], pos]                                # sentences within
        mask = np.arange(width) < lengths[pick][..., None]
        boot = ((rows * mask).sum(axis=2) / lengths[pick]).mean(axis=1)
    low, high = np.percentile(boot, [2.5, 97.5])
    return float(low), float(high)


def tension_series(documents: Iterable[Document | Analysis | str | os.PathLike], by: str = "month",
                   model: Model | None = None, n_boot: int = 1000, seed: int = 0) -> list[Period]:
    """Tension per period over dated documents, oldest first.

    A period's tension is the mean of its documents' tensions; its 95 % interval comes from a
    two-stage bootstrap (documents, then sentences within them). Near-duplicate documents
    (the same wire story reprinted, see :data:`DUPLICATE_JACCARD`) count once; undated
    documents are left out with a warning.
    """
    items = list(documents)
    analyses = [d for d in items if isinstance(d, Analysis)]
    rest = [d for d in items if not isinstance(d, Analysis)]
    analyses += analyze_many(rest, model)
    undated = [a.document.name for a in analyses if not a.document.date]
    if undated:
        warnings.warn(f"{len(undated)} undated document(s) left out of the series: "
                      f"{', '.join(undated[:5])}", stacklevel=2)
    dated = [a for a in analyses if a.document.date]
    dated.sort(key=lambda a: a.document.date)
    by_period: dict[str, list[Analysis]] = {}
    for a in dated:
        by_period.setdefault(period_of(a.document.date, by), []).append(a)
    out = []
    for period in sorted(by_period):
        group = by_period[period]
        sets = [shingles(a.document.text, 5) for a in group]
        dup = {j for _, j, _ in similar_pairs(sets, DUPLICATE_JACCARD)}
        kept = [a for i, a in enumerate(group) if i not in dup]
        values = [a.tension for a in kept]
        low, high = _bootstrap([[s.tension for s in a.sentences] for a in kept], n_boot, seed)
        n_sent = sum(len(a.sentences) for a in kept)
        intensity = (sum(len(a.sentences) * a.intensity for a in kept) / n_sent) if n_sent else 0.0
        out.append(Period(period, sum(values) / len(values), low, high, len(kept), n_sent,
                          len(dup), intensity))
    return out
