"""The report in a real browser: headless Chromium opens the page from disk, runs its script
without a console message, shows a sentence's details on keyboard focus, sorts the documents
and filters them by label and by text, takes a screenshot of the top of the page (saved in the test's temp folder) and
prints it to PDF."""
from __future__ import annotations

import importlib.util
import struct
import tempfile
from pathlib import Path

import pytest

import stance

from .conftest import ROOT


def _screenshot_script():
    """docs/make_screenshot.py, whose Chromium runner (flags, fresh profile) the tests share."""
    spec = importlib.util.spec_from_file_location("make_screenshot", ROOT / "docs" / "make_screenshot.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


browser = _screenshot_script()
pytestmark = pytest.mark.skipif(browser.chromium() is None, reason="headless Chromium is not installed "
                                "(Debian: apt-get install chromium; .ci/run installs it when missing)")

SERIES = ROOT / "seeds" / "documents" / "series"

PROBE = """<script>
(function () {
  var root = document.documentElement, first = document.querySelector("#doclist .s");
  first.focus();  // a headless window may have no system focus, and then no focusin follows:
  first.dispatchEvent(new FocusEvent("focusin", {bubbles: true}));  // the keyboard's event, sent
  var tip = document.getElementById("tip");
  root.setAttribute("data-probe-tip", tip.hidden ? "hidden" : tip.textContent);
  root.setAttribute("data-probe-described", first.getAttribute("aria-describedby") || "");
  var set = function (id, value) {
    var field = document.getElementById(id);
    field.value = value;
    field.dispatchEvent(new Event("change", {bubbles: true}));
  };
  set("f-sort", "tension-");
  var order = Array.prototype.map.call(document.querySelectorAll("#doclist article"),
                                       function (a) { return a.getAttribute("data-tension"); });
  root.setAttribute("data-probe-sorted", order.join(" "));
  set("f-label", "warning");
  var shown = Array.prototype.filter.call(document.querySelectorAll("#doclist article"),
                                          function (a) { return !a.hidden; });
  root.setAttribute("data-probe-shown", String(shown.length));
  root.setAttribute("data-probe-count", document.getElementById("f-count").textContent);
  set("f-label", "");
  var find = document.getElementById("f-text");
  find.value = "ASEAN";
  find.dispatchEvent(new Event("input", {bubbles: true}));
  root.setAttribute("data-probe-found", document.getElementById("f-count").textContent);
}());
</script></body>"""


def run_chromium(tmp_path: Path, page: Path, *args: str):
    return browser.run_chromium(page, Path(tempfile.mkdtemp(prefix="chromium-", dir=tmp_path)), *args)


def console_messages(stderr: str) -> list[str]:
    """Every console message the page produced (the report's script writes none)."""
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


def dom_attributes(tmp_path: Path, page: Path) -> tuple[dict[str, str], list[str]]:
    """The attributes of the rendered page's <html> element after its scripts ran, and the
    console messages."""
    from html.parser import HTMLParser

    result = run_chromium(tmp_path, page, "--enable-logging=stderr", "--v=0", "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    found: dict[str, str] = {}

    class Root(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == "html" and not found:
                found.update({k: v or "" for k, v in attrs})

    Root().feed(result.stdout)
    return found, console_messages(result.stderr)


@pytest.fixture(scope="module")
def report_file(tmp_path_factory):
    analyses = [stance.analyze(stance.read_document(p)) for p in sorted(SERIES.glob("*.txt"))]
    path = tmp_path_factory.mktemp("report") / "report.html"
    stance.report(analyses, path, generated="test")
    return path, analyses


def test_console_messages_are_caught(tmp_path):
    """The check below can fail: a page whose script throws is reported."""
    broken = tmp_path / "broken.html"
    broken.write_text("<!DOCTYPE html><title>x</title><script>undefinedFunction();</script>", encoding="utf-8")
    _, messages = dom_attributes(tmp_path, broken)
    assert any("undefinedFunction" in m for m in messages)


def test_page_runs_without_console_errors_and_its_controls_work(report_file, tmp_path):
    path, analyses = report_file
    probed = tmp_path / "probed.html"
    probed.write_text(path.read_text(encoding="utf-8").replace("</body>", PROBE), encoding="utf-8")
    root, messages = dom_attributes(tmp_path, probed)
    assert messages == []
    assert root.get("data-ready") == "1"
    first = analyses[0].sentences[0]  # the first document's headline, a sentence in its header
    assert root["data-probe-tip"].startswith(first.label) and "tension" in root["data-probe-tip"]
    assert root["data-probe-described"] == "tip"
    assert [float(t) for t in root["data-probe-sorted"].split()] == sorted((a.tension for a in analyses), reverse=True)
    with_warning = sum(1 for a in analyses if a.counts["warning"])
    assert int(root["data-probe-shown"]) == with_warning
    assert root["data-probe-count"] == f"{with_warning} of {len(analyses)} documents"
    with_asean = sum(1 for a in analyses if "asean" in a.document.text.lower())
    assert 0 < with_asean < len(analyses)
    assert root["data-probe-found"] == f"{with_asean} of {len(analyses)} documents"


def test_without_its_script_the_page_hides_the_controls_and_keeps_the_text(report_file, tmp_path):
    """Progressive enhancement: with the report's script removed, the sort and filter controls
    (which need it) take no room, and every document and sentence is shown, coloured."""
    path, analyses = report_file
    html = path.read_text(encoding="utf-8")
    start, end = html.index("<script>"), html.index("</script>") + len("</script>")
    probe = """<script>
    var root = document.documentElement;
    root.setAttribute("data-probe-controls", getComputedStyle(document.getElementById("controls")).display);
    var shown = Array.prototype.filter.call(document.querySelectorAll("#doclist .s"),
                                            function (s) { return s.getClientRects().length > 0; });
    root.setAttribute("data-probe-sentences", String(shown.length));
    var warning = document.querySelector("#doclist .s.warning");
    root.setAttribute("data-probe-tag", getComputedStyle(warning, "::before").content);
    </script>"""
    bare = tmp_path / "bare.html"
    bare.write_text(html[:start] + html[end:].replace("</body>", probe + "</body>"), encoding="utf-8")
    root, messages = dom_attributes(tmp_path, bare)
    assert messages == []
    assert root["data-probe-controls"] == "none"
    assert int(root["data-probe-sentences"]) == sum(len(a.sentences) for a in analyses)
    assert root["data-probe-tag"] == '"WARN"'


def rendered_file(tmp_path: Path, page: Path, flag: str, name: str, *args: str) -> bytes:
    """The bytes of what Chromium writes for ``--flag=file`` (a screenshot, a PDF) of ``page``."""
    out = tmp_path / name
    result = run_chromium(tmp_path, page, f"--{flag}={out}", *args)
    assert result.returncode == 0, result.stderr[-2000:]
    return out.read_bytes()


def test_screenshot_of_the_top_of_the_page(report_file, tmp_path):
    data = rendered_file(tmp_path, report_file[0], "screenshot", "report.png", "--window-size=1280,1600")
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1280, 1600) and len(data) > 50_000  # a drawn page, not a blank one


def test_page_prints(report_file, tmp_path):
    data = rendered_file(tmp_path, report_file[0], "print-to-pdf", "report.pdf", "--no-pdf-header-footer")
    assert data[:5] == b"%PDF-" and data.count(b"/Type /Page") - data.count(b"/Type /Pages") >= 3
