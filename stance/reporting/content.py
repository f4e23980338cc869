"""What a report says, gathered once before any HTML: the analyses read and the sources skipped
(and why), the tension series, the most active who -> whom pairs, and what the model card says
of the model's accuracy. Only public names of ``stance`` are used, imported when needed.
"""
from __future__ import annotations

import os
import types
import warnings
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

from ..errors import DocumentError


@dataclass(frozen=True)
class Skipped:
    """A source left out of the documents section, and why (unreadable, or no sentence in it)."""

    source: str
    reason: str


@dataclass(frozen=True)
class Accuracy:
    """A model card's figures on one test set: accuracy and macro-F1, overall and per language."""

    name: str
    n: int
    accuracy: float | None
    macro_f1: float
    by_lang: Mapping[str, float]


@dataclass(frozen=True)
class ModelSummary:
    """Which model labelled the sentences and what its card says of it."""

    source: str
    data_sha256: str
    trained_sentences: int | None
    accuracy: tuple[Accuracy, ...]

    def measured(self, name: str) -> Accuracy | None:
        """The card's figures on the test set called ``name`` (e.g. "real news"), if any."""
        return next((a for a in self.accuracy if a.name == name), None)


Point = Any
"""A period of a tension series as ``stance.tension_series`` gives it: ``period``, ``tension``,
``low`` and ``high`` (its 95 % interval), ``documents``, ``sentences`` and, for the main
series, ``duplicates`` (reprints counted once)."""


@dataclass(frozen=True)
class PairSeries:
    """The tension over time of the acts of one directed pair of actors (``source -> target``)."""

    source: str
    target: str
    sentences: int
    documents: int
    points: tuple[Point, ...]

    @property
    def name(self) -> str:
        """How the page names the pair: ``UKR → RUS``."""
        return f"{self.source} → {self.target}"


@dataclass(frozen=True)
class Content:
    """Everything the page shows. ``analyses`` holds every document read, empty ones included
    (they count in the series exactly as in ``stance series``); ``skipped`` says which sources
    the documents section leaves out and why."""

    title: str
    by: str
    analyses: tuple[Any, ...]
    skipped: tuple[Skipped, ...]
    series: tuple[Point, ...]
    pairs: tuple[PairSeries, ...]
    pairs_note: str
    model: ModelSummary


# ---------------------------------------------------------------------------------- reading
def _source_name(item: Any) -> str:
    if isinstance(item, (str, os.PathLike)) and not (isinstance(item, str) and "\n" in item):
        return os.fspath(item)
    return "<text>" if isinstance(item, str) else "<bytes>" if isinstance(item, bytes) else "<input>"


def read_sources(items: Iterable[Any], model: Any) -> tuple[list[Any], list[Skipped]]:
    """Analyses of ``items`` (Analysis objects kept as they are; Documents, file paths
    (``os.PathLike``), documents' texts (``str``) or bytes analysed with ``model``) and the
    sources skipped: unreadable ones (with the reader's message) and documents without a
    sentence. A ``str`` is always a text, never a path. Other types raise ``TypeError``."""
    import stance

    analyses: list[Any] = []
    skipped: list[Skipped] = []
    for item in items:
        if isinstance(item, stance.Analysis):
            analysis = item
        else:
            try:
                if isinstance(item, stance.Document):
                    doc = item
                elif isinstance(item, (str, bytes)):
                    doc = stance.parse_document(item)
                else:
                    doc = stance.read_document(item)
            except DocumentError as exc:
                skipped.append(Skipped(_source_name(item), str(exc)))
                continue
            analysis = stance.analyze(doc, model)
        if analysis.tension is None:  # nothing the model reads: said, not shown
            d = analysis.document
            why = ("no sentence to read (empty document)" if not analysis.sentences else
                   f"written in {d.lang}, which the model does not read (it reads French and English)")
            skipped.append(Skipped(d.path or d.name or "<text>", why))
            continue
        analyses.append(analysis)
    return analyses, skipped


# ---------------------------------------------------------------------------------- the model
_TEST_SETS = (("realdev", "real news"), ("heldout", "held-out conflicts"))


def describe_model(model: Any, source: str) -> ModelSummary:
    """The card's training size and data checksum, and its macro-F1 on real news and on
    held-out conflicts (each only when the card has it)."""
    card = getattr(model, "card", {}) or {}
    trained = card.get("trained_on", {}) or {}
    metrics = card.get("metrics", {}) or {}
    accuracy = []
    for key, name in _TEST_SETS:
        sets = metrics.get(key) or {}
        overall = sets.get("all") or {}
        if "macro_f1" in overall:
            by_lang = {lang: float(m["macro_f1"]) for lang, m in sorted(sets.items())
                       if lang != "all" and isinstance(m, Mapping) and "macro_f1" in m}
            share = overall.get("accuracy")
            accuracy.append(Accuracy(name, int(overall.get("n", 0)),
                                     None if share is None else float(share),
                                     float(overall["macro_f1"]), by_lang))
    total = ((trained.get("counts") or {}).get("total") or {}).get("sentences")
    return ModelSummary(source, str(trained.get("sha256", ""))[:12], int(total) if total else None,
                        tuple(accuracy))


# ---------------------------------------------------------------------------------- the series
def tension_over_time(analyses: Sequence[Any], by: str) -> tuple[Point, ...]:
    """``stance.tension_series`` of the analyses (undated ones left out without a warning: the
    page counts them)."""
    import stance

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return tuple(stance.tension_series(list(analyses), by=by))


# ---------------------------------------------------------------------------------- actors
_ACTOR_FIELDS = ("source", "source_code", "target", "target_code")


def _field(record: Any, name: str) -> Any:
    """A field of a sentence record or of an analysed sentence (whose actors give ``source``,
    ``source_code``, ``target``, ``target_code``)."""
    if isinstance(record, Mapping):
        value = record.get(name)
    elif name in _ACTOR_FIELDS and getattr(record, "actors", None) is not None:
        from ..analysis import actor_fields
        value = actor_fields(record.actors)[name]
    else:
        value = getattr(record, name, None)
    return value if isinstance(value, str) and value.strip() else None


def actor_pair(sentence: Any) -> tuple[str, str] | None:
    """The (source, target) of a sentence record by code, else by name; None unless both are known."""
    source = _field(sentence, "source_code") or _field(sentence, "source")
    target = _field(sentence, "target_code") or _field(sentence, "target")
    return (source, target) if source and target else None


def actor_text(sentence: Any) -> str:
    """``Kiev (UKR) → Moscou (RUS)``: the actors of a sentence record as the page prints them;
    empty when the record has none."""
    sides = []
    for role in ("source", "target"):
        name, code = _field(sentence, role), _field(sentence, f"{role}_code")
        sides.append(f"{name} ({code})" if name and code and name != code else name or code or "?")
    return "" if sides == ["?", "?"] else " → ".join(sides)


def actors_of(sentence: Any) -> list[str]:
    """The actor codes (else names) a sentence record names, for the page's actor filter."""
    return [a for a in (_field(sentence, "source_code") or _field(sentence, "source"),
                        _field(sentence, "target_code") or _field(sentence, "target")) if a]


# ---------------------------------------------------------------------------------- pairs
NO_ACTORS = ("Pairs of actors (who → whom) are not shown: the sentences of these documents "
             "carry no actors.")


def _row_pair(row: Any) -> tuple[str, str]:
    """The (source, target) of a row of ``tension_series(..., dyads=True)``, from its
    ``dyad`` (``"SRC-TGT"``)."""
    dyad = row.get("dyad") if isinstance(row, Mapping) else row.dyad
    src, _, tgt = dyad.partition("-")
    return src, tgt


def _pairs_from_api(analyses: Sequence[Any], by: str, top: int) -> list[PairSeries]:
    """The pairs as ``stance.tension_series(..., dyads=True)`` computes them, most sentences first."""
    import stance

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rows = list(stance.tension_series(list(analyses), by=by, dyads=True))
    grouped: dict[tuple[str, str], list[Point]] = {}
    for row in rows:
        point = types.SimpleNamespace(**row) if isinstance(row, Mapping) else row
        grouped.setdefault(_row_pair(row), []).append(point)
    series = [PairSeries(src, tgt, sum(p.sentences for p in pts), sum(p.documents for p in pts),
                         tuple(sorted(pts, key=lambda p: p.period)))
              for (src, tgt), pts in grouped.items()]
    return sorted(series, key=lambda s: (-s.sentences, s.source, s.target))[:top]


def actor_pairs(analyses: Sequence[Any], by: str, top: int = 6) -> tuple[list[PairSeries], str]:
    """The ``top`` most active directed pairs as ``tension_series(..., dyads=True)`` gives them,
    and a note for the page (when there are none, it says why)."""
    if not any(actor_pair(s) for a in analyses for s in a.sentences):
        return [], NO_ACTORS
    pairs = _pairs_from_api([a for a in analyses if a.document.date], by, top)
    if not pairs:
        return [], "Pairs of actors are not shown: no dated document names both sides of an act."
    return pairs, (f"The {len(pairs)} pairs with most acts in dated documents; each panel is the "
                   "mean tension of that pair's sentences, on the same scale as the timeline.")


def gather(items: Iterable[Any], model: Any, model_source: str, by: str = "month",
           title: str | None = None, top_pairs: int = 6) -> Content:
    """Read, analyse and summarise ``items`` into the :class:`Content` of one report."""
    analyses, skipped = read_sources(items, model)
    series = tension_over_time(analyses, by)
    pairs, note = actor_pairs(analyses, by, top_pairs)
    return Content(title or default_title(analyses), by, tuple(analyses), tuple(skipped),
                   series, tuple(pairs), note, describe_model(model, model_source))


def default_title(analyses: Sequence[Any]) -> str:
    """``Stance report: 14 documents, 2025-01 to 2025-07``."""
    n = sum(1 for a in analyses if a.sentences)
    dates = sorted(a.document.date for a in analyses if a.document.date and a.sentences)
    span = "" if not dates else f", {dates[0]}" if dates[0] == dates[-1] else f", {dates[0]} to {dates[-1]}"
    return f"Stance report: {n} document{'s' * (n != 1)}{span}"
