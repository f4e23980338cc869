"""Sentences per second: one process versus a Dask LocalCluster of 1 and of 2 workers.

    python benchmarks/bench_dask.py [--sentences 200000] [--partition 10000] [--documents 6000]

The batch repeats the seed corpus (seeds/sentences/*.jsonl) up to ``--sentences`` sentences.
On the cluster, partitions are *made on the workers* from (start, stop) bounds — the texts are
never shipped from the client — each partition is classified in one ``predict_proba`` batch
by the worker's cached model (loaded once per worker, before timing), and only a few numbers
come back (label counts and a SHA-256 of the probabilities, checked against the one-process
run). Two pipelines are timed: raw tasks on a Bag of bounds, and the library API
(``stance.distributed.classify_series`` on a dask Series built with ``from_map``).

Then documents: ``--documents`` files of 20 corpus sentences written to a temporary folder,
analysed by ``stance.analysis.analyze_many`` in one process and by
``stance.distributed.analyze_paths`` (what ``stance analyze --workers N`` runs) on the same
clusters; the Analyses must be equal. This path ships every Analysis back to the client,
which unpickles them in order: that serial part caps its scaling on two cores.
"""
from __future__ import annotations

import argparse
import hashlib
import logging
import os
import shutil
import statistics
import sys
import tempfile
import time
from importlib.resources import files
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run from a checkout without installing stance
    sys.path.insert(1, str(ROOT))
SEEDS = ROOT / "seeds" / "sentences"


_corpus: tuple[str, ...] = ()


def read_corpus() -> tuple[str, ...]:
    """The seed corpus texts, read on the client and sent once to each worker."""
    from stance.corpus import load_annotations
    return tuple(r.text for r in load_annotations(SEEDS))


def set_up(corpus: tuple[str, ...], model_path: str) -> int:
    """Keep the corpus (sent once per worker) and load the model in this process, before timing."""
    global _corpus
    from stance.distributed import worker_model
    _corpus = corpus
    worker_model(model_path)
    return len(_corpus)


def make_batch(start: int, stop: int) -> list[str]:
    """Sentences ``start:stop`` of the corpus repeated without end (built where it is called)."""
    texts = _corpus
    return [texts[i % len(texts)] for i in range(start, stop)]


def classify_bounds(bounds: tuple[int, int], model_path: str, run: int = 0
                    ) -> tuple[int, list[int], str]:
    """Build one partition on this worker, classify it in one batch, return a small digest
    (label counts, SHA-256 of the probabilities); ``run`` only makes each timed run's task
    keys new, so that no result of an earlier run is reused."""
    import numpy as np

    from stance.distributed import worker_model
    from stance.prediction import best_index
    proba = worker_model(model_path).predict_proba(make_batch(*bounds))
    return bounds[0], np.bincount(best_index(proba), minlength=5).tolist(), \
        hashlib.sha256(proba.tobytes()).hexdigest()


def make_series(bounds: tuple[int, int], run: int = 0):
    """One partition of a dask Series of sentences, built on the worker (``run``: as above)."""
    import pandas as pd
    return pd.Series(make_batch(*bounds), index=pd.RangeIndex(*bounds), dtype=object)


def write_documents(folder: Path, corpus: tuple[str, ...], n: int) -> list[str]:
    """``n`` dated documents of 20 corpus sentences each, in the native format."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        sents = [corpus[(i * 20 + j) % len(corpus)].replace("\n", " ") for j in range(20)]
        path = folder / f"doc_{i:05d}.txt"
        path.write_text(f" date 2024-{i % 12 + 1:02d} {sents[0]}\n\n" + "\n\n".join(sents[1:]) + "\n",
                        encoding="utf-8")
        paths.append(str(path))
    return paths


def cpu_seconds() -> float:
    """CPU time used so far by this (worker) process."""
    return time.process_time()


def timed(fn: Callable[[int], Any], repeat: int, client: Any = None, workers: int = 1
          ) -> tuple[float, float, float, Any]:
    """Run ``fn(run)`` ``repeat`` times: best and median wall time, the workers' CPU share
    during the best run (below ~95 % means something else had the cores), its result."""
    runs = []
    for run in range(repeat):
        before = sum(client.run(cpu_seconds).values()) if client else time.process_time()
        t = time.perf_counter()
        out = fn(run)
        wall = time.perf_counter() - t
        after = sum(client.run(cpu_seconds).values()) if client else time.process_time()
        runs.append((wall, (after - before) / (wall * workers), out))
    best = min(runs, key=lambda r: r[0])
    return best[0], statistics.median(r[0] for r in runs), best[1], best[2]


def report(what: str, n: int, best: float, median: float, cpu: float, note: str = "") -> float:
    """Print one line of results; return sentences per second (best run)."""
    print(f"{what:<38}: {n / best:8.0f} sentences/s  (best {best:.2f} s, median {median:.2f} s, "
          f"CPU {100 * cpu:.0f}%{note})")
    return n / best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sentences", type=int, default=200_000)
    ap.add_argument("--partition", type=int, default=10_000, help="sentences per partition")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--documents", type=int, default=6000, help="0 to skip the documents part")
    args = ap.parse_args()

    # the functions the workers run must be importable there by name, not pickled from __main__
    import bench_dask as bench  # this file, under its module name (benchmarks/ is on sys.path)
    import dask
    import dask.bag as db
    import dask.dataframe as dd
    import numpy as np
    from distributed import Client, LocalCluster

    import stance
    from stance.distributed import analyze_paths, classify_series, worker_model
    from stance.prediction import best_index
    from stance.analysis import analyze_many

    n, size = args.sentences, args.partition
    bounds = [(s, min(s + size, n)) for s in range(0, n, size)]
    # one snapshot of the model and of the corpus for every process (both may change meanwhile)
    tmp = tempfile.mkdtemp(prefix="stance-bench-")
    model_path = os.path.join(tmp, "model.npz")
    shutil.copyfile(str(files("stance") / "data" / "model.npz"), model_path)
    corpus = bench.read_corpus()
    bench.set_up(corpus, model_path)
    model = worker_model(model_path)
    batch = bench.make_batch(0, n)
    import psutil  # comes with distributed
    busy = psutil.cpu_percent(interval=1.0)
    print(f"stance {stance.__version__}, {model!r}; corpus {len(corpus)} texts; batch {n} "
          f"sentences in {len(bounds)} partitions of {size}; {os.cpu_count()} cores, "
          f"{busy:.0f}% busy before the start")
    if busy > 10:
        print("warning: something else is using the CPU; timings and scaling are pessimistic")

    best, med, cpu, proba = timed(lambda run: model.predict_proba(batch), args.repeat)
    report("one process, whole batch", n, best, med, cpu)
    expected = {s: (np.bincount(best_index(proba[s:e]), minlength=5).tolist(),
                    hashlib.sha256(np.ascontiguousarray(proba[s:e]).tobytes()).hexdigest())
                for s, e in bounds}
    counts = np.bincount(best_index(proba), minlength=5).tolist()
    del proba
    best, med, cpu, _ = timed(lambda run: [model.predict_proba(batch[s:e]) for s, e in bounds][-1],
                              args.repeat)
    report(f"one process, {len(bounds)} batches of {size}", n, best, med, cpu)
    del batch
    doc_paths = bench.write_documents(Path(tmp) / "docs", corpus, args.documents)
    if doc_paths:
        best, med, cpu, local = timed(
            lambda run: analyze_many([stance.read_document(p) for p in doc_paths], model), args.repeat)
        n_sent = sum(len(a.sentences) for a in local)
        report(f"one process, analyze_many ({len(doc_paths)} docs)", n_sent, best, med, cpu)

    rates: dict[tuple[str, int], float] = {}
    for w in args.workers:
        # as stance.distributed does for `stance analyze --workers`: glibc's adaptive malloc
        # in the workers (Dask's MALLOC_TRIM_THRESHOLD_ costs ~20 % here), no profiler thread
        # (a few %), no dashboard
        with dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
                              "distributed.worker.profile.enabled": False}):
            cluster = LocalCluster(n_workers=w, threads_per_worker=1, processes=True,
                                   dashboard_address=":0", scheduler_kwargs={"dashboard": False},
                                   silence_logs=logging.ERROR)
        with cluster, Client(cluster) as client:
            client.run(bench.set_up, corpus, model_path)
            if doc_paths:
                best, med, cpu, got = timed(
                    lambda run: list(analyze_paths(doc_paths, client=client, model_path=model_path)),
                    args.repeat, client, w)
                assert got == local, "analyze_paths differs from analyze_many"
                rates["documents", w] = report(f"cluster, {w} worker(s), analyze_paths", n_sent, best,
                                               med, cpu, "; Analyses equal")

            def tasks(run: int) -> list:
                return db.from_sequence(bounds, npartitions=len(bounds)).map(
                    bench.classify_bounds, model_path, run).compute()

            best, med, cpu, out = timed(tasks, args.repeat, client, w)
            assert {s: (c, h) for s, c, h in out} == expected, \
                "the cluster's probabilities differ from the one-process run"
            rates["tasks", w] = report(f"cluster, {w} worker(s), bag tasks", n, best, med, cpu,
                                       "; results identical")

            def series(run: int) -> Any:
                ser = dd.from_map(bench.make_series, bounds, args=[run], meta=bench.make_series((0, 0)),
                                  divisions=[s for s, _ in bounds] + [n - 1])
                return classify_series(ser, model_path)["label"].value_counts().compute()

            best, med, cpu, vc = timed(series, args.repeat, client, w)
            assert [int(vc.get(lab, 0)) for lab in stance.LABELS] == counts
            rates["series", w] = report(f"cluster, {w} worker(s), classify_series", n, best, med,
                                        cpu, "; same label counts")
    if 1 in args.workers and 2 in args.workers:
        for kind in ("tasks", "series", "documents"):
            if (kind, 1) in rates:
                print(f"scaling 2 workers / 1 worker ({kind}): {rates[kind, 2] / rates[kind, 1]:.2f}x")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
