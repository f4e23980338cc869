"""The report page: the sections around the documents (findings, timeline, label counts,
sharpest statements, what was read and by which model, pairs, legend and controls), filled into
the package's HTML template with its CSS and script inlined, so that the page is one offline file.
"""
from __future__ import annotations

from html import escape
from importlib.resources import files
from string import Template
from typing import Any, Sequence

from ..labels import LABELS
from .articles import LOW_CONFIDENCE, TAGS, documents_html
from .charts import period_axis, timeline_svg, y_range
from .content import Content, Point, actors_of
from .summary import findings, model_caveat, model_text, percent, scale

PALETTE = {"accusation": "#E69F00", "denial": "#CC79A7", "warning": "#D55E00",
           "conciliation": "#0072B2", "neutral": "#8C8C8C"}
"""Okabe-Ito colours, told apart with every common colour-vision deficiency."""

INK = {"accusation": "#000", "denial": "#000", "warning": "#000", "conciliation": "#fff",
       "neutral": "#000"}
"""Text colour on each label's colour (contrast at least 4.5:1)."""

MEANING = {"accusation": "blames, accuses, condemns or denounces another actor",
           "denial": "rejects an accusation or a claim about itself",
           "warning": "threatens, warns of consequences, sets an ultimatum or a red line",
           "conciliation": "proposes or welcomes talks, a deal, de-escalation; calls for calm",
           "neutral": "none of these: facts, background, figures, schedules"}
"""What each label means, as the legend says it."""

FOLDING_NOTE = 400
"""Bytes kept for the note that says how many documents were folded."""


def _asset(name: str) -> str:
    return (files(__package__) / "templates" / name).read_text(encoding="utf-8")


def label_css() -> str:
    """CSS variables and tags of the labels, generated from :data:`PALETTE` and the tags."""
    rules = [":root{" + "".join(f"--{k}:{v};--{k}-ink:{INK[k]};" for k, v in PALETTE.items()) + "}"]
    for label in LABELS:
        tag = "" if label == "neutral" else TAGS[label]  # neutral is the untagged, uncoloured text
        rules.append(f'.{label}{{--c:var(--{label});--ink:var(--{label}-ink)}}'
                     f'.s.{label}::before{{content:{f"{tag!r}" if tag else "none"}}}'
                     f'.s.{label}.lo::before{{content:"{tag}?"}}'
                     f"#doclist[data-only={label}] .s:not(.{label}){{background:none;box-shadow:none;color:#8a8a8a}}")
    return "".join(rules)


def chip(label: str, text: str | None = None) -> str:
    """A label's tag on its colour: what the page uses wherever it names a label."""
    return f'<span class="chip {label}">{escape(text or TAGS[label])}</span>'


# ------------------------------------------------------------------------------ sections
def _figures(content: Content) -> str:
    docs = [a for a in content.analyses if a.sentences]
    langs: dict[str, int] = {}
    for a in docs:
        lang = a.document.lang or "none"  # no letters, no language
        langs[lang] = langs.get(lang, 0) + 1
    dates = sorted(a.document.date for a in docs if a.document.date)
    undated = len(docs) - len(dates)
    span = "none dated" if not dates else dates[0] if dates[0] == dates[-1] else f"{dates[0]} – {dates[-1]}"
    cells = [("documents", f"{len(docs):,}"), ("sentences", f"{sum(len(a.sentences) for a in docs):,}"),
             ("languages", " · ".join(f"{k} {v}" for k, v in sorted(langs.items())) or "–"),
             ("dates", span + (f" ({undated} undated)" if undated and dates else "")),
             ("skipped", str(len(content.skipped)))]
    return '<dl class="figures">' + "".join(f"<div><dt>{k}</dt><dd>{escape(v)}</dd></div>"
                                            for k, v in cells) + "</dl>"


def _summary(said: Sequence[str]) -> str:
    if not said:
        return ""
    items = "".join(f"<li>{f}</li>" for f in said)
    return f'<section id="summary"><h2>What it says</h2><ul class="findings">{items}</ul></section>'


def _read(content: Content) -> str:
    if content.skipped:
        items = "".join(f'<li><span class="file">{escape(s.source)}</span>: {escape(s.reason)}</li>'
                        for s in content.skipped)
        skipped = f'<p>Left out of the documents below:</p><ul class="skipped">{items}</ul>'
    else:
        skipped = "<p>Every source was read.</p>"
    return (f'<section id="read"><h2>What was read, and by what</h2><p>{model_text(content.model)}</p>'
            f"{skipped}</section>")


def _labels(content: Content) -> str:
    counts = {label: sum(a.counts.get(label, 0) for a in content.analyses) for label in LABELS}
    n = sum(counts.values())
    rows = "".join(
        f"<tr><th scope=\"row\">{chip(label)} {label}</th><td class=\"num\">{counts[label]:,}</td>"
        f"<td class=\"num\">{percent(counts[label], n)}</td><td class=\"bar\"><span class=\"{label}\" "
        f'style="width:{100 * counts[label] / (n or 1):.1f}%"></span></td><td>{MEANING[label]}</td></tr>'
        for label in LABELS)
    return ('<section id="labels"><h2>Acts, sentence by sentence</h2><table class="labels">'
            '<thead><tr><th scope="col">label</th><th scope="col">sentences</th><th scope="col">share</th>'
            f'<th scope="col"><span class="sr">bar</span></th><th scope="col">an actor …</th></tr></thead>'
            f"<tbody>{rows}</tbody></table></section>")


def series_table(points: Sequence[Point]) -> str:
    """The timeline's numbers as ``stance series`` prints them, for reading and copying."""
    rows = "".join(f"<tr><th scope=\"row\">{escape(p.period)}</th><td>{p.tension:+.2f}</td><td>{p.low:+.2f}</td>"
                   f"<td>{p.high:+.2f}</td><td>{p.documents}</td><td>{p.duplicates}</td><td>{p.sentences}</td></tr>"
                   for p in points)
    return ('<table class="series"><thead><tr><th scope="col">period</th><th scope="col">tension</th>'
            '<th scope="col">95% low</th><th scope="col">95% high</th><th scope="col">docs</th>'
            f'<th scope="col">reprints</th><th scope="col">sentences</th></tr></thead><tbody>{rows}</tbody></table>')


def _timeline(content: Content) -> str:
    head = f'<section id="timeline"><h2>Tension over time, by {content.by}</h2>'
    if not content.series:
        return head + ("<p>No dated document, so no timeline: a document is dated by a first line "
                       "<code> date YYYY-MM headline</code>.</p></section>")
    axis = period_axis([p.period for p in content.series], content.by)
    chart = timeline_svg(content.series, axis, f"Mean document tension by {content.by}")
    return (head + f"<figure>{chart}<figcaption>Each dot is the mean tension of the {content.by}’s "
            "documents (a reprinted story counts once); the grey band is its 95 % bootstrap interval; "
            f"the bars below count the documents. Above zero is hostile, below conciliatory ({scale()}). "
            "Undated documents are not in it. The numbers "
            f"are those of <code>stance series --by {content.by}</code>:</figcaption></figure>"
            f"<details class=\"numbers\"><summary>The numbers</summary>{series_table(content.series)}"
            "</details></section>")


def _statement(index: int, analysis: Any, sentence: Any) -> str:
    doc = analysis.document
    return (f"<li>{chip(sentence.label)} <q>{escape(sentence.text)}</q> "
            f'<a href="#d{index}">{escape(doc.headline or doc.name)}</a>'
            f' <span class="meta">{escape(doc.date or "undated")} · tension {sentence.tension:+.2f}</span></li>')


def _statements(content: Content, top: int = 5) -> str:
    seen: set[str] = set()
    found = []
    for i, a in enumerate(content.analyses):
        for s in a.sentences:
            if s.text not in seen and s.confidence is not None and s.confidence >= LOW_CONFIDENCE:
                seen.add(s.text)
                found.append((s.tension, i, a, s))
    hostile = sorted((f for f in found if f[3].label in ("warning", "accusation", "denial")),
                     key=lambda f: (-f[0], f[1]))[:top]
    calm = sorted((f for f in found if f[3].label == "conciliation"), key=lambda f: (f[0], f[1]))[:top]
    if not hostile and not calm:
        return ""
    lists = "".join(f"<h3>{title}</h3><ol class=\"quotes\">{''.join(_statement(i, a, s) for _, i, a, s in chosen)}</ol>"
                    for title, chosen in (("Most hostile", hostile), ("Most conciliatory", calm)) if chosen)
    return ('<section id="statements"><h2>Sharpest statements</h2><p class="note">Sentences the model '
            f"is sure of (confidence {percent(LOW_CONFIDENCE, 1)} or more), strongest first.</p>{lists}</section>")


def _pairs(content: Content) -> str:
    head = '<section id="pairs"><h2>Who → whom</h2>'
    if not content.pairs:
        return head + f'<p class="note">{escape(content.pairs_note)}</p></section>'
    axis = period_axis([p.period for p in content.series], content.by)
    bounds = y_range([p for s in content.pairs for p in s.points])
    panels = "".join(
        f'<figure class="panel"><figcaption><b>{escape(s.name)}</b> <span>{s.sentences} sentences, '
        f"{s.documents} documents</span></figcaption>"
        f"{timeline_svg(s.points, axis, f'Tension of {s.name} by {content.by}', width=300, height=150, bounds=bounds, compact=True)}"
        "</figure>" for s in content.pairs)
    return head + f'<p class="note">{escape(content.pairs_note)}</p><div class="panels">{panels}</div></section>'


def _legend() -> str:
    items = "".join(f"<li>{chip(label)} {label}: {MEANING[label]}</li>" for label in LABELS[:4])
    return (f'<ul class="legend">{items}<li><span class="chip plain">no tag</span> neutral; '
            f'<span class="s accusation lo">a paler sentence</span> with “?”: the model is unsure</li></ul>')


def _controls(content: Content) -> str:
    actors = sorted({a for d in content.analyses for s in d.sentences for a in actors_of(s)})
    options = "".join(f'<option value="{escape(a)}">{escape(a)}</option>' for a in actors)
    actor = (f'<label>actor <select id="f-actor"><option value="">any</option>{options}</select></label>'
             if actors else "")
    labels = "".join(f'<option value="{label}">{label}</option>' for label in LABELS)
    return ('<form class="controls" id="controls" hidden role="search">'
            '<label>sort <select id="f-sort"><option value="order">as read</option>'
            '<option value="date-">newest first</option><option value="date+">oldest first</option>'
            '<option value="tension-">most hostile first</option><option value="tension+">most '
            f'conciliatory first</option></select></label><label>label <select id="f-label"><option value="">'
            f'any</option>{labels}</select></label>{actor}<label>find <input id="f-text" type="search" '
            'size="18"></label><output id="f-count" aria-live="polite"></output></form>')


def render(content: Content, model: Any, *, version: str, generated: str, max_bytes: int,
           top_words: int = 4) -> str:
    """The whole page as one string, within ``max_bytes`` (document texts fold beyond it)."""
    said = findings(content)
    sections = (_summary(said[1:]) + _timeline(content) + _labels(content) + _statements(content)
                + _read(content) + _pairs(content))
    fields = {"title": escape(content.title), "version": escape(version), "generated": escape(generated),
              "css": label_css() + _asset("report.css"), "js": _asset("report.js"),
              "lede": said[0], "figures": _figures(content), "caveat": model_caveat(content.model),
              "sections": sections, "legend": _legend(), "scale": scale(),
              "controls": _controls(content), "folded": ""}
    template = Template(_asset("page.html"))
    base = len(template.substitute(fields, documents="").encode())
    budget = max_bytes - base - FOLDING_NOTE
    docs, folded = documents_html(content.analyses, model, budget, max_bytes, top_words)
    if folded:
        fields["folded"] = (f'<p class="note">{folded} document(s) show their header only: the page '
                            f"keeps under {max_bytes / 1e6:.1f} MB. The documents that carry most "
                            "stance are given in full.</p>")
    return template.substitute(fields, documents=docs)
