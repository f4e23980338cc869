"""The training recipe, for the shipped model and for users' own annotations alike.

validate the corpus -> hold out whole groups -> choose hyper-parameters by grouped
cross-validation on the rest -> fit and score on the held-out groups -> refit on everything ->
write the model and its card atomically. Deterministic: the same files and settings give the
same model, byte for byte in its arrays, and the same numbers.
"""
from __future__ import annotations

import hashlib
import itertools
import os
from pathlib import Path
from typing import Any, Callable, Collection, Iterable, Sequence

from .baseline import KeywordBaseline
from .corpus import Record, corpus_digest, counts, load_annotations, split_by_group
from .errors import StanceError
from .estimator import StanceClassifier, jsonable  # first: names the train extra if it is missing
from .metrics import evaluate, format_report, scores

DEFAULT_GRID: dict[str, list[Any]] = {
    "ngram_range": [(1, 2)],
    "char_ngram_range": [(2, 5)],
    "min_df": [2],  # word n-grams seen once: half the vocabulary, no accuracy (model file 7.5 MB, not 13)
    "C": [3.0, 10.0],  # on NB-scaled features (plain tf-idf chose between 10 and 30)
}
"""Hyper-parameters tried by grouped cross-validation (every combination)."""


def pick_heldout(groups: Iterable[str], share: float = 0.2) -> list[str]:
    """A deterministic choice of about ``share`` of the groups, by the SHA-1 of their names."""
    names = sorted(set(groups))
    ranked = sorted(names, key=lambda g: hashlib.sha1(g.encode()).hexdigest())
    return sorted(ranked[:max(1, round(share * len(names)))])


def _xy(records: Sequence[Record]) -> tuple[list[str], list[str], list[str], list[str]]:
    return ([r.text for r in records], [r.label for r in records], [r.lang for r in records],
            [r.group for r in records])


def _fold_score(params: dict[str, Any], X: list[str], y: list[str], train: Any, test: Any) -> float:
    """Macro-F1 on one fold's test part of the estimator fitted on its training part."""
    est = StanceClassifier(calibrate=False, **params)
    est.fit([X[i] for i in train], [y[i] for i in train])
    return scores([y[i] for i in test], list(est.predict([X[i] for i in test])))["macro_f1"]


def grouped_search(records: Sequence[Record], grid: dict[str, list[Any]], folds: int = 5,
                   fixed: dict[str, Any] | None = None, log: Callable[[str], None] = print,
                   n_jobs: int | None = None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Macro-F1 of every grid point by GroupKFold over the records' groups; best params first.
    The folds of a grid point are fitted in ``n_jobs`` processes (default: one per core)."""
    from joblib import Parallel, delayed  # scikit-learn's own dependencies
    from sklearn.model_selection import GroupKFold

    X, y, _, g = _xy(records)
    splits = list(GroupKFold(n_splits=folds).split(X, y, g))
    for k, (tr, te) in enumerate(splits, start=1):
        missing = sorted(set(y) - {y[i] for i in tr})
        if missing:
            raise StanceError(f"cross-validation fold {k} of {folds} leaves no {', '.join(missing)} "
                              f"example to train on (they are all in the groups "
                              f"{', '.join(sorted({g[i] for i in te}))}): add groups that have them, "
                              "or pass fewer --folds")
    jobs = n_jobs or min(folds, os.cpu_count() or 1)
    results = []
    keys = sorted(grid)
    for values in itertools.product(*(grid[k] for k in keys)):
        params = dict(fixed or {}, **dict(zip(keys, values)))
        f1s = Parallel(n_jobs=jobs)(delayed(_fold_score)(params, X, y, tr, te) for tr, te in splits)
        mean = sum(f1s) / len(f1s)
        results.append({"params": jsonable(params),
                        "macro_f1": mean, "folds": f1s})  # no timings: the card stays reproducible
        log(f"  cv macro-F1 {mean:.3f}  {params}")
    results.sort(key=lambda r: -r["macro_f1"])
    best = {k: (tuple(v) if isinstance(v, list) else v) for k, v in results[0]["params"].items()}
    return best, results


DEFAULT_FOLDS = 5
"""Cross-validation folds when the groups allow them (fewer groups: one fold per group)."""


def choose_folds(groups: Iterable[str], heldout: Sequence[str], folds: int | None) -> int:
    """The number of cross-validation folds for the groups left after ``heldout``:
    ``folds``, or by default :data:`DEFAULT_FOLDS` or one per group when there are fewer.
    Raises :class:`stance.StanceError` saying what to pass when the groups cannot make them."""
    names = sorted(set(groups))
    left = [g for g in names if g not in set(heldout)]
    if len(left) < 2:
        if len(names) < 3:
            raise StanceError(
                f"training needs at least 3 groups (one held out for the report, two for "
                f"cross-validation); the data has {len(names)}: {', '.join(names)}. Give the "
                "sentences of different conflicts or stories different 'group' values")
        raise StanceError(f"after holding out {', '.join(heldout)}, {len(left)} group(s) are left "
                          "and cross-validation needs 2: hold out fewer groups (--heldout)")
    if folds is None:
        return min(DEFAULT_FOLDS, len(left))
    if not 2 <= folds <= len(left):
        raise StanceError(f"{folds} cross-validation folds need {max(folds, 2)} groups besides the "
                          f"held-out ones; there are {len(left)}: pass --folds {min(len(left), 5)} "
                          "(or leave --folds out to choose it from the groups)")
    return folds


def train(data: str | os.PathLike | Iterable[str | os.PathLike], out: str | os.PathLike | None,
          heldout: Sequence[str] | None = None, grid: dict[str, list[Any]] | None = None,
          fixed: dict[str, Any] | None = None, folds: int | None = None,
          extra_eval: dict[str, Sequence[Record]] | None = None,
          exclude: Collection[tuple[str, int]] = (),
          log: Callable[[str], None] = print) -> Any:
    """Run the whole recipe on annotation files ``data`` and write the model to ``out``.

    ``heldout`` names the groups kept out for the held-out evaluation (default: a fixed fifth
    of them, see :func:`pick_heldout`); ``folds`` defaults to :data:`DEFAULT_FOLDS`, or one
    per group left when fewer (:func:`choose_folds`); ``extra_eval`` adds evaluation-only sets (e.g. real
    news sentences) scored with the final model and recorded in the card, never trained on;
    ``exclude`` names sentences by ``(doc, index)`` that are never trained on (e.g. those whose
    label two annotation passes disagree on) but still scored in the held-out evaluation.
    Returns the exported :class:`stance.Model`. Nothing is fitted if validation fails.
    """
    records = load_annotations(data)  # raises AnnotationError before any fitting
    stats = counts(records)
    log(f"corpus: {stats['total']['sentences']} sentences, {stats['total']['groups']} groups, "
        f"labels {stats['label']}, languages {stats['lang']}")
    heldout = sorted(heldout) if heldout is not None else pick_heldout(r.group for r in records)
    folds = choose_folds((r.group for r in records), heldout, folds)
    train_recs, test_recs = split_by_group(records, heldout)
    excluded = set(exclude)
    left_out = sum((r.doc, r.index) in excluded for r in records)
    if left_out:
        train_recs = [r for r in train_recs if (r.doc, r.index) not in excluded]
        log(f"left out of training: {left_out} sentences")
    log(f"held-out groups ({len(test_recs)} sentences): {', '.join(heldout)}")
    grid = DEFAULT_GRID if grid is None else grid
    log(f"grouped {folds}-fold cross-validation on {len(train_recs)} sentences:")
    best, cv_results = grouped_search(train_recs, grid, folds, fixed, log)
    log(f"best: {best} (cv macro-F1 {cv_results[0]['macro_f1']:.3f})")

    X, y, langs, groups = _xy(train_recs)
    jobs = min(folds, os.cpu_count() or 1)  # calibration folds in parallel: same result, sooner
    model = StanceClassifier(**best, n_jobs=jobs).fit(X, y, groups=groups)
    Xh, yh, lh, _ = _xy(test_recs)
    heldout_eval = evaluate(yh, list(model.predict(Xh)), lh)
    baseline_eval = evaluate(yh, list(KeywordBaseline().fit(X, y).predict(Xh)), lh)
    log(format_report(heldout_eval, "held-out groups: model trained without them"))
    log(format_report(baseline_eval, "held-out groups: keyword baseline"))

    Xa, ya, _, ga = _xy([r for r in records if (r.doc, r.index) not in excluded])
    final = StanceClassifier(**best, n_jobs=jobs).fit(Xa, ya, groups=ga)
    metrics: dict[str, Any] = {"heldout": heldout_eval, "heldout_baseline": baseline_eval}
    for name, recs in (extra_eval or {}).items():
        Xe, ye, le, _ = _xy(recs)
        metrics[name] = evaluate(ye, list(final.predict(Xe)), le)
        metrics[f"{name}_baseline"] = evaluate(ye, list(KeywordBaseline().predict(Xe)), le)
        log(format_report(metrics[name], f"{name}: final model (evaluation only)"))
        log(format_report(metrics[f"{name}_baseline"], f"{name}: keyword baseline"))
    card = {
        "trained_on": {"sha256": corpus_digest(records), "counts": stats,
                       "files": sorted({r.source for r in records})},
        "heldout_groups": heldout,
        "left_out_of_training": left_out,
        "cross_validation": {"folds": folds, "grid": {k: [jsonable({k: v})[k] for v in vals]
                                                      for k, vals in grid.items()},
                             "results": cv_results},
        "metrics": metrics,
        "note": "held-out metrics come from the same recipe fitted without the held-out groups; "
                "the shipped model is then refitted on every group",
    }
    exported = final.export(card)
    if out is not None:
        exported.save(Path(out))
        log(f"model written to {out}")
    return exported


def realdev_records(path: str | os.PathLike) -> list[Record]:
    """Real news sentences (``text``, ``label``, ``lang`` per line, no group) as validated
    records of the group ``realdev``, for evaluation only."""
    from dataclasses import replace

    return [replace(r, group="realdev")
            for r in load_annotations(path, allow_duplicates=True, require_group=False)]
