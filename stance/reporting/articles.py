"""The documents section of a report: each document's header (headline, date, language,
tension, label counts), then its text with every sentence marked by its label and confidence
and, on hover or focus, its probabilities, the words that decided it and its actors.

A page has a byte budget: documents are given in full, those carrying most stance first, while
the budget lasts; the others keep their header and fold their text (the page says so).
"""
from __future__ import annotations

import re
from html import escape
from typing import Any, Sequence

from ..labels import LABELS
from .content import actor_text, actors_of

LOW_CONFIDENCE = 0.6
"""Below this confidence a sentence is drawn paler and its tag gets a question mark."""

_PARAGRAPH = re.compile(r"\n[ \t]*\n")

TAGS = {"accusation": "ACC", "denial": "DENY", "warning": "WARN", "conciliation": "CONC",
        "neutral": "NEUT"}
"""The text tag printed beside each label's colour, so that labels read without colour."""


def text(value: str) -> str:
    """``value`` escaped for an element's content (quotes are safe there and stay readable)."""
    return escape(value, quote=False)


def attr(value: str) -> str:
    """``value`` escaped for a double-quoted attribute."""
    return escape(value, quote=False).replace('"', "&quot;")


def deciding_words(model: Any, sentence: Any, top: int) -> str:
    """The word n-grams that pushed the sentence's label hardest (``model.explain``), with their
    contribution to its logit: ``a menacé +0.41, ultimatum +0.32``. Character pieces of words
    and one-letter elisions (``d``, ``l``) are left out: a reader cannot check them."""
    if top <= 0 or sentence.label is None:
        return ""
    grams = model.explain(sentence.text, top=4 * top, label=sentence.label)
    words = [(g, w) for g, w in grams if not g.startswith("#") and len(g) > 1 and w > 0][:top]
    return ", ".join(f"{g} {w:+.2f}" for g, w in words)


def tip_text(sentence: Any, words: str) -> str:
    """What hovering or focusing a sentence shows, one fact a line: probabilities (1 % or more,
    likeliest first: the first is the confidence), tension, the deciding words, the actors;
    for a sentence the model left unread, its language."""
    if sentence.label is None:
        return f"not read: written in {getattr(sentence, 'lang', None) or 'another language'}"
    probs = sorted(sentence.probabilities.items(), key=lambda kv: -kv[1])
    lines = [" · ".join(f"{label} {round(100 * p)}%" for label, p in probs if p >= 0.005),
             f"tension {sentence.tension:+.2f}"]
    if words:
        lines.append(f"words: {words}")
    who = actor_text(sentence)
    if who:
        lines.append(f"who: {who}")
    return "\n".join(lines)


def sentence_html(sentence: Any, words: str) -> str:
    """A sentence as a focusable span whose classes give its label (and ``lo`` when unsure);
    ``unread`` for one in a language the model does not read."""
    if sentence.label is None:
        return (f'<span class="s unread" lang="{attr(getattr(sentence, "lang", None) or "")}" '
                f'tabindex="0" data-tip="{attr(tip_text(sentence, words))}">{text(sentence.text)}</span>')
    low = " lo" if sentence.confidence < LOW_CONFIDENCE else ""
    return (f'<span class="s {sentence.label}{low}" tabindex="0" '
            f'data-tip="{attr(tip_text(sentence, words))}">{text(sentence.text)}</span>')


def _headline_index(analysis: Any) -> int | None:
    """The index of the sentence that is the header line's headline, if there is one."""
    doc, sentences = analysis.document, analysis.sentences
    first_line = doc.text.find("\n")
    if doc.headline and sentences and (first_line < 0 or sentences[0].start < first_line):
        return 0
    return None


def _gap_html(gap: str) -> str:
    """The text between two sentences: a paragraph break, a space, or what stands there."""
    if _PARAGRAPH.search(gap):
        return "</p><p>"
    words = " ".join(gap.split())
    return "" if not gap else f" {text(words)} " if words else " "


def body_html(analysis: Any, model: Any, top_words: int) -> str:
    """The document's text below its headline, paragraphs kept, every sentence marked."""
    whole = analysis.document.text
    skip = _headline_index(analysis)
    out, pos = ["<p>"], None
    for i, s in enumerate(analysis.sentences):
        if i == skip:
            continue
        if pos is not None:
            gap = whole[pos:s.start]
            out.append(_gap_html(gap))
        out.append(sentence_html(s, deciding_words(model, s, top_words)))
        pos = s.end
    out.append("</p>")
    lang = text(analysis.document.lang or "")
    return f'<div class="text" lang="{lang}">' + "".join(out).replace("<p></p>", "") + "</div>"


def _mix(counts: dict[str, int]) -> str:
    n = sum(counts.values()) or 1
    bars = "".join(f'<i class="{label}" style="width:{100 * counts[label] / n:.1f}%"></i>'
                   for label in LABELS if counts.get(label))
    words = ", ".join(f"{counts[label]} {label}" for label in LABELS if counts.get(label))
    return f'<span class="mix" aria-hidden="true">{bars}</span><span class="counts">{words}</span>'


def header_html(index: int, analysis: Any, model: Any, top_words: int) -> str:
    """The opening of a document's article: headline (a marked sentence when the document has
    one), date, language, file, tension and label mix; ``data-`` attributes for sorting and
    filtering. ``top_words`` 0 leaves the deciding words out of the headline's details."""
    doc = analysis.document
    head = _headline_index(analysis)
    if head is None:
        title = text(doc.name)
    else:
        s = analysis.sentences[head]
        title = sentence_html(s, deciding_words(model, s, top_words))
    labels = " ".join(label for label in LABELS if analysis.counts.get(label))
    actors = "|".join(sorted({a for s in analysis.sentences for a in actors_of(s)}))
    n = len(analysis.sentences)
    return (f'<article class="doc" id="d{index}" data-order="{index}" data-date="{attr(doc.date or "")}" '
            f'data-tension="{analysis.tension!r}" data-labels="{labels}" data-actors="{attr(actors)}">'
            f'<header><h3 lang="{attr(doc.lang or "")}">{title}</h3>'
            f'<p class="meta">{text(doc.date or "undated")} · {text(doc.lang or "no language")} · '
            f'<span class="file">{text(doc.path or doc.name)}</span> · {n} sentence{"s" * (n != 1)}'
            f' · intensity {analysis.intensity:.2f}</p>'
            f'<p class="figs"><span class="tension">tension <b>{analysis.tension:+.2f}</b></span>'
            f"{_mix(dict(analysis.counts))}</p></header>")


def folded_html(analysis: Any, max_bytes: int) -> str:
    """What stands for a document's text left out of a page that reached its size limit."""
    where = analysis.document.path or analysis.document.name
    return (f'<p class="folded">Text left out to keep this page under {max_bytes / 1e6:.1f} MB: '
            f"<code>stance analyze {text(where)}</code> lists its sentences.</p></article>")


def documents_html(analyses: Sequence[Any], model: Any, budget: int, max_bytes: int,
                   top_words: int = 4) -> tuple[str, int]:
    """Every document with sentences as an article, in input order, and how many were folded.
    Texts are given in full while ``budget`` bytes last, most stance-laden documents first
    (intensity, then the size of the tension); a folded document's headline shows no deciding
    words (they cost a model explanation each)."""
    readable = [(i, a) for i, a in enumerate(analyses) if a.sentences]
    folded = {i: header_html(i, a, model, 0) + folded_html(a, max_bytes) for i, a in readable}
    remaining = budget - sum(len(html.encode()) for html in folded.values())
    whole: dict[int, str] = {}
    for i, a in sorted(readable, key=lambda ia: (-ia[1].intensity, -abs(ia[1].tension), ia[0])):
        if len(a.document.text.encode()) + 90 * len(a.sentences) - len(folded[i].encode()) > remaining:
            continue  # cannot fit: not worth explaining its sentences
        html = header_html(i, a, model, top_words) + body_html(a, model, top_words) + "</article>"
        cost = len(html.encode()) - len(folded[i].encode())
        if cost <= remaining:
            whole[i] = html
            remaining -= cost
    return "".join(whole.get(i, folded[i]) for i, _ in readable), len(readable) - len(whole)
