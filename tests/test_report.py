"""The HTML report, parsed with the standard library's HTML parser (never string-matched): every
sentence once with its label, the timeline's points equal to ``tension_series``, nothing fetched
from outside the file, a well-formed page for every kind of input, the size limit, the CLI."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import types
from collections import Counter
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import stance
from stance import LABELS
from stance.cli import main
from stance.reporting import build_report
from stance.reporting.articles import TAGS
from stance.dyads import top_dyads
from stance.reporting.content import actor_text, describe_model
from stance.reporting.summary import model_text

from .conftest import ROOT, SEED_DOC

SERIES = ROOT / "seeds" / "documents" / "series"
STORIES = ROOT / "seeds" / "documents" / "stories"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
URL_ATTRS = {"src", "href", "action", "formaction", "poster", "data", "xlink:href", "srcset"}


class Page(HTMLParser):
    """What a test needs of a report page: its structure problems, URLs, ids, the sentences of
    the documents section with their labels, the articles, the timeline's points, and the text
    of a few elements (skipped sources, pair panels' captions, points' titles, the CSS)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, set[str]]] = []
        self.problems: list[str] = []
        self.urls: list[tuple[str, str, str]] = []
        self.ids: Counter = Counter()
        self.tags: Counter = Counter()
        self.articles: list[dict] = []
        self.sentences: list[dict] = []  # doc id, label classes, attributes, text
        self.points: list[dict] = []       # the main timeline's
        self.pair_points: list[dict] = []  # the pair panels'
        self.texts: dict[str, list[str]] = {}
        self._doc: str | None = None
        self._open_captures: list[tuple[str, int, list[str], dict]] = []
        self.feed(html)
        self.close()
        if self.stack:
            self.problems.append(f"unclosed at end: {[t for t, _ in self.stack]}")

    def _capture_key(self, tag: str, classes: set[str]) -> str | None:
        parent = self.stack[-1] if self.stack else ("", set())
        if tag == "span" and "s" in classes and self._doc is not None:
            return "sentence"
        if tag == "li" and "skipped" in parent[1]:
            return "skipped"
        if tag == "figcaption" and "panel" in parent[1]:
            return "panel"
        if tag == "title" and parent[0] == "circle":
            in_panel = any(t == "svg" and "small" in c for t, c in self.stack)
            return "pair point" if in_panel else "point"
        return "style" if tag == "style" else None

    def _open(self, tag: str, attrs: dict, void: bool) -> None:
        self.tags[tag] += 1
        for name, value in attrs.items():
            if name in URL_ATTRS:
                self.urls.append((tag, name, value or ""))
        if "id" in attrs:
            self.ids[attrs["id"]] += 1
        classes = set((attrs.get("class") or "").split())
        if tag == "article" and "doc" in classes:
            self.articles.append(attrs)
            self._doc = attrs["id"]
        if tag == "circle" and "pt" in classes:
            in_panel = any(t == "svg" and "small" in c for t, c in self.stack)
            (self.pair_points if in_panel else self.points).append(attrs)
        key = self._capture_key(tag, classes)
        if not void:
            if key:
                self._open_captures.append((key, len(self.stack), [], attrs))
            self.stack.append((tag, classes))

    def handle_starttag(self, tag, attrs):
        self._open(tag, dict(attrs), tag in VOID)

    def handle_startendtag(self, tag, attrs):
        self._open(tag, dict(attrs), True)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        names = [t for t, _ in self.stack]
        if not names or names[-1] != tag:
            self.problems.append(f"</{tag}> closes {names[-1:] or 'nothing'}")
            if tag not in names:
                return
            del self.stack[len(names) - 1 - names[::-1].index(tag):]
        else:
            self.stack.pop()
        while self._open_captures and self._open_captures[-1][1] >= len(self.stack):
            key, _, parts, attrs = self._open_captures.pop()
            text = "".join(parts)
            if key == "sentence":
                labels = [c for c in attrs["class"].split() if c in LABELS or c == "unread"]
                self.sentences.append({"doc": self._doc, "labels": labels, "attrs": attrs, "text": text})
            self.texts.setdefault(key, []).append(text)
        if tag == "article":
            self._doc = None

    def handle_data(self, data):
        for _, _, parts, _ in self._open_captures:
            parts.append(data)


def check_page(page: Page) -> None:
    """A well-formed, self-contained page: balanced tags, unique ids, links to anchors that
    exist, one inline script, nothing fetched from outside the file."""
    assert page.problems == []
    assert [i for i, n in page.ids.items() if n > 1] == []
    for tag, name, value in page.urls:
        assert value.startswith("#"), f"<{tag} {name}={value!r}> points outside the page"
        assert value[1:] in page.ids, f"<{tag} {name}={value!r}> points to no element"
    assert page.tags["script"] == 1 and page.tags["link"] == 0 and page.tags["img"] == 0
    for css in page.texts.get("style", []):
        assert "url(" not in css and "@import" not in css


def sentences_of(analyses) -> list[tuple[str, str]]:
    """What the page shows: every sentence of the documents the model reads something of, an
    unread sentence (another language) marked ``unread``."""
    return [(s.text, s.label or "unread") for a in analyses if a.tension is not None
            for s in a.sentences]


@pytest.fixture(scope="module")
def series_analyses():
    return [stance.analyze(stance.read_document(p)) for p in sorted(SERIES.glob("*.txt"))]


@pytest.fixture(scope="module")
def series_page(series_analyses):
    return Page(build_report(series_analyses, generated="test"))


def test_every_sentence_once_with_its_label(series_analyses, series_page):
    check_page(series_page)
    found = [(s["text"], s["labels"]) for s in series_page.sentences]
    assert found == [(text, [label]) for text, label in sentences_of(series_analyses)]
    assert len(series_page.articles) == len(series_analyses)


def test_sentences_carry_their_details_and_are_focusable(series_analyses, series_page):
    records = [s for a in series_analyses for s in a.sentences]
    for record, sentence in zip(records, series_page.sentences, strict=True):
        attrs = sentence["attrs"]
        assert attrs["tabindex"] == "0"
        lines = attrs["data-tip"].split("\n")
        shown = dict(part.rsplit(" ", 1) for part in lines[0].split(" · "))
        assert list(shown)[0] == record.label  # likeliest first
        for label, pct in shown.items():
            assert int(pct.rstrip("%")) == round(100 * record.probabilities[label])
        assert lines[1] == f"tension {record.tension:+.2f}"
        assert ("lo" in attrs["class"].split()) == (record.confidence < 0.6)
    with_words = [s for s in series_page.sentences if "\nwords: " in s["attrs"]["data-tip"]]
    assert len(with_words) > len(records) / 2


def test_articles_sort_and_filter_keys(series_analyses, series_page):
    for a, art in zip(series_analyses, series_page.articles, strict=True):
        assert art["data-date"] == a.document.date
        assert float(art["data-tension"]) == a.tension
        assert art["data-labels"].split() == [lab for lab in LABELS if a.counts[lab]]


@pytest.mark.parametrize("by", ["month", "quarter"])
def test_timeline_points_equal_tension_series(series_analyses, by):
    page = Page(build_report(series_analyses, by=by, generated="test"))
    expected = stance.tension_series(series_analyses, by=by)
    got = [(p["data-period"], float(p["data-tension"]), float(p["data-low"]), float(p["data-high"]),
            int(p["data-documents"]), int(p["data-duplicates"]), int(p["data-sentences"]))
           for p in page.points]
    assert got == [(p.period, p.tension, p.low, p.high, p.documents, p.duplicates, p.sentences)
                   for p in expected]
    assert all(t.startswith(p.period + ": tension ") for t, p in zip(page.texts["point"], expected, strict=True))


def test_labels_read_without_colour(series_page):
    """Each act has a text tag beside its colour (neutral, the plain text, has none); an unsure
    sentence's tag ends with a question mark."""
    css = "".join(series_page.texts["style"])
    for label, tag in TAGS.items():
        if label == "neutral":
            assert re.search(r"\.s\.neutral::before\{content:none\}", css)
        else:
            assert re.search(rf"\.s\.{label}::before\{{content:'{tag}'\}}", css)
        assert re.search(rf'\.s\.{label}\.lo::before\{{content:"{tag if label != "neutral" else ""}\?"\}}', css)


def test_reprints_are_merged_in_the_timeline(series_page):
    april = next(p for p in series_page.points if p["data-period"] == "2025-04")
    assert april["data-duplicates"] == "1" and april["data-documents"] == "2"


@pytest.mark.parametrize("case", ["one", "undated", "english", "empty", "binary"])
def test_valid_page_for_each_kind_of_input(case, tmp_path):
    dated_en = " date 2024-03 Talks stall\n\nKyiv accused Moscow of shelling the port. Moscow denied it."
    items = {"one": [SEED_DOC],
             "undated": ["Le ministre a menacé de riposter. Les pourparlers reprendront lundi."],
             "english": [dated_en],
             "empty": [tmp_path / "empty.txt"],
             "binary": [tmp_path / "bin.txt", SEED_DOC]}[case]
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01binary")
    analyses = [stance.analyze(i if isinstance(i, str) else stance.read_document(i))
                for i in items if not str(i).endswith("bin.txt")]
    page = Page(build_report(items, generated="test"))
    check_page(page)
    assert [(s["text"], s["labels"][0]) for s in page.sentences] == sentences_of(analyses)
    dated = [a for a in analyses if a.document.date and a.sentences]
    assert len(page.points) == len({a.document.date for a in dated})
    skipped = page.texts.get("skipped", [])
    if case == "empty":
        assert len(skipped) == 1 and "empty.txt" in skipped[0] and "no sentence" in skipped[0]
        assert page.articles == []
    elif case == "binary":
        assert len(skipped) == 1 and "bin.txt" in skipped[0] and "binary" in skipped[0]
    else:
        assert skipped == []
    assert len(page.articles) == len([a for a in analyses if a.sentences])


doc_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=160)
tricky = st.sampled_from(["<script>alert(1)</script>", '" onmouseover="x()', "&amp; &lt;", "$title ${css}",
                          "]]> <!--", "Moscou dément toute implication.", "\n\n", "« menace » !"])
documents = st.lists(st.tuples(st.one_of(st.none(), st.integers(1, 12)),
                               st.lists(st.one_of(doc_text, tricky), max_size=4)), min_size=1, max_size=3)


@settings(max_examples=40, deadline=None)
@given(documents)
def test_any_text_gives_a_well_formed_page_with_every_sentence(docs):
    items = [((f" date 2024-{m:02d} " if m else "") + " ".join(parts)).encode("utf-8") for m, parts in docs]
    readable = [i for i in items if b"\x00" not in i[:8192]]  # NUL: read as binary, skipped
    analyses = [stance.analyze(stance.parse_document(i)) for i in readable]
    page = Page(build_report(items, generated="test"))
    check_page(page)
    assert [(s["text"], s["labels"][0]) for s in page.sentences] == sentences_of(analyses)
    unread = len(items) - len(readable) + sum(1 for a in analyses if a.tension is None)
    assert len(page.texts.get("skipped", [])) == unread


def test_actors_appear_in_details_filter_and_pairs(series_analyses):
    page = Page(build_report(series_analyses, generated="test"))
    check_page(page)
    tips = [s["attrs"]["data-tip"] for s in page.sentences]
    named = [s for a in series_analyses for s in a.sentences if actor_text(s)]
    assert named and sum("\nwho: " in t for t in tips) == len(named)
    assert any(f"\nwho: {actor_text(s)}" in t for s in named[:1] for t in tips)
    assert page.ids["f-actor"] == 1
    rows = stance.tension_series(series_analyses, dyads=True)
    shown = {caption.split(" ")[0] + "-" + caption.split(" ")[2] for caption in page.texts["panel"]}
    top = [d for d, _ in top_dyads(rows, len(shown))]
    assert shown == set(top)
    assert len(page.pair_points) == sum(1 for r in rows if r.dyad in shown)


def test_pairs_come_from_the_series_api_when_it_offers_dyads(series_analyses, monkeypatch):
    real = stance.tension_series

    def series_with_dyads(documents, by="month", dyads=False, **kw):
        if not dyads:
            return real(documents, by=by, **kw)
        return [{"period": "2025-02", "dyad": "KHM-LAO", "tension": 1.25, "low": 0.5, "high": 2.0,
                 "documents": 1, "sentences": 3}]

    monkeypatch.setattr(stance, "tension_series", series_with_dyads)
    page = Page(build_report(series_analyses, generated="test"))
    assert [(p["data-period"], float(p["data-tension"])) for p in page.pair_points] == [("2025-02", 1.25)]


def test_no_actors_no_pairs_but_a_note():
    page = Page(build_report([stance.analyze(stance.read_document(p), actors=False)
                              for p in sorted(SERIES.glob("*.txt"))],
                             generated="test"))
    assert "f-actor" not in page.ids and not page.pair_points
    assert len(page.points) == 7


def test_page_folds_texts_beyond_its_size_limit():
    analyses = [stance.analyze(stance.read_document(p)) for p in sorted(STORIES.glob("*.txt"))[:24]]
    full = build_report(analyses, generated="test", max_bytes=10_000_000)
    assert len(Page(full).sentences) == sum(len(a.sentences) for a in analyses)
    limit = int(len(full.encode()) * 0.6)
    html = build_report(analyses, generated="test", max_bytes=limit)
    page = Page(html)
    check_page(page)
    assert len(html.encode()) <= limit
    shown = Counter(s["doc"] for s in page.sentences)
    whole = [f"d{i}" for i, a in enumerate(analyses) if shown[f"d{i}"] == len(a.sentences)]
    folded = [f"d{i}" for i, a in enumerate(analyses) if f"d{i}" not in whole]
    assert whole and folded and len(page.articles) == len(analyses)
    assert all(shown[d] <= 1 for d in folded)  # a folded document keeps its headline only
    most = max(range(len(analyses)), key=lambda i: (analyses[i].intensity, abs(analyses[i].tension)))
    assert f"d{most}" in whole


def test_model_accuracy_stated_from_the_card():
    text = model_text(describe_model(stance.default_model(), "shipped model"))
    card = stance.default_model().card["metrics"]["realdev"]["all"]
    assert f"On {card['n']} real news sentences" in text and f"macro-F1 {card['macro_f1']:.2f}" in text
    bare = model_text(describe_model(types.SimpleNamespace(card={"note": "mine"}), "model mine.npz"))
    assert "gives no accuracy on real news" in bare


def test_cli_writes_the_page_and_lists_skipped_files(tmp_path, capsys):
    (tmp_path / "docs").mkdir()
    for p in sorted(SERIES.glob("2025-0[12]*.txt")):
        (tmp_path / "docs" / p.name).write_bytes(p.read_bytes())
    (tmp_path / "docs" / "latin1.txt").write_bytes("Le ministre a d\xe9menti.".encode("latin-1"))
    out = tmp_path / "r.html"
    assert main(["report", str(tmp_path / "docs"), "-o", str(out), "--by", "quarter"]) == 0
    assert "report written to" in capsys.readouterr().err
    html = out.read_text(encoding="utf-8")
    page = Page(html)
    check_page(page)
    assert [p["data-period"] for p in page.points] == ["2025-Q1"]
    assert "latin1.txt" in html and "not UTF-8" in html
    assert not [p for p in tmp_path.iterdir() if p.suffix == ".tmp"]


def test_cli_bad_output_or_period_is_one_line_error(tmp_path, capsys):
    assert main(["report", str(SEED_DOC), "-o", str(tmp_path / "no" / "r.html")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("stance: error:") and "no such folder" in err and len(err.splitlines()) == 1
    assert main(["report", str(SEED_DOC), "-o", str(tmp_path / "r.html"), "--by", "day"]) == 1
    assert "has no day" in capsys.readouterr().err and not (tmp_path / "r.html").exists()


def test_cli_help_and_stdin(tmp_path, capsys):
    with pytest.raises(SystemExit) as done:
        main(["report", "--help"])
    assert done.value.code == 0 and "usage: stance report" in capsys.readouterr().out
    out = tmp_path / "stdin.html"
    result = subprocess.run([sys.executable, "-m", "stance", "report", "-", "-o", str(out)],
                            input=SEED_DOC.read_bytes(), capture_output=True, timeout=300)
    assert result.returncode == 0, result.stderr
    page = Page(out.read_text(encoding="utf-8"))
    assert [(s["text"], s["labels"][0]) for s in page.sentences] == sentences_of([stance.analyze(stance.read_document(SEED_DOC))])


def test_write_is_atomic(tmp_path, monkeypatch):
    out = tmp_path / "r.html"
    out.write_text("previous page", encoding="utf-8")

    def fail(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        stance.report([SEED_DOC], out)
    assert out.read_text(encoding="utf-8") == "previous page"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html"]


def test_report_is_the_public_function_even_after_importing_its_package():
    import stance.reporting  # noqa: F401  (the subpackage's name differs from the function's)
    assert callable(stance.report) and stance.report is stance.reporting.report


def test_other_languages_are_said_not_shown_as_stances():
    russian = " date 2024-03 Заявление\n\nМосква обвинила Киев в обстреле станции. Киев отверг обвинения."
    mixed = (" date 2024-03 Moscou accuse Kiev de bombarder la centrale nucléaire\n\n"
             "Le ministère russe de la Défense a accusé mardi l'armée ukrainienne de bombarder la "
             "centrale nucléaire, ce que Kiev a aussitôt démenti en dénonçant une provocation. "
             "Les inspecteurs de l'agence internationale doivent se rendre sur le site la semaine "
             "prochaine, selon un communiqué publié dans la soirée par les autorités locales. "
             "« Мы ответим на любую провокацию немедленно и жёстко. » Kiev a démenti.")
    page = Page(build_report([russian, mixed], generated="test"))
    check_page(page)
    assert any("does not read" in t for t in page.texts.get("skipped", []))
    unread = [s for s in page.sentences if s["labels"][0] == "unread"]
    assert unread and all(s["attrs"]["data-tip"].startswith("not read: written in") for s in unread)
    assert all(s["labels"][0] in set(LABELS) | {"unread"} for s in page.sentences)
