"""Annotated sentences: loading and validating JSON Lines annotation files, near-duplicate
detection, and the split by group that keeps whole conflicts out of training.

One record per line::

    {"text": "...", "label": "denial", "lang": "fr", "group": "russia-ukraine",
     "also": ["accusation"], "note": "rule 1", "hard": true, "doc": "000_...", "index": 3,
     "actors": {"source": "Moscou", "target": "Kiev", "source_codes": ["RUS"],
                "target_codes": ["UKR"]}}

``text``, ``label``, ``lang`` and ``group`` are required; the rest is optional. ``actors``
(who performs the act, at whom: exact substrings of ``text`` or null, and their codes) is
given for non-neutral sentences of the story waves. Every problem of
every file is collected and raised at once as :class:`stance.AnnotationError`, with file and
line, so that nothing is trained on a corpus that fails validation.
"""
from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from .errors import AnnotationError
from .labels import LABELS, STANCE_LABELS
from .paths import folder_files
from .text import fold, shingles, similar_pairs

REQUIRED = ("text", "label", "lang", "group")
OPTIONAL = {"also": list, "note": str, "hard": bool, "doc": str, "index": int, "id": str,
            "actors": dict}
ACTOR_FIELDS = {"source": str, "target": str, "source_codes": list, "target_codes": list}
LANGS = ("fr", "en")
"""The languages the model is trained for; annotations in others are refused."""
NEAR_DUPLICATE_JACCARD = 0.7
"""Two sentences are near duplicates when the Jaccard similarity of their sets of word
bigrams (accents, case and punctuation removed) is at least this."""


@dataclass(frozen=True)
class Record:
    """One annotated sentence and where it came from."""

    text: str
    label: str
    lang: str
    group: str
    also: tuple[str, ...] = ()
    note: str = ""
    hard: bool = False
    doc: str | None = None
    index: int | None = None
    actors: dict | None = field(default=None, compare=False, hash=False)
    source: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)

    def to_json(self) -> dict:
        d = asdict(self)
        d["also"] = list(self.also)
        for k in ("source", "line"):
            d.pop(k)
        return {k: v for k, v in d.items() if v not in (None, "", ())}


def annotation_files(paths: str | os.PathLike | Iterable[str | os.PathLike]) -> list[Path]:
    """Expand files and folders (every ``*.jsonl`` below them, sorted, at any depth; what is
    skipped is said in warnings) into a list of files.

    Raises :class:`stance.AnnotationError` naming each path that does not exist and each
    folder that holds no ``*.jsonl`` file."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    out: list[Path] = []
    problems: list[tuple[str, int, str]] = []
    for given in paths:
        p = Path(given)
        if p.is_dir():
            found = sorted(map(Path, folder_files(p, [".jsonl"], "annotation")))
            if not found:
                problems.append((os.fspath(given), 0, "folder holds no annotation file (*.jsonl)"))
            out.extend(found)
        elif not p.exists():
            problems.append((os.fspath(given), 0, "no such file or folder"))
        else:
            out.append(p)
    if problems:
        raise AnnotationError(problems)
    if not out:
        raise AnnotationError([("<no path>", 0, "no annotation file given")])
    return out


def _check_record(obj: object, where: str, line: int, problems: list,
                  required: tuple[str, ...] = REQUIRED) -> Record | None:
    def bad(msg: str) -> None:
        problems.append((where, line, msg))

    if not isinstance(obj, dict):
        bad(f"expected a JSON object, got {type(obj).__name__}")
        return None
    missing = [k for k in required if k not in obj]
    if missing:
        bad(f"missing field(s) {', '.join(missing)}")
        return None
    obj = {"group": "", **obj}
    ok = True
    for k in required:
        if not isinstance(obj[k], str):
            bad(f"field {k!r} must be a string, got {type(obj[k]).__name__}")
            ok = False
    if not ok:
        return None
    if not obj["text"].strip():
        bad("empty or whitespace-only text")
        ok = False
    if obj["label"] not in LABELS:
        bad(f"unknown label {obj['label']!r} (expected one of {', '.join(LABELS)})")
        ok = False
    if obj["lang"] not in LANGS:
        bad(_lang_problem(obj["lang"]))
        ok = False
    if "group" in required and not obj["group"].strip():
        bad("empty group")
        ok = False
    for k, typ in OPTIONAL.items():
        if k in obj and obj[k] is not None and not isinstance(obj[k], typ):
            bad(f"field {k!r} must be {typ.__name__}, got {type(obj[k]).__name__}")
            ok = False
    if isinstance(obj.get("actors"), dict):
        for msg in _actor_problems(obj["actors"], obj["text"]):
            bad(msg)
            ok = False
    also = obj.get("also") or []
    if isinstance(also, list):
        wrong = [a for a in also if a not in STANCE_LABELS]
        if wrong:
            bad(f"'also' holds {wrong}; secondary labels come from {', '.join(STANCE_LABELS)}")
            ok = False
    if not ok:
        return None
    return Record(text=obj["text"], label=obj["label"], lang=obj["lang"], group=obj["group"],
                  also=tuple(also), note=obj.get("note") or "", hard=bool(obj.get("hard")),
                  doc=obj.get("doc"), index=obj.get("index"), actors=obj.get("actors"),
                  source=where, line=line)


def _lang_problem(lang: str) -> str:
    """Why ``lang`` is refused: codes are lower case ("EN" is refused, not guessed, so that a
    file says one thing), and the model is trained for French and English only."""
    if lang.lower() in LANGS:
        return f"lang {lang!r} must be lower case: write {lang.lower()!r}"
    return (f"unknown lang {lang!r}: the model is trained for {' and '.join(LANGS)} only "
            f"(expected one of {', '.join(map(repr, LANGS))})")


def _actor_problems(actors: dict, text: str) -> list[str]:
    """What is wrong with an ``actors`` object: unknown keys, wrong types, spans not in the text."""
    out = []
    for k, v in actors.items():
        typ = ACTOR_FIELDS.get(k)
        if typ is None:
            out.append(f"'actors' has an unknown key {k!r} (expected {', '.join(ACTOR_FIELDS)})")
        elif v is not None and not isinstance(v, typ):
            out.append(f"'actors.{k}' must be {typ.__name__} or null, got {type(v).__name__}")
        elif typ is str and v is not None and v not in text:
            out.append(f"'actors.{k}' {v!r} is not an exact substring of the text")
        elif typ is list and v is not None and not all(isinstance(c, str) and c for c in v):
            out.append(f"'actors.{k}' must list non-empty code strings")
    return out


def load_annotations(paths: str | os.PathLike | Iterable[str | os.PathLike],
                     allow_duplicates: bool = False, require_group: bool = True) -> list[Record]:
    """Read and validate annotation files (or folders of ``*.jsonl``); return their records.

    Raises :class:`stance.AnnotationError` listing every problem by file and line: invalid
    UTF-8 or JSON, a missing field, an unknown label, empty text, or the same text twice
    (with two labels always; with the same label unless ``allow_duplicates``), or no record
    at all. Evaluation
    files may leave out ``group`` (``require_group=False``); training needs it.
    """
    files = annotation_files(paths)
    problems: list[tuple[str, int, str]] = []
    records: list[Record] = []
    for path in files:
        where = str(path)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            problems.append((where, 0, f"cannot read file: {exc.strerror or exc}"))
            continue
        for n, line in enumerate(raw.splitlines(), start=1):
            try:
                text = line.decode("utf-8-sig" if n == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                problems.append((where, n, f"not UTF-8 ({exc.reason} at byte {exc.start})"))
                continue
            if not text.strip():
                continue
            try:
                obj = json.loads(text)
            except json.JSONDecodeError as exc:
                problems.append((where, n, f"invalid JSON: {exc.msg} (column {exc.colno})"))
                continue
            rec = _check_record(obj, where, n, problems,
                                REQUIRED if require_group else ("text", "label", "lang"))
            if rec is not None:
                records.append(rec)
    if not records and not problems:
        raise AnnotationError([(str(f), 0, "holds no annotation (an empty file?): nothing to "
                                "train or evaluate on") for f in files])
    seen: dict[str, Record] = {}
    for rec in records:
        key = fold(rec.text)
        first = seen.setdefault(key, rec)
        if first is rec:
            continue
        if first.label != rec.label:
            problems.append((rec.source, rec.line, f"same text as {first.source}:{first.line} but "
                             f"labelled {rec.label!r} there {first.label!r}"))
        elif not allow_duplicates:
            problems.append((rec.source, rec.line, f"duplicate of {first.source}:{first.line}"))
    if problems:
        raise AnnotationError(problems)
    return records


def near_duplicates(records: Sequence[Record], threshold: float = NEAR_DUPLICATE_JACCARD
                    ) -> list[tuple[Record, Record, float]]:
    """Pairs of records whose word-bigram Jaccard similarity is at least ``threshold``."""
    sets = [shingles(r.text, 2) for r in records]
    return [(records[i], records[j], sim) for i, j, sim in similar_pairs(sets, threshold)]


def split_by_group(records: Sequence[Record], heldout: Iterable[str]
                   ) -> tuple[list[Record], list[Record]]:
    """Records of the groups not in ``heldout`` (for training) and of those in it (for testing)."""
    heldout = set(heldout)
    unknown = heldout - {r.group for r in records}
    if unknown:
        raise ValueError(f"held-out group(s) not in the corpus: {sorted(unknown)}")
    train = [r for r in records if r.group not in heldout]
    test = [r for r in records if r.group in heldout]
    return train, test


def corpus_digest(records: Sequence[Record]) -> str:
    """SHA-256 of the records' text, label, language and group, in order: the training data's id."""
    h = hashlib.sha256()
    for r in records:
        h.update(json.dumps([r.text, r.label, r.lang, r.group], ensure_ascii=False).encode())
        h.update(b"\n")
    return h.hexdigest()


def counts(records: Sequence[Record]) -> dict[str, dict[str, int]]:
    """Counts by label, language, group, label x language, and hard cases."""
    return {
        "total": {"sentences": len(records), "hard": sum(r.hard for r in records),
                  "groups": len({r.group for r in records})},
        "label": dict(Counter(r.label for r in records).most_common()),
        "lang": dict(Counter(r.lang for r in records).most_common()),
        "label_lang": {f"{lab}/{lang}": c for (lab, lang), c in
                       sorted(Counter((r.label, r.lang) for r in records).items())},
        "group": dict(Counter(r.group for r in records).most_common()),
    }
