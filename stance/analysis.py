"""A document analysed sentence by sentence: each sentence's stance and tension, and the
document's label counts, tension and intensity.

Tension rests on the Goldstein (1992) conflict-cooperation scale of CAMEO/GDELT event data —
accuse (CAMEO 112) and deny responsibility (016) at -2, threaten (13) at -6, express intent
to cooperate (03) at +4, neutral 0 — with the sign flipped so that **higher means more
hostile**: a sentence's tension is ``sum((p(label) - min p) * weight(label))``, the expected
weight once the probability every label shares (the smallest, evidence for none of them) is
counted as neutral, between -4 (surely conciliatory) and +6 (surely a threat); a sentence the
model cannot read (uniform probabilities) weighs 0, and doubt only ever pulls towards 0. A
document's tension
is the mean over its sentences (a mean, not a sum, so it does not grow with length), reported
with its intensity, the share of sentences that carry a stance. Series of dated documents are
:mod:`stance.series`.
"""
from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from .documents import Document, read_document
from .labels import LABELS, TENSION_WEIGHTS
from .model import Model
from .prediction import Prediction


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
            "sentences": [sentence_record(s.text, s, index=i, start=s.start, end=s.end)
                          for i, s in enumerate(self.sentences)],
            "counts": dict(self.counts), "tension": round(self.tension, 4),
            "intensity": round(self.intensity, 4),
        }


def sentence_tension(probabilities: Mapping[str, float]) -> float:
    """Tension of a sentence (higher = more hostile): the expected label weight once the
    probability all labels share, ``min p``, is moved to neutral, so that not knowing weighs
    nothing (uniform probabilities give 0, not the mean of the weights)."""
    floor = min(probabilities.values())
    return sum((p - floor) * TENSION_WEIGHTS[label] for label, p in probabilities.items())


def sentence_record(text: str, prediction: Prediction | SentenceStance, index: int | None = None,
                    start: int | None = None, end: int | None = None,
                    digits: int | None = 4) -> dict[str, Any]:
    """The JSON-ready record of one labelled sentence, the one every output uses (``analyze``
    in JSON, JSON Lines and CSV, ``classify --format jsonl``, Dask bags): its ``index`` and
    ``start``/``end`` offsets when given, text, label, confidence, tension and probabilities,
    rounded to ``digits`` decimals (None: exact)."""
    def num(v: float) -> float:
        return v if digits is None else round(v, digits)

    record: dict[str, Any] = {} if index is None else {"index": index}
    record["text"] = text
    if start is not None:
        record["start"], record["end"] = start, end
    record.update(label=prediction.label, confidence=num(prediction.confidence),
                  tension=num(sentence_tension(prediction.probabilities)),
                  probabilities={k: num(v) for k, v in prediction.probabilities.items()})
    return record


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
