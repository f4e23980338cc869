"""How the ``stance`` command writes its results: JSON that is always JSON, the analysis as a
table, JSON, JSON Lines or CSV (one sentence record a row), the dyad table, and the note that
names what a document's language kept the model from reading."""
from __future__ import annotations

import csv
import json
import sys
from typing import Iterator, TextIO

from .labels import LABELS
from .language import READ
from .paths import printable


def dumps(obj: object, indent: int | None = None) -> str:
    """JSON as every output of the command writes it: UTF-8 text as is, and never NaN or
    infinity, which are not JSON (a ValueError instead of an unreadable line)."""
    return json.dumps(obj, ensure_ascii=False, allow_nan=False, indent=indent)


def _short(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1] + "…"


def write_table(analysis, out: TextIO) -> None:
    d = analysis.document
    out.write(f"== {printable(d.name)}" + (f"  ({d.date})" if d.date else "") + f"  [{d.lang or '-'}]\n")
    for i, s in enumerate(analysis.sentences):
        if s.label is None:  # not read: its language instead of a stance
            out.write(f"{i:>3}  {'(' + str(s.lang) + ')':<13}{'-':>5}  {'-':>6}  {_short(s.text, 90)}\n")
        else:
            out.write(f"{i:>3}  {s.label:<13}{s.confidence:>5.2f}  {s.tension:>+6.2f}  "
                      f"{_short(s.text, 90)}\n")
    c = analysis.counts
    if analysis.tension is None:
        out.write("tension -  (no sentence in " + " or ".join(READ) + ")  "
                  f"sentences {len(analysis.sentences)}\n\n")
        return
    out.write(f"tension {analysis.tension:+.2f}  intensity {analysis.intensity:.2f}  "
              f"sentences {len(analysis.sentences)}  " +
              " ".join(f"{lab}={c[lab]}" for lab in LABELS) + "\n\n")


def unread_note(doc) -> str | None:
    """The line that tells, once per document, which of its sentences the model left unread
    for their language (None when it reads them all)."""
    from collections import Counter

    from .language import is_read
    langs = Counter(s.lang for s in doc.sentences if not is_read(s.lang))
    if not langs:
        return None
    named = ", ".join(sorted(langs, key=lambda lang: -langs[lang]))
    reads = " and ".join(READ)
    name = printable(doc.name)
    if not is_read(doc.lang):
        return (f"{name}: written in {doc.lang}, which the model does not read (it reads "
                f"{reads}): no stance, no tension")
    return (f"{name}: {sum(langs.values())} sentence(s) in {named} left unread (the model "
            f"reads {reads}): no stance, no tension for them")


CSV_FIELDS = ["document", "date", "index", "start", "end", "lang", "label", "confidence", "tension",
              *[f"p_{lab}" for lab in LABELS], "source", "source_code", "target", "target_code",
              "text"]


def csv_rows(analysis) -> Iterator[dict]:
    from .analysis import sentence_record
    d = analysis.document
    for i, s in enumerate(analysis.sentences):
        record = sentence_record(s.text, s, index=i, start=s.start, end=s.end)
        probabilities = record.pop("probabilities")
        yield {"document": printable(d.path or d.name), "date": d.date or "", **record,
               **{f"p_{lab}": (probabilities or {}).get(lab) for lab in LABELS}}


def write_analysis(a, fmt: str, out: TextIO, writer: csv.DictWriter | None, docs: list) -> None:
    """Write one Analysis in ``fmt`` (JSON documents are collected in ``docs``, written at the end)."""
    if fmt == "table":
        write_table(a, out)
    elif fmt in ("jsonl", "json"):
        record = a.to_dict()
        record["document"] = printable(record["document"])
        if fmt == "json":
            docs.append(record)
        else:
            out.write(dumps(record) + "\n")
    else:
        writer.writerows(csv_rows(a))


ONE_LINE = str.maketrans({"\t": " ", "\n": " ", "\r": " "})  # a TSV field on one line


def write_dyads(rows, fmt: str, top: int | None = None, out: TextIO | None = None) -> None:
    """The period × dyad table (``fmt`` table or jsonl), of the ``top`` most active pairs
    when given, else of every row."""
    out = out or sys.stdout
    if top is not None:
        from .dyads import top_dyads
        keep = {d for d, _ in top_dyads(rows, top)}
        rows = [r for r in rows if r.dyad in keep]
    if fmt == "jsonl":
        for r in rows:
            out.write(dumps({"dyad": r.dyad, **r.__dict__}) + "\n")
        return
    out.write(f"{'period':<10}{'dyad':<22}{'tension':>9}{'95% low':>9}{'95% high':>9}"
              f"{'docs':>6}{'sentences':>11}\n")
    for r in rows:
        out.write(f"{r.period:<10}{r.dyad:<22}{r.tension:>+9.2f}{r.low:>+9.2f}"
                  f"{r.high:>+9.2f}{r.documents:>6}{r.sentences:>11}\n")
