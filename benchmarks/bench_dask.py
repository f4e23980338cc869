"""Sentences per second: one process versus a Dask LocalCluster of 1 and of 2 workers.

    python benchmarks/bench_dask.py [--sentences 200000] [--partition 10000] [--repeat 3]

The batch repeats the seed corpus (seeds/sentences/*.jsonl) up to ``--sentences`` sentences.
On the cluster, partitions are *made on the workers* from (start, stop) bounds — the texts are
never shipped from the client — each partition is classified in one ``predict_proba`` batch
by the worker's cached model (loaded once per worker, before timing), and only a few numbers
come back (label counts and a SHA-256 of the probabilities, checked against the one-process
run). Two pipelines are timed: raw tasks on a Bag of bounds, and the library API
(``stance.distributed.classify_series`` on a dask Series built with ``from_map``).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import shutil
import statistics
import sys
import tempfile
import time
from importlib.resources import files
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run from a checkout without installing stance
    sys.path.insert(1, str(ROOT))
SEEDS = ROOT / "seeds" / "sentences"


_corpus: tuple[str, ...] = ()


def read_corpus() -> tuple[str, ...]:
    """The seed corpus texts (read once, on the client: the files may change meanwhile)."""
    out = []
    for f in sorted(SEEDS.glob("*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            try:
                text = json.loads(line).get("text")
            except (json.JSONDecodeError, AttributeError):
                continue
            if isinstance(text, str) and text.strip():
                out.append(text)
    return tuple(out)


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


def classify_bounds(bounds: tuple[int, int], model_path: str) -> tuple[int, list[int], str]:
    """Build one partition on this worker, classify it in one batch, return a small digest."""
    import numpy as np

    from stance.distributed import worker_model
    from stance.model import best_index
    proba = worker_model(model_path).predict_proba(make_batch(*bounds))
    return bounds[0], np.bincount(best_index(proba), minlength=5).tolist(), \
        hashlib.sha256(proba.tobytes()).hexdigest()


def make_series(bounds: tuple[int, int]):
    """One partition of a dask Series of sentences, built on the worker."""
    import pandas as pd
    return pd.Series(make_batch(*bounds), index=pd.RangeIndex(*bounds), dtype=object)


def _best(times: list[float]) -> tuple[float, float]:
    return min(times), statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sentences", type=int, default=200_000)
    ap.add_argument("--partition", type=int, default=10_000, help="sentences per partition")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = ap.parse_args()

    # the functions the workers run must be importable there by name, not pickled from __main__
    import bench_dask as bench  # this file, under its module name (benchmarks/ is on sys.path)
    import dask.bag as db
    import dask.dataframe as dd
    import numpy as np
    from distributed import Client, LocalCluster

    import stance
    from stance.distributed import classify_series, worker_model
    from stance.model import best_index

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
    load = os.getloadavg()[0]
    print(f"stance {stance.__version__}, {model!r}; corpus {len(corpus)} texts; batch {n} "
          f"sentences in {len(bounds)} partitions of {size}; {os.cpu_count()} cores, load {load:.1f}")
    if load > 0.5:
        print("warning: the machine is busy; the timings and the scaling are pessimistic")

    times = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        proba = model.predict_proba(batch)
        times.append(time.perf_counter() - t)
    best, med = _best(times)
    print(f"one process, whole batch        : {n / best:9.0f} sentences/s  (best {best:.2f} s, median {med:.2f} s)")
    expected = {s: (np.bincount(best_index(proba[s:e]), minlength=5).tolist(),
                    hashlib.sha256(np.ascontiguousarray(proba[s:e]).tobytes()).hexdigest())
                for s, e in bounds}
    counts = np.bincount(best_index(proba), minlength=5).tolist()
    del proba
    times = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        for s, e in bounds:
            model.predict_proba(batch[s:e])
        times.append(time.perf_counter() - t)
    best, med = _best(times)
    print(f"one process, {len(bounds)} batches of {size:<6}: {n / best:9.0f} sentences/s  (best {best:.2f} s, median {med:.2f} s)")
    del batch

    rates: dict[tuple[str, int], float] = {}
    for w in args.workers:
        with LocalCluster(n_workers=w, threads_per_worker=1, processes=True, dashboard_address=":0",
                          scheduler_kwargs={"dashboard": False}, silence_logs=logging.ERROR) as cluster, \
                Client(cluster) as client:
            client.run(bench.set_up, corpus, model_path)
            times = []
            for _ in range(args.repeat):
                t = time.perf_counter()
                out = db.from_sequence(bounds, npartitions=len(bounds)).map(bench.classify_bounds, model_path).compute()
                times.append(time.perf_counter() - t)
            got = {s: (c, h) for s, c, h in out}
            assert got == expected, "the cluster's probabilities differ from the one-process run"
            best, med = _best(times)
            rates["tasks", w] = n / best
            print(f"cluster, {w} worker(s), bag tasks    : {n / best:9.0f} sentences/s  (best {best:.2f} s, median {med:.2f} s; identical results)")

            series = dd.from_map(bench.make_series, bounds, divisions=[s for s, _ in bounds] + [n - 1],
                                 meta=bench.make_series((0, 0)))
            times = []
            for _ in range(args.repeat):
                t = time.perf_counter()
                vc = classify_series(series, model_path)["label"].value_counts().compute()
                times.append(time.perf_counter() - t)
            assert [int(vc.get(lab, 0)) for lab in stance.LABELS] == counts
            best, med = _best(times)
            rates["series", w] = n / best
            print(f"cluster, {w} worker(s), classify_series: {n / best:9.0f} sentences/s  (best {best:.2f} s, median {med:.2f} s; same label counts)")
    if 1 in args.workers and 2 in args.workers:
        for kind in ("tasks", "series"):
            print(f"scaling 2 workers / 1 worker ({kind}): {rates[kind, 2] / rates[kind, 1]:.2f}x")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
