"""A document analysed sentence by sentence: each sentence's stance and tension, and the
document's label counts, tension and intensity.

Tension rests on the Goldstein (1992) conflict-cooperation scale of CAMEO/GDELT event data —
accuse (CAMEO 112) and deny responsibility (016) at -2, threaten (13) at -6, express intent
to cooperate (03) at +4, neutral 0 — with the sign flipped so that **higher means more
hostile**: a sentence's tension is ``sum((p(label) - min p) * weight(label))``, the expected
weight once the probability every label shares (the smallest, evidence for none of them) is
counted as neutral, between -4 (surely conciliatory) and +6 (surely a threat); a sentence the
model cannot read (uniform probabilities) weighs 0, and doubt only ever pulls towards 0. A
document's tension is the mean over its sentences (a mean, not a sum, so it does not grow with
length), reported with its intensity, the share of sentences that carry a stance. A sentence in a language the
model does not read (:mod:`stance.language`) is left unread: no label, no tension, and no part
in its document's counts, tension and intensity, which are None when no sentence is read (an
empty document, or one in another language). Series of dated documents are :mod:`stance.series`.
"""
from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Mapping

from .documents import Document, parse_document
from .labels import LABELS, TENSION_WEIGHTS
from .language import is_read
from .model import Model
from .prediction import Prediction
from .roles import Actors, document_actors


@dataclass(frozen=True)
class SentenceStance:
    """One sentence of a document, where it is, its language, and what the model says of it;
    a sentence in a language the model does not read has None for label, confidence,
    probabilities and tension."""

    text: str
    start: int
    end: int
    label: str | None
    confidence: float | None
    probabilities: Mapping[str, float] | None = field(repr=False)
    tension: float | None = 0.0
    lang: str | None = None
    actors: Actors | None = field(default=None, repr=False)
    """Who acts at whom (:func:`stance.actors`), None when the analysis skipped actors."""


@dataclass(frozen=True)
class Analysis:
    """A document analysed sentence by sentence, with its label counts and tension (over the
    sentences the model reads; tension and intensity are None when it reads none)."""

    document: Document
    sentences: tuple[SentenceStance, ...]
    counts: Mapping[str, int]
    tension: float | None
    intensity: float | None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary: metadata, counts, tension and every sentence."""
        d = self.document
        return {
            "document": d.path or d.name, "date": d.date, "headline": d.headline, "lang": d.lang,
            "sentences": [sentence_record(s.text, s, index=i, start=s.start, end=s.end)
                          for i, s in enumerate(self.sentences)],
            "counts": dict(self.counts), "tension": _rounded(self.tension),
            "intensity": _rounded(self.intensity),
        }


def sentence_tension(probabilities: Mapping[str, float]) -> float:
    """Tension of a sentence (higher = more hostile): the expected label weight once the
    probability all labels share, ``min p``, is moved to neutral, so that not knowing weighs
    nothing (uniform probabilities give 0, not the mean of the weights)."""
    floor = min(probabilities.values())
    return sum((p - floor) * TENSION_WEIGHTS[label] for label, p in probabilities.items())


def _rounded(value: float | None, digits: int | None = 4) -> float | None:
    return value if digits is None or value is None else round(value, digits)


def sentence_record(text: str, prediction: Prediction | SentenceStance, index: int | None = None,
                    start: int | None = None, end: int | None = None,
                    digits: int | None = 4, actors: Actors | None = None) -> dict[str, Any]:
    """The JSON-ready record of one labelled sentence, the one every output uses (``analyze``
    in JSON, JSON Lines and CSV, ``classify --format jsonl``, Dask bags): its ``index`` and
    ``start``/``end`` offsets when given, its ``lang`` (a document's sentence), text, label,
    confidence, tension and probabilities, rounded to ``digits`` decimals (None: exact);
    null label, confidence, tension and probabilities for a sentence left unread; and its
    actors when known (``actors`` or the sentence's own)."""
    record: dict[str, Any] = {} if index is None else {"index": index}
    record["text"] = text
    if start is not None:
        record["start"], record["end"] = start, end
    if isinstance(prediction, SentenceStance):
        record["lang"] = prediction.lang
        tension = prediction.tension
    else:
        tension = sentence_tension(prediction.probabilities)
    proba = prediction.probabilities
    record.update(label=prediction.label, confidence=_rounded(prediction.confidence, digits),
                  tension=_rounded(tension, digits),
                  probabilities=None if proba is None else
                  {k: _rounded(v, digits) for k, v in proba.items()})
    who = actors if actors is not None else getattr(prediction, "actors", None)
    if who is not None:
        record.update(actor_fields(who))
    return record


def actor_fields(who: Actors) -> dict[str, Any]:
    """``source``, ``source_code``, ``target``, ``target_code`` of a sentence record (text and
    code of the first performer and addressee, None when not named or not known)."""
    src, tgt = who.source, who.target
    return {"source": src.text if src else None, "source_code": src.code if src else None,
            "target": tgt.text if tgt else None, "target_code": tgt.code if tgt else None}


def _model(model: Model | None) -> Model:
    if model is None:
        from .model import default_model
        return default_model()
    return model


def _as_document(doc: Document | str, where: str = "analyze") -> Document:
    """``doc`` itself, or the document whose text it is; a path is refused (files are read
    by :func:`stance.read_document`, never guessed from a string)."""
    if isinstance(doc, Document):
        return doc
    if isinstance(doc, str):
        return parse_document(doc)
    hint = " (read a file with stance.read_document(path))" if isinstance(doc, os.PathLike) else ""
    raise TypeError(f"{where}() expects a Document or a document's text, got "
                    f"{type(doc).__name__}{hint}")


def analyze(document: Document | str, model: Model | None = None, actors: bool = True
            ) -> Analysis:
    """Classify every sentence of ``document`` (a :class:`Document`, or a document's text:
    never a path, see :func:`stance.read_document`), find who acts at whom in each (unless
    ``actors`` is False), and compute its label counts, tension and intensity."""
    return analyze_many([document], model, actors)[0]


def analyze_many(documents: Iterable[Document | str], model: Model | None = None,
                 actors: bool = True) -> list[Analysis]:
    """:func:`analyze` over many documents, classifying all their sentences that the model
    reads in one batch."""
    docs = [_as_document(d, "analyze_many") for d in documents]
    preds = iter(_model(model).classify_many(
        [s.text for d in docs for s in d.sentences if is_read(s.lang)]))
    return [_assemble(d, preds, document_actors([s.text for s in d.sentences]) if actors
                      else [None] * len(d.sentences)) for d in docs]


def _assemble(doc: Document, preds: Iterator[Prediction], who: list[Actors | None]) -> Analysis:
    """The Analysis of ``doc``, taking from ``preds`` the prediction of each sentence it reads;
    ``who``: each sentence's actors (or None)."""
    sents = []
    for s, a in zip(doc.sentences, who):
        if is_read(s.lang):
            p = next(preds)
            sents.append(SentenceStance(s.text, s.start, s.end, p.label, p.confidence,
                                        p.probabilities, sentence_tension(p.probabilities), s.lang,
                                        a))
        else:
            sents.append(SentenceStance(s.text, s.start, s.end, None, None, None, None, s.lang))
    read = [s for s in sents if s.label is not None]
    counts = Counter({label: 0 for label in LABELS})
    counts.update(s.label for s in read)
    n = len(read)
    tension = sum(s.tension for s in read) / n if n else None
    intensity = (n - counts["neutral"]) / n if n else None
    return Analysis(doc, tuple(sents), dict(counts), tension, intensity)
