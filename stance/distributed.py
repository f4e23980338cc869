"""Run stance on a Dask cluster: classify sentence series, analyze document bags, aggregate
tension per period, and back ``stance analyze --workers N`` / ``--scheduler ADDR``.

Every partition is classified in one vectorised batch, so the answers are exactly those of a
single process (the model's batch computation is row-independent). The model never travels in
the task graph: the tasks (:mod:`stance.workers`) are module-level functions, pickled by
reference, that load it once per worker process (:func:`worker_model`). The client pins the
model by the SHA-256 of its arrays (:func:`pin_model`) when a job starts: a worker whose model
has other arrays (the file was replaced meanwhile, or another stance release is installed
there) fails the job with a :class:`stance.ModelError` instead of mixing two models' answers.
Needs the extra: ``pip install 'stance[dask]'``.
"""
from __future__ import annotations

import functools
import math
import os
import pickle
import uuid
from collections import deque
from types import ModuleType
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping, Sequence

from .errors import MissingExtraError, StanceError
from .extras import require
from .labels import LABELS
from .paths import printable, stdin_bytes
from .workers import (PROBA_COLUMNS, BadDocument, ModelPin, PathItem, analyze_packed,
                      analyze_records, classify_partition, classify_records, dumps_analyses,
                      gc_paused, pin_model, summary, worker_model, worker_models)

if TYPE_CHECKING:  # pragma: no cover
    import dask.bag
    import dask.dataframe
    import pandas as pd

    from .analysis import Analysis

__all__ = ["classify_series", "classify_bag", "analyze_bag", "tension_by_period",
           "analyze_paths", "summary", "dumps_analyses", "worker_model", "worker_models",
           "pin_model", "ModelPin", "DaskMissingError", "PROBA_COLUMNS"]

SERIES_PARTITION = 10_000
"""Rows per partition when :func:`classify_series` splits a pandas Series (one batch each)."""

DOCS_PER_PARTITION = 250
"""Largest number of documents per partition in :func:`analyze_paths`."""


class DaskMissingError(MissingExtraError):
    """Dask (or pandas) is not installed: the message says which extra to install."""


def _need(name: str) -> ModuleType:
    """Import ``name`` or raise :class:`DaskMissingError` telling how to install the extra."""
    return require(name, "dask", DaskMissingError)


# ---------------------------------------------------------------------------- public API
def classify_series(series: "dask.dataframe.Series | pd.Series", model_path: str | os.PathLike | None = None,
                    partition_size: int = SERIES_PARTITION) -> "dask.dataframe.DataFrame":
    """Label a (dask or pandas) Series of sentences, one batch per partition, as a lazy dask
    DataFrame with the same index: label (category), confidence, p_<label>..., tension."""
    dd = _need("dask.dataframe")
    pd = _need("pandas")
    import numpy as np
    if isinstance(series, pd.Series):
        n_parts = max(1, math.ceil(len(series) / max(int(partition_size), 1)))
        series = dd.from_pandas(series, npartitions=n_parts, sort=False)
    if not isinstance(series, dd.Series):
        raise TypeError(f"classify_series() expects a dask or pandas Series, got {type(series).__name__}")
    index = series._meta.index
    meta = pd.DataFrame({"label": pd.Categorical([], categories=list(LABELS)),
                         "confidence": np.zeros(0),
                         **{c: np.zeros(0) for c in PROBA_COLUMNS},
                         "tension": np.zeros(0)}, index=index[:0])
    return series.map_partitions(classify_partition, pin_model(model_path), meta=meta)


def classify_bag(bag: "dask.bag.Bag", model_path: str | os.PathLike | None = None) -> "dask.bag.Bag":
    """Label a Bag of sentences, one batch per partition: a bag of records with text, label,
    confidence, probabilities (dict) and tension."""
    _need("dask.bag")
    return bag.map_partitions(classify_records, pin_model(model_path))


def analyze_bag(bag: "dask.bag.Bag", model_path: str | os.PathLike | None = None,
                record: str = "summary") -> "dask.bag.Bag":
    """Analyze a Bag of document paths (read on the workers; a ``str`` is a path), file
    contents (bytes) or Documents (``bag.map(stance.documents.parse_document)`` for texts),
    one batch per partition: a bag of flat records (``record="summary"``, see :func:`summary`) or of
    :meth:`stance.analysis.Analysis.to_dict` records (``record="dict"``)."""
    _need("dask.bag")
    if record not in ("summary", "dict"):
        raise ValueError(f"record must be 'summary' or 'dict', got {record!r}")
    return bag.map_partitions(analyze_records, pin_model(model_path), record)


def _date(rec: Any) -> str | None:
    """The date of a record or Analysis, None when undated."""
    if isinstance(rec, Mapping):
        return rec.get("date") or None
    return rec.document.date or None


def _group_value(rec: Any, group: str | Callable[[Any], Any]) -> Any:
    """The group of a record: a field, a Document attribute of an Analysis, or a function's value."""
    if callable(group):
        return group(rec)
    if isinstance(rec, Mapping):
        return rec[group]
    return getattr(rec.document, group)


def _period_key(rec: Any, by: str, group: str | Callable | None) -> tuple:
    """The aggregation key of a dated record: (period,) or (period, group)."""
    from .series import period_of
    period = period_of(_date(rec), by)
    return (period,) if group is None else (period, _group_value(rec, group))


def _add(acc: tuple[float, int, int], rec: Any) -> tuple[float, int, int]:
    """Fold one document into (sum of tensions, documents, sentences read)."""
    if isinstance(rec, Mapping):
        n = (rec["n_sentences"] if "n_sentences" in rec
             else sum(s["label"] is not None for s in rec["sentences"]))
        return acc[0] + rec["tension"], acc[1] + 1, acc[2] + n
    return acc[0] + rec.tension, acc[1] + 1, acc[2] + sum(s.label is not None for s in rec.sentences)


def _merge(a: tuple[float, int, int], b: tuple[float, int, int]) -> tuple[float, int, int]:
    """Combine two partial (sum of tensions, documents, sentences) totals."""
    return a[0] + b[0], a[1] + b[1], a[2] + b[2]


def _dyad_rows(rec: Any) -> list[dict[str, Any]]:
    """One document -> one record per dyad it holds (date, dyad, tension, n_sentences)."""
    from .dyads import document_dyads, record_dyads
    if isinstance(rec, Mapping):
        dyads = rec["dyads"] if "dyads" in rec else record_dyads(rec)
    else:
        dyads = document_dyads(rec)
    return [{"date": _date(rec), "dyad": k, "tension": t, "n_sentences": n}
            for k, (t, n) in dyads.items()]


def _in_series(rec: Any) -> bool:
    """Whether a record counts in a series: dated, and with a tension (documents without a
    sentence the model reads, empty or in another language, have none)."""
    tension = rec["tension"] if isinstance(rec, Mapping) else rec.tension
    return _date(rec) is not None and tension is not None


def _periods(dates: "pd.Series", by: str) -> "pd.Series":
    """The period of each date of a partition (None where undated)."""
    import pandas as pd

    from .series import period_of
    return pd.Series([period_of(d, by) if isinstance(d, str) and d else None for d in dates],
                     index=dates.index, dtype=object, name="period")


def tension_by_period(data: "dask.bag.Bag | dask.dataframe.DataFrame", by: str = "month",
                      group: str | Callable[[Any], Any] | None = None) -> "pd.DataFrame":
    """Tension per period (and per ``group``) as a Dask aggregation of sums and counts, only
    the per-period totals reaching the client: period, [group], tension (mean of document
    tensions), documents, sentences. Undated documents, and documents without a tension (no
    sentence the model reads), are left out.

    ``data`` is a Bag of :func:`analyze_bag` records (``summary``: exact; ``dict``: tensions
    rounded to 4 decimals) or of Analyses, or a dask DataFrame with columns date, tension and
    n_sentences. ``group`` is a record field / column (e.g. ``"lang"``) or, for a Bag, a
    function of the record; ``group="dyad"`` (a Bag only) gives the tension between pairs of
    actors, a document counting in each of its dyads with the mean tension of their sentences
    (as :func:`stance.dyads.dyad_series`, which adds the interval). Unlike :func:`stance.series.tension_series` this keeps
    near-duplicate documents and gives no bootstrap interval.
    """
    pd = _need("pandas")
    from .series import period_of
    period_of("2000-01-01", by)  # fail fast, on the client, on a bad ``by``
    name = None if group is None else (group if isinstance(group, str) else "group")
    keys = ["period"] + ([name] if name else [])
    db = _need("dask.bag")
    if group == "dyad":
        if not isinstance(data, db.Bag):
            raise TypeError("tension_by_period(group='dyad') needs a Bag of analyze_bag records "
                            "or Analyses: a DataFrame has no actors")
        data = data.filter(_in_series).map(_dyad_rows).flatten()
    if isinstance(data, db.Bag):
        folded = data.filter(_in_series).foldby(
            functools.partial(_period_key, by=by, group=group), _add, (0.0, 0, 0),
            _merge, (0.0, 0, 0)).compute()
        rows = [(*key, t / n, n, s) for key, (t, n, s) in folded]
        out = pd.DataFrame(rows, columns=[*keys, "tension", "documents", "sentences"])
    else:
        dd = _need("dask.dataframe")
        if not isinstance(data, dd.DataFrame):
            raise TypeError(f"tension_by_period() expects a dask Bag or DataFrame, got {type(data).__name__}")
        if group is not None and not isinstance(group, str):
            raise TypeError("tension_by_period(): with a DataFrame, group must be a column name")
        n_col = "n_sentences" if "n_sentences" in data.columns else "sentences"
        missing = {"date", "tension", n_col} - set(data.columns) | (
            {name} - set(data.columns) if name else set())
        if missing:
            raise ValueError(f"tension_by_period(): the DataFrame lacks column(s) {sorted(missing)}")
        cols = ["date", "tension", n_col] + ([name] if name else [])
        frame = data[cols]
        frame = frame.assign(period=frame["date"].map_partitions(
            _periods, by, meta=pd.Series([], dtype=object, name="period")))
        frame = frame[frame["period"].notnull() & frame["tension"].notnull()]
        agg = frame.groupby(keys).agg({"tension": ["sum", "count"], n_col: "sum"}).compute()
        agg.columns = ["tension_sum", "documents", "sentences"]
        agg = agg.reset_index()
        out = pd.DataFrame({**{k: agg[k] for k in keys},
                            "tension": agg["tension_sum"] / agg["documents"],
                            "documents": agg["documents"], "sentences": agg["sentences"]})
    out = out.astype({"tension": "float64", "documents": "int64", "sentences": "int64"})
    return out.sort_values(keys, kind="stable").reset_index(drop=True)


def _connect(scheduler: str | None, workers: int | None) -> tuple[Any, Any]:
    """A Client on ``scheduler``, or on a new LocalCluster of ``workers`` single-thread processes."""
    distributed = _need("distributed")
    if scheduler and workers:
        raise ValueError("give a scheduler address or a number of workers, not both")
    if scheduler:
        return distributed.Client(scheduler), None
    if workers is None or workers < 1:
        raise ValueError(f"workers must be a positive number, got {workers!r}")
    import logging

    import dask
    # These workers live for one run and nobody watches them: no dashboard (its small HTTP
    # server takes a free port rather than warn that 8787 is taken), no statistical profiler
    # (a thread sampling every 10 ms, a few % of CPU), and glibc's adaptive malloc (Dask's
    # MALLOC_TRIM_THRESHOLD_, meant for long-lived workers, makes every large numpy temporary
    # an mmap and costs about 20 % of the model's speed).
    with dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
                          "distributed.worker.profile.enabled": False}):
        cluster = distributed.LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0",
            scheduler_kwargs={"dashboard": False}, silence_logs=logging.ERROR)
    try:
        return distributed.Client(cluster), cluster
    except BaseException:
        cluster.close()
        raise


def _n_workers(client: Any) -> int:
    """How many workers the scheduler has now (a cluster may still be growing)."""
    return len(client.scheduler_info().get("workers", {}))


def _result(fut: Any, chunk: list[Any]) -> Any:
    """A partition's result; workers that kept dying on it become one :class:`StanceError`
    naming its documents (Dask's ``KilledWorker`` says only the task key)."""
    distributed = _need("distributed")
    try:
        return fut.result()
    except distributed.KilledWorker:
        first = chunk[0].given if isinstance(chunk[0], PathItem) else "standard input"
        raise StanceError(
            f"Dask workers kept dying while analysing the {len(chunk)} document(s) starting with "
            f"{printable(first)} (Dask gave up: KilledWorker); the usual cause is a worker out of "
            "memory: give the workers more memory, or find the document that kills them") from None


def analyze_paths(paths: Sequence[str | os.PathLike], scheduler: str | None = None,
                  workers: int | None = None, model_path: str | os.PathLike | None = None,
                  progress: bool | None = False, client: Any = None,
                  on_bad: Callable[[str, str], None] | None = None) -> Iterator["Analysis"]:
    """Analyze documents on a Dask cluster and yield their Analyses in input order.

    Connects to ``scheduler`` (an address such as ``tcp://host:8786``), or uses ``client``, or
    starts a LocalCluster of ``workers`` processes (one thread each, closed at the end). The
    paths (folders expanded as by :func:`stance.documents.expand_paths`) are cut into partitions
    that go to the workers, which read the files (``-`` is stdin, read here) and classify each
    partition in one batch. Partitions run in input order
    (task priorities) and only a few per worker are in flight, so results stream back in
    order with bounded memory whatever the number of documents. ``progress`` shows a progress
    bar on stderr (None: only when stderr is a terminal). A file that cannot be read fails the
    run, unless ``on_bad`` is given: it is then called with the path and the reason, in input
    order, and the file is passed over.
    """
    from .documents import expand_paths
    from .progress import progress_bar

    _need("distributed")
    items: list[Any] = []
    for p in expand_paths(paths):
        if p == "-":
            items.append(stdin_bytes())
        else:
            items.append(PathItem(p))
    if not items:
        return
    own = client is None
    cluster = None
    if own:
        client, cluster = _connect(scheduler, workers)
    try:
        n_workers = max(_n_workers(client), workers or 1)
        n_parts = min(len(items), max(4 * n_workers, math.ceil(len(items) / DOCS_PER_PARTITION)))
        size = math.ceil(len(items) / n_parts)
        chunks = [items[i:i + size] for i in range(0, len(items), size)]
        key_model, token = pin_model(model_path), uuid.uuid4().hex
        in_flight: deque = deque()
        submitted = 0

        def refill() -> None:
            nonlocal submitted
            window = 4 * max(_n_workers(client), 1)
            while submitted < len(chunks) and len(in_flight) < window:
                i = submitted
                in_flight.append((i, client.submit(analyze_packed, chunks[i], key_model,
                                                   on_bad is not None, pure=False,
                                                   key=f"stance-analyze-{token}-{i}", priority=-i)))
                submitted += 1

        with progress_bar(len(items), "analyze", progress) as bar:
            refill()
            while in_flight:
                i, fut = in_flight.popleft()
                n_docs, payload = _result(fut, chunks[i])
                fut.release()
                refill()
                bar.update(n_docs)
                with gc_paused():
                    analyses = pickle.loads(payload)
                for a in analyses:
                    if isinstance(a, BadDocument):
                        on_bad(a.path, a.reason)
                    else:
                        yield a
    finally:
        if own:
            client.close()
            if cluster is not None:
                cluster.close()
