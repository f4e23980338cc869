"""The story pipeline of the corpus: whole stories written first, labelled blind afterwards.

``python -m training.stories skeleton FOLDER -o todo.jsonl``
    Split every story of FOLDER (``*.txt`` in the document format, and the writer's
    ``stories.jsonl``) with the library's own splitter into one record per sentence (``doc``,
    ``index``, ``text``, ``lang``, ``group``), in order, headline first: what an annotator fills.
``python -m training.stories sample TODO --share 0.15 -o second.jsonl``
    Whole stories (about ``share`` of the sentences, chosen by a hash of their ids) for the
    second, independent annotator.
``python -m training.stories agree FIRST SECOND -o disagreements.jsonl``
    Cohen's kappa and raw agreement of two annotations of the same sentences (files, or folders
    of them), and every sentence they disagree on, for adjudication.
``python -m training.stories merge LABELLED --adjudicated ADJ.jsonl -o OUT.jsonl``
    The first annotator's records with the adjudicated labels applied, validated.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Iterable, Sequence

from stance.corpus import load_annotations
from stance.documents import read_document
from stance.labels import LABELS


def _read_jsonl(path: str | Path) -> list[dict]:
    """The records of a JSON Lines file, or of every ``*.jsonl`` of a folder in name order."""
    if Path(path).is_dir():
        return [r for f in sorted(Path(path).glob("*.jsonl")) for r in _read_jsonl(f)]
    out = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise SystemExit(f"{path}:{n}: invalid JSON ({exc.msg})") from None
    return out


def _write_jsonl(path: str | Path, rows: Iterable[dict]) -> None:
    Path(path).write_text("".join(json.dumps(r, ensure_ascii=False, allow_nan=False) + "\n" for r in rows),
                          encoding="utf-8")


def skeleton(folder: str | Path) -> list[dict]:
    """One record per sentence of every story in ``folder``, as the library splits it."""
    folder = Path(folder)
    meta = {m["doc"]: m for m in _read_jsonl(folder / "stories.jsonl")}
    rows = []
    for path in sorted(folder.glob("*.txt")):
        m = meta.get(path.stem)
        if m is None:
            raise SystemExit(f"{path}: not listed in {folder / 'stories.jsonl'}")
        doc = read_document(path)
        rows.extend({"doc": path.stem, "index": i, "text": s.text, "lang": m["lang"],
                     "group": m["situation"]} for i, s in enumerate(doc.sentences))
    return rows


def sample(rows: Sequence[dict], share: float) -> list[dict]:
    """Whole stories holding about ``share`` of ``rows``, chosen by the SHA-1 of their doc ids."""
    docs = sorted({r["doc"] for r in rows}, key=lambda d: hashlib.sha1(d.encode()).hexdigest())
    size = Counter(r["doc"] for r in rows)
    chosen, total = set(), 0
    for d in docs:
        if total >= share * len(rows):
            break
        chosen.add(d)
        total += size[d]
    return [r for r in rows if r["doc"] in chosen]


def kappa(a: Sequence[str], b: Sequence[str]) -> float:
    """Cohen's kappa of two label sequences over :data:`LABELS`."""
    n = len(a)
    if n == 0:
        raise ValueError("no sentence in common")
    po = sum(x == y for x, y in zip(a, b)) / n
    ca, cb = Counter(a), Counter(b)
    pe = sum(ca[lab] * cb[lab] for lab in LABELS) / (n * n)
    return 1.0 if pe == 1 else (po - pe) / (1 - pe)


def agree(first: Sequence[dict], second: Sequence[dict]) -> tuple[dict, list[dict]]:
    """Agreement figures of two annotations (matched by ``doc`` and ``index``) and the
    disagreements, each with both labels."""
    by_key = {(r["doc"], r["index"]): r for r in first}
    pairs = [(by_key[(r["doc"], r["index"])], r) for r in second if (r["doc"], r["index"]) in by_key]
    la = [a["label"] for a, _ in pairs]
    lb = [b["label"] for _, b in pairs]
    figures = {"sentences": len(pairs), "stories": len({a["doc"] for a, _ in pairs}),
               "agreement": sum(x == y for x, y in zip(la, lb)) / len(pairs),
               "kappa": kappa(la, lb)}
    diffs = [{"doc": a["doc"], "index": a["index"], "text": a["text"], "first": a["label"],
              "second": b["label"], "first_note": a.get("note", ""), "second_note": b.get("note", "")}
             for a, b in pairs if a["label"] != b["label"]]
    return figures, diffs


def merge(labelled: Sequence[dict], adjudicated: Sequence[dict]) -> list[dict]:
    """``labelled`` with the ``label`` (and ``also``, ``note`` when given) of every adjudicated
    record applied, matched by ``doc`` and ``index``."""
    fixes = {(r["doc"], r["index"]): r for r in adjudicated}
    out = []
    for r in labelled:
        fix = fixes.pop((r["doc"], r["index"]), None)
        if fix is not None:
            r = dict(r, label=fix["label"], **{k: fix[k] for k in ("also", "note", "actors") if k in fix})
            if r["label"] == "neutral":
                r.pop("actors", None)  # a neutral sentence has no performer
        out.append(r)
    if fixes:
        raise SystemExit(f"adjudications for unknown sentences: {sorted(fixes)[:5]}")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("skeleton", help="split stories into sentence records to label")
    p.add_argument("folder")
    p.add_argument("-o", "--out", required=True)
    p = sub.add_parser("sample", help="whole stories for the second annotator")
    p.add_argument("todo")
    p.add_argument("--share", type=float, default=0.15)
    p.add_argument("-o", "--out", required=True)
    p = sub.add_parser("agree", help="kappa and disagreements of two annotations")
    p.add_argument("first")
    p.add_argument("second")
    p.add_argument("-o", "--out", help="write the disagreements here (JSON Lines)")
    p = sub.add_parser("merge", help="apply adjudicated labels and validate")
    p.add_argument("labelled")
    p.add_argument("--adjudicated", action="append", default=[])
    p.add_argument("-o", "--out", required=True)
    args = ap.parse_args(argv)
    if args.cmd == "skeleton":
        rows = skeleton(args.folder)
        _write_jsonl(args.out, rows)
        print(f"{len(rows)} sentences of {len({r['doc'] for r in rows})} stories -> {args.out}")
    elif args.cmd == "sample":
        rows = sample(_read_jsonl(args.todo), args.share)
        _write_jsonl(args.out, rows)
        print(f"{len(rows)} sentences of {len({r['doc'] for r in rows})} stories -> {args.out}")
    elif args.cmd == "agree":
        figures, diffs = agree(_read_jsonl(args.first), _read_jsonl(args.second))
        print(json.dumps(figures, allow_nan=False))
        if args.out:
            _write_jsonl(args.out, diffs)
    else:
        adj = [r for f in args.adjudicated for r in _read_jsonl(f)]
        rows = merge(_read_jsonl(args.labelled), adj)
        keep = ("text", "label", "also", "lang", "group", "doc", "index", "note", "actors")
        _write_jsonl(args.out, ({k: r[k] for k in keep if r.get(k) not in (None, "", [])} for r in rows))
        load_annotations(args.out, allow_duplicates=True)  # raises with file:line if invalid
        print(f"{len(rows)} sentences, {len(adj)} adjudicated -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
