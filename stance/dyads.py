"""Tension between pairs of actors: a period × directed dyad table, as event data's dyads.

A sentence belongs to the dyad (source, target) of its actors (every pair of its ``sources``
and ``targets`` codes, so "X and Y accuse each other" counts for X→Y and Y→X). A dyad's
tension in a period is the mean over documents of the mean tension of the document's sentences
in that dyad, with the same 95 % bootstrap interval and reprint rule as the whole series.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from .analysis import Analysis, SentenceStance
from .series import _bootstrap, dated_groups


@dataclass(frozen=True)
class DyadPeriod:
    """Tension of one directed pair of actors in one period (``source`` acts at ``target``)."""

    period: str
    source: str
    target: str
    tension: float
    low: float
    high: float
    documents: int
    sentences: int

    @property
    def dyad(self) -> str:
        """The pair as ``SOURCE-TARGET``, the form ``stance series --dyad`` takes."""
        return f"{self.source}-{self.target}"


def sentence_dyads(s: SentenceStance, undirected: bool = False) -> set[tuple[str, str]]:
    """The (source, target) code pairs of one sentence; sorted pairs when ``undirected``."""
    a = s.actors
    if a is None:
        return set()
    sources = [m.code for m in (a.sources or ((a.source,) if a.source else ())) if m.code]
    targets = [m.code for m in (a.targets or ((a.target,) if a.target else ())) if m.code]
    pairs = {(x, y) for x in sources for y in targets if x != y}
    return {tuple(sorted(p)) for p in pairs} if undirected else pairs


def parse_dyad(text: str) -> tuple[str, str]:
    """``"UKR-RUS"`` -> ``("UKR", "RUS")``, with an error that shows the expected form."""
    parts = text.strip().upper().split("-")
    if len(parts) != 2 or not all(parts):
        raise ValueError(f"dyad {text!r}: expected two actor codes joined by '-', e.g. UKR-RUS")
    return parts[0], parts[1]


def dyad_series(analyses: Iterable[Analysis], by: str = "month", undirected: bool = False,
                dyad: tuple[str, str] | None = None, n_boot: int = 1000, seed: int = 0
                ) -> list[DyadPeriod]:
    """Tension per period and per dyad over analysed dated documents, oldest period first and,
    within a period, the dyads with the most sentences first.

    ``dyad`` keeps one pair (both directions when ``undirected``)."""
    wanted = None if dyad is None else (tuple(sorted(dyad)) if undirected else tuple(dyad))
    out = []
    for period, kept, _ in dated_groups(analyses, by):
        cells: dict[tuple[str, str], list[list[float]]] = {}
        for a in kept:
            per_doc: dict[tuple[str, str], list[float]] = {}
            for s in a.sentences:
                for pair in sentence_dyads(s, undirected):
                    if wanted is None or pair == wanted:
                        per_doc.setdefault(pair, []).append(s.tension)
            for pair, values in per_doc.items():
                cells.setdefault(pair, []).append(values)
        rows = []
        for (src, tgt), docs in cells.items():
            low, high = _bootstrap(docs, n_boot, seed)
            tension = sum(sum(d) / len(d) for d in docs) / len(docs)
            rows.append(DyadPeriod(period, src, tgt, tension, low, high, len(docs),
                                   sum(map(len, docs))))
        out += sorted(rows, key=lambda r: (-r.sentences, r.source, r.target))
    return out


def document_dyads(analysis: Analysis, undirected: bool = False) -> dict[str, tuple[float, int]]:
    """Each dyad of one analysed document: ``"SRC-TGT"`` -> (mean tension of its sentences,
    number of sentences). What the Dask aggregation sums per document."""
    return _means((f"{src}-{tgt}", s.tension) for s in analysis.sentences
                  for src, tgt in sentence_dyads(s, undirected))


def record_dyads(record: dict) -> dict[str, tuple[float, int]]:
    """:func:`document_dyads` of an ``Analysis.to_dict`` record, from its sentences' first
    source and target codes."""
    return _means((f"{s['source_code']}-{s['target_code']}", s["tension"])
                  for s in record.get("sentences", ())
                  if s.get("source_code") and s.get("target_code")
                  and s["source_code"] != s["target_code"] and s.get("tension") is not None)


def _means(pairs: Iterable[tuple[str, float]]) -> dict[str, tuple[float, int]]:
    """``(dyad, tension)`` pairs -> each dyad's (mean tension, number of sentences)."""
    acc: dict[str, list[float]] = {}
    for dyad, tension in pairs:
        acc.setdefault(dyad, []).append(tension)
    return {k: (sum(v) / len(v), len(v)) for k, v in acc.items()}


def top_dyads(rows: Iterable[DyadPeriod], n: int = 10) -> list[tuple[str, int]]:
    """The ``n`` dyads with the most sentences over the whole series, as (``SRC-TGT``, count)."""
    totals: dict[str, int] = {}
    for r in rows:
        totals[r.dyad] = totals.get(r.dyad, 0) + r.sentences
    return sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
