"""Hostile-input figures: what text and model files built to hurt cost in time and memory.

    python benchmarks/hostile.py        (also printed by benchmarks/bench.py)

Prints the splitter's time on 1 MB of text without a line break (scraped HTML-to-text is one
line) against 100 kB, whose ratio is 10 when the splitter is linear, and the peak memory of
a fresh process that loads the shipped model, then crafted models: one with an extra entry
that inflates to 1 GB, one whose ``.npy`` header declares a huge ``coef``. Memory is the
peak resident size (``VmHWM``) of a fresh process per load.
"""
from __future__ import annotations

import io
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Callable, Iterator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stance.corpus import load_annotations  # noqa: E402
from stance.sentences import split_sentences  # noqa: E402

MODEL = ROOT / "stance" / "data" / "model.npz"


def one_line_text(size: int) -> str:
    """``size`` characters of corpus sentences joined by spaces: no line break at all."""
    corpus = " ".join(r.text.replace("\n", " ") for r in load_annotations(ROOT / "seeds" / "sentences"))
    return (corpus * (size // len(corpus) + 1))[:size]


def best_time(fn: Callable[[], object], repeat: int = 3) -> float:
    """The fastest of ``repeat`` runs of ``fn``, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def splitter_times() -> tuple[float, float]:
    """Seconds to split 100 kB and 1 MB of one-line text."""
    small, large = one_line_text(100_000), one_line_text(1_000_000)
    return best_time(lambda: split_sentences(small)), best_time(lambda: split_sentences(large))


LOAD = ("import sys\n"
        "sys.path.insert(0, {root!r})\n"
        "import numpy, stance.persistence as p\n"
        "try:\n"
        "    p.load_model({path!r}); outcome = 'loaded'\n"
        "except Exception as exc:\n"
        "    outcome = type(exc).__name__ + ': ' + str(exc)[:150]\n"
        "status = open('/proc/self/status').read().split('VmHWM:')[1]\n"
        "print(int(status.split()[0]) * 1024)\n"
        "print(outcome)\n")
"""Loads a model in a fresh process and prints its peak resident size: VmHWM, which starts
afresh at exec (``ru_maxrss`` would keep the parent's size at fork). Linux only."""


def peak_memory(path: Path) -> tuple[int, str]:
    """Peak resident bytes of a fresh process loading the model at ``path``, and how it ended."""
    out = subprocess.run([sys.executable, "-c", LOAD.format(root=str(ROOT), path=str(path))],
                         capture_output=True, text=True, check=True, timeout=600).stdout.splitlines()
    return int(out[0]), out[1]


def baseline_memory() -> int:
    """Peak resident bytes of a fresh process that imports numpy and stance and loads nothing."""
    code = LOAD.format(root=str(ROOT), path="/nonexistent.npz")
    return int(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              check=True).stdout.split()[0])


def _zeros(total: int, chunk: int = 1 << 24) -> Iterator[bytes]:
    block = bytes(chunk)
    for start in range(0, total, chunk):
        yield block[:min(chunk, total - start)]


def bomb_model(folder: Path, inflated: int = 1 << 30) -> Path:
    """The shipped model plus one deflated entry of ``inflated`` zero bytes."""
    path = folder / "bomb.npz"
    path.write_bytes(MODEL.read_bytes())
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as z:
        with z.open("padding.npy", "w", force_zip64=True) as fh:
            for block in _zeros(inflated):
                fh.write(block)
    return path


def huge_header_model(folder: Path, rows: int = 10 ** 9, source: Path = MODEL) -> Path:
    """The model at ``source`` (the shipped one) whose ``coef.npy`` header declares ``rows``
    x 5 float64 (10**9: 40 GB), followed by the real (small) data; also used by the tests."""
    import numpy as np

    path = folder / "header.npz"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "coef.npy":
                header = io.BytesIO()
                np.lib.format.write_array_header_1_0(
                    header, {"descr": "<f8", "fortran_order": False, "shape": (rows, 5)})
                data = header.getvalue() + data[len(header.getvalue()):]
            dst.writestr(info.filename, data)
    return path


def rows() -> Iterator[tuple[str, str, str, str]]:
    """(name, value, unit, note) rows of the hostile-input figures."""
    t_small, t_large = splitter_times()
    yield "split_sentences(): 1 MB on one line", f"{t_large:.3f}", "s", ""
    yield "  1 MB / 100 kB time", f"{t_large / t_small:.1f}", "x", "linear: 10"
    base = baseline_memory()
    yield "peak memory: python + numpy + stance", f"{base / 1e6:.0f}", "MB", ""
    shipped, _ = peak_memory(MODEL)
    yield "peak memory: loading the shipped model", f"{shipped / 1e6:.0f}", "MB", ""
    with tempfile.TemporaryDirectory() as tmp:
        for name, build in (("model + 1 GB zip-bomb entry", bomb_model),
                            ("coef header declaring 40 GB", huge_header_model)):
            path = build(Path(tmp))
            peak, outcome = peak_memory(path)
            refused = "refused" if outcome.startswith("ModelError") else f"NOT REFUSED: {outcome}"
            yield (f"peak memory: {name}", f"{peak / 1e6:.0f}", "MB",
                   f"{refused} ({path.stat().st_size / 1e6:.1f} MB file)")
            path.unlink()


def main() -> None:
    for name, value, unit, note in rows():
        print(f"{name:<44}{value:>14}  {unit:<12}{note}", flush=True)


if __name__ == "__main__":
    main()
