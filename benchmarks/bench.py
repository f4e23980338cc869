"""Speed of the shipped model, against its floor and its peers, on the seed corpus sentences.

    python benchmarks/bench.py [--batch 100000] [--quick] [--part all|long|startup]
                               [--documents] [--hostile-only]

Prints single-sentence latency (median, p90), batch throughput, the tokenisation floor, the
naive scikit-learn pipeline refitted with the shipped hyper-parameters, 2-process scaling,
time and peak memory of one text of 256 KB and of 1 MB (how they grow with its length), cold
start in a fresh process (its modules' bytecode cached, as when installed; and compiled from
source), ``import stance`` alone (cold: no bytecode cache, as on the first run after
installing; and with its bytecode cached), the model size, whole documents (the
906 story documents read, split, identified and analysed; a cold ``stance.analyze``), and the
hostile-input figures of ``benchmarks/hostile.py`` (splitter on 1 MB of one-line text, peak
memory when loading crafted models), with the ratios and the target each figure is compared
with. ``--part`` runs only the long-text or the start-up lines, ``--documents`` only the
whole-document ones, ``--hostile-only`` only the hostile-input ones. Pin it to one core with
``taskset -c 0`` for the one-core figures; the 2-process figure needs both cores.
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

import hostile  # noqa: E402  (benchmarks/hostile.py)
import stance  # noqa: E402
from stance.corpus import load_annotations  # noqa: E402
from stance.text import TOKEN_RE  # noqa: E402

_TEXTS: list[str] = []


def tokenise_only(texts: list[str]) -> int:
    """Text to tokens, text by text (normalise, lower-case, find tokens): what the analyzer does."""
    return sum(len(TOKEN_RE.findall(unicodedata.normalize("NFC", t).lower())) for t in texts)


def token_ids_only(texts: list[str]) -> int:
    """The floor: the model's own tokenisation of the batch, text to vocabulary ids, as
    classify_many does it (one pass over the joined batch); every later step is arithmetic."""
    return len(stance.default_model().words.token_ids(texts)[0])


def timeit(fn, *args, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn(*args)
        best = min(best, time.perf_counter() - t0)
    return best


def _work(span: tuple[int, int]) -> np.ndarray:
    """Worker: classify its slice of the texts inherited at fork; only labels travel back."""
    lo, hi = span
    return stance.default_model().predict_proba(_TEXTS[lo:hi]).argmax(axis=1).astype(np.int8)


def parallel(n_proc: int, n: int) -> float:
    """Throughput time of ``n_proc`` forked workers: texts are inherited, not shipped; each
    task is a (start, end) span and returns int8 labels, so almost nothing crosses a pipe."""
    chunk = -(-n // (n_proc * 8))
    spans = [(i, min(i + chunk, n)) for i in range(0, n, chunk)]
    ctx = mp.get_context("fork")
    with ctx.Pool(n_proc, initializer=stance.default_model) as pool:
        pool.map(_work, spans[:n_proc])  # warm: model loaded in each worker
        t0 = time.perf_counter()
        pool.map(_work, spans, chunksize=1)
        return time.perf_counter() - t0


def documents(row) -> None:
    """Whole documents: the story documents read, split into sentences, their language
    identified and every sentence classified, on one core; and a cold start that analyses one."""
    from stance.analysis import analyze_many
    paths = sorted((ROOT / "seeds" / "documents" / "stories").glob("*.txt"))
    chars = sum(len(p.read_text(encoding="utf-8")) for p in paths)

    def run() -> None:
        analyze_many([stance.read_document(p) for p in paths])

    run()  # warm: the model's and the language identifier's first load is the cold start's
    t = timeit(run)
    row(f"read + analyze {len(paths)} documents ({chars // len(paths):,} chars)",
        f"{len(paths) / t:,.0f}", "documents/s")
    first = cold("import pathlib, stance; stance.analyze(stance.read_document("
                 "pathlib.Path('seeds/documents/000_0a744793bc5dba96.txt')))")
    row("cold start: fresh python, import, analyze", f"{first:.3f}", "s")


def cold(code: str, runs: int = 5, cached: bool = True) -> float:
    """Median wall time of ``code`` in fresh processes. With ``cached``, the modules' bytecode
    comes from a cache that a first run fills, as for an installed package (pip compiles it;
    python writes it on first import), whatever PYTHONDONTWRITEBYTECODE says; without, every
    module of stance is compiled from source each time."""
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ)
        if cached:
            env["PYTHONPYCACHEPREFIX"] = cache
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env=env)
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env=env)
            times.append(time.perf_counter() - t0)
    return statistics.median(times)


def import_time(runs: int = 5, cached: bool = True) -> float:
    """Median time of ``import stance`` measured inside fresh processes: with the bytecode
    that a first import wrote to a cache, or (``cached=False``) cold, every module compiled
    from source as on the first run after installing (an empty bytecode cache each run)."""
    code = "import time; t = time.perf_counter(); import stance; print(time.perf_counter() - t)"
    times = []
    with tempfile.TemporaryDirectory() as warm_cache:
        for i in range(runs + cached):
            with tempfile.TemporaryDirectory() as cold_cache:
                env = dict(os.environ, PYTHONPYCACHEPREFIX=warm_cache if cached else cold_cache)
                env.pop("PYTHONDONTWRITEBYTECODE", None)
                out = subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env=env,
                                     capture_output=True, text=True).stdout
            if i or not cached:  # with a cache, the first run only fills it
                times.append(float(out))
    return statistics.median(times)


def long_text(corpus: list[str], size: int) -> str:
    """A text of about ``size`` characters made of corpus sentences, as one long document."""
    text = " ".join(corpus)
    return (text * (size // len(text) + 1))[:size]


def time_and_peak(text: str) -> tuple[float, float]:
    """Best time of ``stance.classify(text)`` and its peak of Python and numpy memory (MB),
    measured apart (tracing memory slows the run)."""
    seconds = timeit(stance.classify, text)
    tracemalloc.start()
    stance.classify(text)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return seconds, peak / 1e6


def bench_long_text(corpus: list[str], row) -> None:
    """One text of 256 KB and of 1 MB: time and peak memory, and how they grow (4x the text)."""
    stance.classify(long_text(corpus, 1 << 20))  # every word's character row cached, as in use
    t_small, m_small = time_and_peak(long_text(corpus, 1 << 18))
    t_big, m_big = time_and_peak(long_text(corpus, 1 << 20))
    row("classify(): one text of 1 MB", f"{t_big:.2f}", "s")
    row("  peak memory for it", f"{m_big:.0f}", "MB")
    row("  time, 1 MB / 256 KB", f"{t_big / t_small:.2f}", "x", "linear: 4x")
    row("  peak memory, 1 MB / 256 KB", f"{m_big / m_small:.2f}", "x", "linear: 4x")


def bench_startup(row) -> None:
    """Start-up: a fresh process that imports stance and classifies, and the import alone."""
    base = cold("pass")
    code = "import stance; stance.classify('Moscou dément.')"
    row("cold start: fresh python, import, classify", f"{cold(code):.3f}", "s", "target <= 0.3 s")
    row("  of which python start-up", f"{base:.3f}", "s")
    row("  the same, no bytecode cache", f"{cold(code, cached=False):.3f}", "s")
    row("import stance, cold (no bytecode cache)", f"{import_time(cached=False) * 1000:.1f}", "ms",
        "target <= 50 ms")
    row("import stance alone (bytecode cached)", f"{import_time() * 1000:.1f}", "ms", "target <= 50 ms")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", type=int, default=100_000)
    ap.add_argument("--quick", action="store_true", help="skip the scikit-learn refit")
    ap.add_argument("--part", choices=["all", "long", "startup"], default="all",
                    help="run every line, or only the long-text or the start-up ones")
    ap.add_argument("--documents", action="store_true", help="only the whole-document figures")
    ap.add_argument("--hostile-only", action="store_true", help="only the hostile-input figures")
    args = ap.parse_args()
    if args.hostile_only:
        hostile.main()
        return
    model = stance.default_model()
    corpus = [r.text for r in load_annotations(ROOT / "seeds" / "sentences")]
    words = statistics.mean(len(t.split()) for t in corpus)
    batch = (corpus * (args.batch // len(corpus) + 1))[:args.batch]
    _TEXTS.extend(batch)
    rows = []

    def row(name, value, unit, target=""):
        rows.append((name, value, unit, target))
        print(f"{name:<44}{value:>14}  {unit:<12}{target}", flush=True)

    if args.part == "long":
        return bench_long_text(corpus, row)
    if args.part == "startup":
        return bench_startup(row)

    print(f"{len(corpus)} corpus sentences, {words:.1f} words on average; batch of {len(batch)}; "
          f"model {model}")
    if args.documents:
        documents(row)
        return
    def latencies(texts):
        out = []
        for t in texts:
            t0 = time.perf_counter()
            stance.classify(t)
            out.append(time.perf_counter() - t0)
        return statistics.median(out) * 1e6, np.percentile(out, 90) * 1e6

    # cold: words seen for the first time have their character rows computed on the spot;
    # warm: after 10,000 other sentences, as in a running analysis of the news
    for t in corpus[:200]:
        stance.classify(t)
    med, p90 = latencies(corpus[200:3200])
    row("classify(): one sentence, median, cold words", f"{med:.0f}", "µs")
    row("classify(): one sentence, p90, cold words", f"{p90:.0f}", "µs")
    for t in corpus[3200:13200]:
        stance.classify(t)
    med, p90 = latencies(corpus[13200:16200])
    row("classify(): one sentence, median, warm", f"{med:.0f}", "µs", "target <= 100 µs")
    row("classify(): one sentence, p90, warm", f"{p90:.0f}", "µs")
    t_batch = timeit(model.classify_many, batch)
    t_proba = timeit(model.predict_proba, batch)
    t_tok = timeit(token_ids_only, batch)
    t_tok_text = timeit(tokenise_only, batch)
    row("classify_many(): batch throughput", f"{len(batch) / t_batch:,.0f}", "sentences/s",
        "target >= 40,000/s")
    row("predict_proba(): batch throughput", f"{len(batch) / t_proba:,.0f}", "sentences/s")
    row("tokenisation to ids alone (the floor)", f"{len(batch) / t_tok:,.0f}", "sentences/s")
    row("  (text to tokens, text by text)", f"{len(batch) / t_tok_text:,.0f}", "sentences/s")
    row("classify_many / tokenisation time", f"{t_batch / t_tok:.2f}", "x")
    row("predict_proba / tokenisation time", f"{t_proba / t_tok:.2f}", "x")
    if not args.quick:
        from stance.estimator import StanceClassifier
        hp = dict(model.card["hyperparameters"])
        for k in ("ngram_range", "char_ngram_range"):
            if hp.get(k) is not None:
                hp[k] = tuple(hp[k])
        recs = load_annotations(ROOT / "seeds" / "sentences")
        est = StanceClassifier(**hp).fit([r.text for r in recs], [r.label for r in recs],
                                         groups=[r.group for r in recs])
        diff = np.abs(est.predict_proba(corpus) - model.predict_proba(corpus)).max()
        sk = []
        for t in corpus[:1000]:
            t0 = time.perf_counter()
            est.predict_proba([t])
            sk.append(time.perf_counter() - t0)
        sk_med = statistics.median(sk) * 1e6
        t_sk = timeit(est.predict_proba, batch, repeat=1)
        row("scikit-learn pipeline: one sentence, median", f"{sk_med:.0f}", "µs",
            f"stance is {sk_med / med:.1f}x faster")
        row("scikit-learn pipeline: batch throughput", f"{len(batch) / t_sk:,.0f}", "sentences/s",
            f"stance is {t_sk / t_batch:.1f}x faster")
        row("max |p_sklearn - p_stance| on the corpus", f"{diff:.1e}", "", "must be <= 1e-9")
    if (os.cpu_count() or 1) >= 2:
        t1, t2 = parallel(1, len(batch)), parallel(2, len(batch))
        row("1 process (pool of 1), batch throughput", f"{len(batch) / t1:,.0f}", "sentences/s")
        row("2 processes, batch throughput", f"{len(batch) / t2:,.0f}", "sentences/s")
        row("2-process scaling", f"{t1 / t2:.2f}", "x", "target >= 1.8x")
    bench_long_text(corpus, row)
    bench_startup(row)
    size = (ROOT / "stance" / "data" / "model.npz").stat().st_size / 1e6
    row("model file", f"{size:.2f}", "MB", "target <= 15 MB")
    documents(row)
    for name, value, unit, note in hostile.rows():
        row(name, value, unit, note)


if __name__ == "__main__":
    main()
