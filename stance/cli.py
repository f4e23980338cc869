"""The ``stance`` command: analyze documents, classify sentences, build a tension series, write
a report, and train or evaluate models on annotation files (what it writes: :mod:`stance.output`).

Exit codes: 0 on success, 1 on bad input (a one-line ``stance: error:`` on stderr), 2 on bad
usage.
"""
from __future__ import annotations

import argparse
import csv
import dataclasses
import os
import sys
import warnings
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from ._version import __version__
from .errors import AnnotationError, StanceError
from .output import CSV_FIELDS, ONE_LINE, dumps, unread_note, write_analysis, write_dyads
from .paths import stdin_bytes


def _note(message: str | None) -> None:
    """Tell the user something on stderr that is not an error (nothing when ``message`` is None)."""
    if message:
        sys.stderr.write(f"stance: note: {message}\n")


def _load(model_path: str | None):
    from .model import default_model
    from .persistence import load_model
    return load_model(model_path) if model_path else default_model()


def _read_all(paths: list[str], skipped: list[str] | None = None):
    """The documents at ``paths`` (``-``: stdin), in order. With a ``skipped`` list, a file
    that cannot be read is told on stderr with its reason, added to it and passed over."""
    from .documents import parse_document, read_document
    for p in paths:
        try:
            yield parse_document(stdin_bytes()) if p == "-" else read_document(Path(p))
        except StanceError as exc:
            if skipped is None:
                raise
            _skip(p, exc, skipped)


def _skip(path: str, reason: Exception | str, skipped: list[str]) -> None:
    """Record and tell (on stderr) that ``path`` is left out, and why."""
    skipped.append(path)
    sys.stderr.write(f"stance: skipped: {reason}\n")


def _expand(paths: list[str], skipped: list[str] | None) -> list[str]:
    """:func:`stance.documents.expand_paths`, path by path when bad paths are skipped."""
    from .documents import expand_paths
    if skipped is None:
        return expand_paths(paths)
    out: list[str] = []
    for p in paths:
        try:
            out.extend(expand_paths([p]))
        except StanceError as exc:
            _skip(p, exc, skipped)
    return out


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    batch: list = []
    for it in items:
        batch.append(it)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def cmd_analyze(args: argparse.Namespace) -> int:
    from .analysis import analyze_many
    from .progress import progress_bar
    skipped: list[str] | None = [] if args.skip_bad else None
    paths = _expand(args.paths, skipped)
    out = sys.stdout
    writer = None
    if args.format == "csv":
        writer = csv.DictWriter(out, fieldnames=CSV_FIELDS)
        writer.writeheader()
    if args.scheduler or args.workers:
        if "-" in paths:
            raise StanceError("stdin (-) cannot be analysed on a Dask cluster: pass files")
        from .distributed import analyze_paths
        on_bad = None if skipped is None else (lambda path, reason: _skip(path, reason, skipped))
        analyses: Iterable = analyze_paths(paths, scheduler=args.scheduler, workers=args.workers,
                                           model_path=args.model, on_bad=on_bad)
    else:
        model = _load(args.model)
        actors = args.format != "table"  # the table shows no actors: do not look for them
        analyses = (a for batch in _chunks(_read_all(paths, skipped), 64)
                    for a in analyze_many(batch, model, actors=actors))
    docs = []
    done = 0
    with progress_bar(len(paths), "analyze", args.progress) as bar:
        for a in analyses:
            write_analysis(a, args.format, out, writer, docs)
            _note(unread_note(a.document))
            bar.update()
            done += 1
    if args.format == "json":  # one write: never half a document
        out.write(dumps(docs, indent=2) + "\n")
    if skipped:
        _note(f"{len(skipped)} bad file(s) skipped (--skip-bad), {done} analysed")
    return 0


def cmd_classify(args: argparse.Namespace) -> int:
    if args.texts:
        texts = args.texts
    else:  # binary and non-UTF-8 input refused, as analyze - does
        from .documents import _decode
        texts = _decode(stdin_bytes(), "<stdin>").replace("\r\n", "\n").replace("\r", "\n").split("\n")
        if texts[-1] == "":  # what follows the last line break is no line
            texts.pop()
    preds = _load(args.model).classify_many(texts)  # line i out for line i in, blank ones too
    if args.format == "jsonl":
        from .analysis import sentence_record
        from .roles import actors_many
        for t, p, a in zip(texts, preds, actors_many(texts)):
            sys.stdout.write(dumps(sentence_record(t, p, actors=a)) + "\n")
    else:
        for t, p in zip(texts, preds):
            sys.stdout.write(f"{p.label}\t{p.confidence:.3f}\t{t.translate(ONE_LINE)}\n")
    return 0


def cmd_series(args: argparse.Namespace) -> int:
    import warnings

    from .documents import expand_paths
    from .series import tension_series
    paths = expand_paths(args.paths)
    dyad = None
    if args.dyad:
        from .dyads import parse_dyad
        try:
            dyad = parse_dyad(args.dyad)
        except ValueError as exc:
            raise StanceError(f"--dyad: {exc}") from None
    documents = list(_read_all(paths))
    for d in documents:
        _note(unread_note(d))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        periods = tension_series(documents, by=args.by, model=_load(args.model),
                                 dyads=args.dyads, dyad=dyad, undirected=args.undirected)
    for w in caught:
        sys.stderr.write(f"stance: warning: {w.message}\n")
    if dyad is not None or args.dyads:
        write_dyads(periods, args.format, args.top if args.dyads and not args.dyad else None)
        return 0
    if args.format == "jsonl":
        for p in periods:
            sys.stdout.write(dumps(dataclasses.asdict(p)) + "\n")
        return 0
    sys.stdout.write(f"{'period':<10}{'tension':>9}{'95% low':>9}{'95% high':>9}{'docs':>6}"
                     f"{'dups':>6}{'sentences':>11}{'intensity':>11}\n")
    for p in periods:
        sys.stdout.write(f"{p.period:<10}{p.tension:>+9.2f}{p.low:>+9.2f}{p.high:>+9.2f}"
                         f"{p.documents:>6}{p.duplicates:>6}{p.sentences:>11}{p.intensity:>11.2f}\n")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from . import report
    from .documents import expand_paths
    items = [stdin_bytes() if p == "-" else Path(p) for p in expand_paths(args.paths)]
    out = report(items, args.output, by=args.by, model=args.model, title=args.title,
                 max_bytes=int(args.max_mb * 1e6))
    sys.stderr.write(f"stance: report written to {out} ({out.stat().st_size / 1e6:.2f} MB)\n")
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    from .recipe import train
    grid = None
    if args.quick:
        grid = {"ngram_range": [(1, 2)], "C": [10.0], "min_df": [1]}
    log = (lambda s: sys.stderr.write(s + "\n"))
    train(args.data, args.out, heldout=args.heldout, grid=grid, folds=args.folds, log=log)
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from .baseline import KeywordBaseline
    from .corpus import load_annotations
    from .metrics import evaluate, format_report
    records = load_annotations(args.data, allow_duplicates=True, require_group=False)
    texts = [r.text for r in records]
    gold = [r.label for r in records]
    langs = [r.lang for r in records]
    model = _load(args.model)
    result = evaluate(gold, model.predict(texts), langs)
    base = evaluate(gold, list(KeywordBaseline().predict(texts)), langs)
    if args.format == "json":
        sys.stdout.write(dumps({"model": result, "keyword_baseline": base}, indent=2) + "\n")
    else:
        sys.stdout.write(format_report(result, f"model on {args.data}") + "\n")
        sys.stdout.write(format_report(base, "keyword baseline") + "\n")
    return 0


def _positive(value: str) -> int:
    n = int(value)
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {n}")
    return n


def _model_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", metavar="MODEL.npz",
                        help="a model file written by stance train (default: the shipped model)")


class _HelpFormatter(argparse.HelpFormatter):
    """Help that shows each option's default when it has one worth showing (not None or off)."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if ("default" not in text and action.default not in (None, False, argparse.SUPPRESS)
                and action.option_strings):
            text += " (default: %(default)s)"
        return text


DESCRIPTION = ("Label who accuses, denies, warns or conciliates in French and English news, "
               "sentence by sentence: analyze documents, classify sentences, build a tension "
               "series, and train or evaluate models on annotation files. Exit codes: 0 on "
               "success, 1 on bad input, 2 on bad usage.")
PATHS_HELP = "a document file, a folder (every *.txt below it) or - for stdin"


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="stance", description=DESCRIPTION, formatter_class=_HelpFormatter)
    p.add_argument("--version", action="version", version=f"stance {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help: str, description: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help, description=description, formatter_class=_HelpFormatter)

    a = command("analyze", "label every sentence of documents and give their tension",
                "Label every sentence of documents (files, folders, or - for stdin) and give "
                "each document's tension.")
    a.add_argument("paths", nargs="+", metavar="PATH", help=PATHS_HELP)
    a.add_argument("--format", choices=["table", "json", "jsonl", "csv"], default="table",
                   help="a table to read; one JSON array; a JSON document a line; a CSV row a sentence")
    _model_option(a)
    a.add_argument("--scheduler", metavar="ADDR",
                   help="address of a Dask scheduler to run on (needs stance[dask])")
    a.add_argument("--workers", type=_positive, metavar="N",
                   help="run on a local Dask cluster of N worker processes (needs stance[dask])")
    a.add_argument("--skip-bad", action="store_true",
                   help="list files that cannot be read on stderr with the reason, analyse the "
                        "rest and exit 0 (default: stop at the first, exit 1)")
    a.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="a progress bar on stderr (default: only when stderr is a terminal)")
    a.set_defaults(func=cmd_analyze)

    c = command("classify", "label sentences given as arguments or as lines on stdin",
                "Label sentences given as arguments, or one per line on stdin: output line i "
                "answers input line i, blank lines too.")
    c.add_argument("texts", nargs="*", metavar="TEXT",
                   help="sentences to label (default: one per line on stdin)")
    c.add_argument("--format", choices=["tsv", "jsonl"], default="tsv",
                   help="label, confidence and text separated by tabs; or a JSON record a line")
    _model_option(c)
    c.set_defaults(func=cmd_classify)

    s = command("series", "tension per period over dated documents",
                "Tension per period over dated documents, with a 95% bootstrap interval; "
                "reprinted stories count once; undated documents and documents without a "
                "sentence in French or English are left out, with a warning.")
    s.add_argument("paths", nargs="+", metavar="PATH", help=PATHS_HELP)
    s.add_argument("--by", choices=["day", "month", "quarter", "year"], default="month",
                   help="the length of a period")
    s.add_argument("--format", choices=["table", "jsonl"], default="table",
                   help="a table to read, or a JSON object a period")
    s.add_argument("--dyad", metavar="SRC-TGT",
                   help="tension of one pair of actors, e.g. UKR-RUS (SRC acts at TGT)")
    s.add_argument("--dyads", action="store_true",
                   help="tension of the most active pairs of actors, period by period")
    s.add_argument("--undirected", action="store_true",
                   help="with --dyad/--dyads: merge both directions of a pair")
    s.add_argument("--top", type=_positive, default=10,
                   help="with --dyads: how many pairs")
    _model_option(s)
    s.set_defaults(func=cmd_series)

    r = command("report", "one offline HTML page of documents for a reader",
                "Write one self-contained HTML page of documents: the findings in words, the "
                "tension timeline with its 95% interval, the most active pairs of actors, and "
                "every sentence marked by its label.")
    r.add_argument("paths", nargs="+", metavar="PATH", help=PATHS_HELP)
    r.add_argument("-o", "--output", default="report.html", help="the page to write")
    r.add_argument("--by", choices=["day", "month", "quarter", "year"], default="month",
                   help="the timeline's period")
    r.add_argument("--title", help="the page's title (default: the documents and their dates)")
    r.add_argument("--max-mb", type=float, default=2.0,
                   help="size limit of the page in MB; document texts fold beyond it")
    _model_option(r)
    r.set_defaults(func=cmd_report)

    t = command("train", "train a model on annotation files (JSON Lines)",
                "Validate annotation files, choose hyper-parameters by grouped "
                "cross-validation, report on held-out groups, write a model.")
    t.add_argument("--data", required=True, nargs="+", metavar="PATH",
                   help="annotation files (JSON Lines) or folders of *.jsonl")
    t.add_argument("--out", required=True, metavar="MODEL.npz",
                   help="where to write the model (.npz) and its card")
    t.add_argument("--heldout", nargs="+", metavar="GROUP",
                   help="groups to hold out for the final report (default: a fixed fifth)")
    t.add_argument("--folds", type=_positive, metavar="K",
                   help="grouped cross-validation folds (default: 5, or one per group when "
                        "there are fewer groups)")
    t.add_argument("--quick", action="store_true", help="one grid point instead of the search")
    t.set_defaults(func=cmd_train)

    e = command("evaluate", "score a model on annotation files",
                "Score a model (default: the shipped one) and the keyword baseline on "
                "annotation files, per label and language.")
    e.add_argument("--data", required=True, nargs="+", metavar="PATH",
                   help="annotation files (JSON Lines) or folders of *.jsonl")
    _model_option(e)
    e.add_argument("--format", choices=["text", "json"], default="text",
                   help="tables to read, or one JSON object")
    e.set_defaults(func=cmd_evaluate)
    return p


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Warnings as one line on stderr, like errors."""
    sys.stderr.write(f"stance: warning: {message}\n")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if sys.stdout is sys.__stdout__ and hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="backslashreplace")  # a lone surrogate never aborts the output
    try:
        with warnings.catch_warnings():
            warnings.showwarning = _show_warning
            return args.func(args)
    except BrokenPipeError:  # e.g. piped into head: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return 0
    except AnnotationError as exc:
        sys.stderr.write(f"stance: error: {len(exc.problems)} problem(s) in the annotations\n")
        for line in exc.lines():
            sys.stderr.write(f"  {line}\n")
        return 1
    except (StanceError, ValueError, OSError) as exc:
        sys.stderr.write(f"stance: error: {exc}\n")
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
