"""Time and size of ``stance report`` on the corpus's documents.

    python benchmarks/report.py [--documents 1000] [--runs 3]

Builds a folder of N documents (the seed documents and the corpus's whole stories, French and
English wire copy of 3,000 characters on average, cycled when N is larger), then prints: the
end-to-end time of ``stance report`` in a fresh process pinned to one core (best and median of
the runs, against the 10 s target for 1,000 documents), where that time goes (read and analyse,
series, page), and the page's size for 500 documents (target: under 2 MB, texts folding beyond
it) and for the 14 documents of ``seeds/documents/series``.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ONE_CORE = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
os.environ.update(ONE_CORE)

import stance  # noqa: E402
from stance.reporting import build_report  # noqa: E402
from stance.reporting.content import gather  # noqa: E402
from stance.reporting.page import render  # noqa: E402


def document_folder(n: int, where: Path) -> list[Path]:
    """``n`` documents of the corpus linked into ``where`` (cycled when the corpus has fewer)."""
    corpus = sorted((ROOT / "seeds" / "documents").rglob("*.txt"))
    out = []
    for i in range(n):
        src = corpus[i % len(corpus)]
        dst = where / f"{i:05d}_{src.name}"
        dst.symlink_to(src)
        out.append(dst)
    return out


def pin_to_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def cli_seconds(folder: Path, out: Path) -> float:
    """Wall time of ``stance report`` in a fresh process pinned to one core."""
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "stance", "report", str(folder), "-o", str(out)], check=True,
                   cwd=ROOT, capture_output=True, preexec_fn=pin_to_one_core, env={**os.environ, **ONE_CORE})
    return time.perf_counter() - t0


def phases(paths: list[Path]) -> dict[str, float]:
    """Seconds spent reading and analysing (with the series and pairs), and building the page."""
    model = stance.default_model()
    t0 = time.perf_counter()
    content = gather(paths, model, "shipped model")
    t1 = time.perf_counter()
    render(content, model, version=stance.__version__, generated="bench", max_bytes=2_000_000)
    return {"read, analyse, series, pairs": t1 - t0, "page (explanations, HTML)": time.perf_counter() - t1}


def page_size(paths: list[Path]) -> tuple[int, int, int]:
    """Size in bytes of the page of ``paths``, documents given in full, documents folded."""
    html = build_report(paths, generated="bench")
    return len(html.encode()), html.count('<div class="text"'), html.count('class="folded"')


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--documents", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()

    def row(name, value, unit, target=""):
        print(f"{name:<52}{value:>10}  {unit:<6} {target}", flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "docs"
        folder.mkdir()
        paths = document_folder(args.documents, folder)
        chars = statistics.mean(len(p.read_text(encoding="utf-8")) for p in paths)
        print(f"{len(paths)} documents of the corpus, {chars:,.0f} characters on average")
        times = [cli_seconds(folder, Path(tmp) / "report.html") for _ in range(args.runs)]
        size = (Path(tmp) / "report.html").stat().st_size
        target = "target <= 10 s" if args.documents == 1000 else ""
        row(f"stance report, {len(paths):,} documents, one core, best", f"{min(times):.2f}", "s", target)
        row("  median of the runs", f"{statistics.median(times):.2f}", "s")
        row("  its page", f"{size:,}", "bytes")
        pin_to_one_core()
        stance.default_model().classify_many(["warm-up: the model is loaded once"])
        for name, seconds in phases(paths).items():
            row(f"  in process: {name}", f"{seconds:.2f}", "s")
        size, whole, folded = page_size(paths[:500])
        row("page of 500 documents", f"{size:,}", "bytes", "target < 2,000,000")
        row("  documents given in full / folded", f"{whole}/{folded}", "")
        size, whole, folded = page_size(sorted((ROOT / "seeds" / "documents" / "series").glob("*.txt")))
        row(f"page of seeds/documents/series ({whole + folded} documents)", f"{size:,}", "bytes")


if __name__ == "__main__":
    main()
