"""What the report says in words: its findings, computed from the numbers the page shows, and
what the model card says of the model's accuracy, said plainly for a reader who is not a
statistician.
"""
from __future__ import annotations

from html import escape

from ..labels import LABELS, TENSION_WEIGHTS
from .articles import LOW_CONFIDENCE
from .content import Content, ModelSummary, Point


def scale() -> str:
    """The tension of each label in words: ``warning +6, accusation +2, …``, most hostile first."""
    weights = sorted(TENSION_WEIGHTS.items(), key=lambda kv: -kv[1])
    return ", ".join(f"{label} {w:+g}" if w else f"{label} 0" for label, w in weights)


def percent(part: float, whole: float) -> str:
    """``part`` as a whole percentage of ``whole``: ``"12 %"``."""
    return f"{round(100 * part / whole)} %" if whole else "0 %"


# ------------------------------------------------------------------------------ findings
def _change(first: Point, last: Point) -> str:
    direction = "rose" if last.tension > first.tension else "fell"
    overlap = first.low <= last.high and last.low <= first.high
    verdict = ("their 95 % intervals overlap, so the change may be chance" if overlap
               else "their 95 % intervals do not overlap")
    return (f"From {first.period} to {last.period} tension {direction} from {first.tension:+.2f} to "
            f"{last.tension:+.2f}; {verdict}.")


def findings(content: Content) -> list[str]:
    """The page's main findings, in plain sentences computed from the numbers below them."""
    docs = [a for a in content.analyses if a.sentences]
    if not docs:
        return ["No document with a sentence to read."]
    out = []
    series = [p for p in content.series if p.sentences]
    if len(series) >= 2:
        top = max(series, key=lambda p: p.tension)
        bottom = min(series, key=lambda p: p.tension)
        last = series[-1]
        latest = ("" if last in (top, bottom) else
                  f"; in the latest, {last.period}, it stands at {last.tension:+.2f}")
        out.append(f"Tension peaked in {top.period} ({top.tension:+.2f}) and was lowest in "
                   f"{bottom.period} ({bottom.tension:+.2f}){latest}.")
        out.append(_change(series[0], series[-1]))
    counts = {label: sum(a.counts.get(label, 0) for a in docs) for label in LABELS}
    n = sum(counts.values())
    commonest = max(LABELS[:4], key=lambda label: counts[label])
    if counts[commonest]:
        out.append(f"The commonest act is {commonest} ({percent(counts[commonest], n)} of sentences); "
                   f"{percent(n - counts['neutral'], n)} of sentences carry a stance.")
    hot = max(docs, key=lambda a: a.tension)
    if hot.tension > 0:
        out.append(f"Most hostile document: “{escape(hot.document.headline or hot.document.name)}” "
                   f"({escape(hot.document.date or 'undated')}, tension {hot.tension:+.2f}).")
    else:
        out.append("No document is hostile on balance: every document's tension is zero or below.")
    dups = sum(p.duplicates for p in content.series)
    if dups:
        out.append(f"{dups} reprint{'s' * (dups != 1)} of a story already counted "
                   f"{'were' if dups != 1 else 'was'} counted once in the timeline.")
    return out


def model_caveat(model: ModelSummary) -> str:
    """One line under the headline figures: how far to trust a label, from the model card."""
    real = model.measured("real news")
    if real is None:
        return (f"Labels by the {escape(model.source)}, whose card gives no accuracy on real news: "
                "check each label against its sentence.")
    right = f"right on {percent(real.accuracy, 1)} of" if real.accuracy is not None else "tested on"
    return (f"Labels by the {escape(model.source)}, {right} {real.n} real news sentences "
            f"(macro-F1 {real.macro_f1:.2f}): a label points to a sentence worth reading, "
            "not to a finding.")


def model_text(model: ModelSummary) -> str:
    """What labelled the sentences and how often it is right, said plainly from its card."""
    trained = f", trained on {model.trained_sentences:,} sentences" if model.trained_sentences else ""
    text = f"Sentences were labelled by the {escape(model.source)}{trained} (data {escape(model.data_sha256)})."
    real = model.measured("real news")
    if real is None:
        return text + (" Its card gives no accuracy on real news: check every label you use "
                       "against the sentence.")
    langs = ", ".join(f"{'French' if k == 'fr' else 'English' if k == 'en' else k} {v:.2f}"
                      for k, v in real.by_lang.items())
    right = f"gets {percent(real.accuracy, 1)} of them right, " if real.accuracy is not None else ""
    text += (f" On {real.n} real news sentences its card says it {right}macro-F1 "
             f"{real.macro_f1:.2f}{f' ({langs})' if langs else ''}, where 1 would be perfect.")
    held = model.measured("held-out conflicts")
    if held is not None:
        text += f" On conflicts it never saw: macro-F1 {held.macro_f1:.2f}."
    return text + (" Paler sentences with a “?” are those the model is unsure of "
                   f"(confidence under {percent(LOW_CONFIDENCE, 1)}).")
