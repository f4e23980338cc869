"""Execute the project's notebooks top to bottom and save them with their outputs.

    python notebooks/run.py            # run both notebooks, write them back in place
    python notebooks/run.py --check    # run them in memory only (what the tests do)
    python notebooks/run.py tension    # only the notebooks whose name contains "tension"

Each notebook runs in a fresh ``python3`` kernel with the notebooks folder as working directory
(so the notebooks find the project one level up), a timeout of 300 s per cell and no execution
timestamps in the saved files. A cell error stops that notebook and makes the exit status 1.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
NOTEBOOKS = ("evaluation.ipynb", "tension.ipynb", "pairs.ipynb")
TIMEOUT = 300  # seconds per cell


def execute(path: str | Path, write: bool = True, timeout: int = TIMEOUT):
    """Run the notebook at ``path`` in a fresh kernel and return it (a ``NotebookNode``) with its
    outputs; with ``write``, save it back in place. Raises ``nbclient.exceptions.CellExecutionError``
    on the first cell that fails."""
    import nbformat
    from nbclient import NotebookClient

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(HERE)}})
    client.execute(cwd=str(HERE))
    if write:
        nbformat.validate(nb)
        nbformat.write(nb, path)
    return nb


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true",
                    help="execute in memory without writing the notebooks back")
    ap.add_argument("names", nargs="*",
                    help="run only the notebooks whose file name contains one of these")
    args = ap.parse_args(argv)
    selected = [n for n in NOTEBOOKS if not args.names or any(s in n for s in args.names)]
    if not selected:
        ap.error(f"no notebook matches {args.names}; notebooks: {', '.join(NOTEBOOKS)}")
    from nbclient.exceptions import CellExecutionError

    status = 0
    for name in selected:
        start = time.perf_counter()
        try:
            execute(HERE / name, write=not args.check)
        except CellExecutionError as exc:
            print(f"{name}: FAILED after {time.perf_counter() - start:.1f} s\n{exc}", file=sys.stderr)
            status = 1
            continue
        done = "checked" if args.check else "executed and saved"
        print(f"{name}: {done} in {time.perf_counter() - start:.1f} s")
    return status


if __name__ == "__main__":
    sys.exit(main())
