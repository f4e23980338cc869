"""Regenerate ``docs/report.png``, the README's picture of ``stance report`` on
``seeds/documents/series`` (the invented Ban Nakham dam dispute), in headless Chromium.

    python docs/make_screenshot.py

The page's date line says where the documents come from instead of the time, so the picture
changes only when the page does. Needs Debian's ``chromium`` (``apt-get install chromium``).
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERIES = ROOT / "seeds" / "documents" / "series"
PNG = ROOT / "docs" / "report.png"
TITLE = "The Ban Nakham dam dispute: Laos and Cambodia, January to July 2025"

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars"]
"""Headless, offline, no first-run or background work: the page is all Chromium loads."""


def chromium() -> str | None:
    """The Chromium executable, or None when it is not installed."""
    return shutil.which("chromium") or (str(Path("/usr/bin/chromium"))
                                        if Path("/usr/bin/chromium").exists() else None)


def run_chromium(page: Path, profile: Path, *args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    """Open ``page`` from disk in headless Chromium with a fresh profile and ``args``
    (``--dump-dom``, ``--screenshot=...``); stdout and stderr are captured as text."""
    exe = chromium()
    if exe is None:
        raise RuntimeError("chromium is not installed: apt-get install chromium")
    return subprocess.run([exe, *FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()],
                          capture_output=True, text=True, timeout=timeout)


def main() -> int:
    sys.path.insert(0, str(ROOT))
    import stance

    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "report.html"
        stance.report(sorted(SERIES.glob("*.txt")), page, title=TITLE, generated="seeds/documents/series")
        result = run_chromium(page, Path(tmp) / "profile", f"--screenshot={PNG}", "--window-size=1280,1600")
    if result.returncode != 0 or not PNG.exists():
        sys.stderr.write(result.stderr[-2000:])
        return 1
    print(f"wrote {PNG.relative_to(ROOT)} ({PNG.stat().st_size / 1e3:.0f} kB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
