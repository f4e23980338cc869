"""Tension of a dated series of documents, period by period, with a bootstrap interval.

A period's tension is the mean of its documents' tensions (:mod:`stance.analysis`); the
same wire story reprinted counts once, and undated documents, and documents without a
sentence the model reads (empty, or in another language), are left out with a warning.
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Iterator

from .analysis import Analysis, analyze_many
from .documents import Document
from .language import READ
from .model import Model
from .text import shingles, similar_pairs

if TYPE_CHECKING:  # pragma: no cover
    from .dyads import DyadPeriod

DUPLICATE_JACCARD = 0.8
"""Two documents are the same story reprinted when the Jaccard similarity of their word
5-gram sets is at least this; a series counts such a story once."""

DOCUMENTS_ONLY_FROM = 30
"""From this many documents in a period, the bootstrap resamples documents only (single-stage)."""


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
    """95 % percentile interval of the mean document tension (fixed seed: reproducible). Below
    :data:`DOCUMENTS_ONLY_FROM` documents, a two-stage cluster bootstrap: resample documents,
    then sentences within each; from there on the between-document spread dominates and the
    bootstrap is single-stage: documents only."""
    import numpy as np

    docs = [d for d in docs if d]
    if not docs:
        return math.nan, math.nan
    rng = np.random.default_rng(seed)
    k = len(docs)
    if k >= DOCUMENTS_ONLY_FROM:
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


def tension_series(documents: Iterable[Document | Analysis | str], by: str = "month",
                   model: Model | None = None, n_boot: int = 1000, seed: int = 0,
                   dyads: bool = False, undirected: bool = False,
                   dyad: tuple[str, str] | None = None) -> list[Period] | list[DyadPeriod]:
    """Tension per period over dated documents (Documents, Analyses or documents' texts;
    files are read by :func:`stance.read_document`), oldest first.

    A period's tension is the mean of its documents' tensions; its 95 % interval comes from a
    bootstrap of documents, and of the sentences within them when the period has fewer than
    :data:`DOCUMENTS_ONLY_FROM` documents (see :func:`_bootstrap`). Near-duplicate documents
    (the same wire story reprinted, see :data:`DUPLICATE_JACCARD`) count once; undated
    documents, and documents without a sentence the model reads, are left out with a warning.

    With ``dyads=True``, a period × directed dyad table instead (:mod:`stance.dyads`): the
    tension between each pair of actors (``undirected``: both directions merged; ``dyad``:
    one pair only, e.g. ``("UKR", "RUS")``).
    """
    items = list(documents)
    analyses = [d for d in items if isinstance(d, Analysis)]
    rest = [d for d in items if not isinstance(d, Analysis)]
    analyses += analyze_many(rest, model, actors=dyads or dyad is not None)
    undated = [a.document.name for a in analyses if not a.document.date]
    if undated:
        warnings.warn(f"{len(undated)} undated document(s) left out of the series: "
                      f"{', '.join(undated[:5])}", stacklevel=2)
    unread = [a.document.name for a in analyses if a.document.date and a.tension is None]
    if unread:
        warnings.warn(f"{len(unread)} document(s) without a sentence in {' or '.join(READ)} "
                      f"(empty, or in another language) left out of the series: "
                      f"{', '.join(unread[:5])}", stacklevel=2)
    if dyads or dyad is not None:
        from .dyads import dyad_series
        return dyad_series(analyses, by, undirected=undirected, dyad=dyad, n_boot=n_boot, seed=seed)
    out = []
    for period, kept, n_dup in dated_groups(analyses, by):
        values = [a.tension for a in kept]
        tensions = [[s.tension for s in a.sentences if s.tension is not None] for a in kept]
        low, high = _bootstrap(tensions, n_boot, seed)
        n_sent = sum(len(t) for t in tensions)
        intensity = sum(len(t) * a.intensity for t, a in zip(tensions, kept)) / n_sent
        out.append(Period(period, sum(values) / len(values), low, high, len(kept), n_sent,
                          n_dup, intensity))
    return out


def dated_groups(analyses: Iterable[Analysis], by: str
                 ) -> Iterator[tuple[str, list[Analysis], int]]:
    """The dated analyses period by period, oldest first, reprints left out: (period, kept
    analyses, number of reprints). Undated analyses, and those without a tension (no
    sentence the model reads), are skipped."""
    dated = sorted((a for a in analyses if a.document.date and a.tension is not None),
                   key=lambda a: a.document.date)
    by_period: dict[str, list[Analysis]] = {}
    for a in dated:
        by_period.setdefault(period_of(a.document.date, by), []).append(a)
    for period in sorted(by_period):
        group = by_period[period]
        sets = [shingles(a.document.text, 5) for a in group]
        dup = {j for _, j, _ in similar_pairs(sets, DUPLICATE_JACCARD)}
        yield period, [a for i, a in enumerate(group) if i not in dup], len(dup)
