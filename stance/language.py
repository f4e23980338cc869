"""Which language a text is in, and whether the model can read it.

The model reads French and English (:data:`READ`). Language is identified by py3langid
(a numpy-only naive Bayes identifier over byte n-grams, offline, loaded once per process on
first use) on the first :data:`SAMPLE` characters of a text; the answer is py3langid's code:
ISO 639-1 where the language has one (``de``, ``ru``), else ISO 639-3 (``pcm``). Two rules
keep French and English copy from being taken for a neighbour on little evidence: a text in
Latin script is given another language only when py3langid is at least
:data:`MIN_PROBABILITY` sure of it (otherwise the likelier of French and English), and a text
whose letters are mostly in another script is never French or English.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .lazy import once

if TYPE_CHECKING:  # pragma: no cover
    from py3langid.langid import LanguageIdentifier

READ = ("fr", "en")
"""The languages the model is trained for; text in any other is left unread."""
SAMPLE = 400
"""Characters of a text that identification reads (a document: its headline and first
lines). Its cost is linear in them (about 1 µs each); on the 906 story documents of the corpus
400 make no error, 200 make five (English stories about Nigeria taken for Nigerian Pidgin)."""
MIN_PROBABILITY = 0.5
"""How sure py3langid must be of a language other than French and English, for Latin script."""

_LETTER = re.compile(r"[^\W\d_]")
_NON_LATIN = re.compile(r"[^\W\d_A-Za-z\u00aa\u00b5\u00ba\u00c0-\u024f\u1e00-\u1eff]")


@once
def _load() -> "LanguageIdentifier":
    """py3langid's identifier with normalised probabilities, loaded once per process."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def mostly_other_script(text: str) -> bool:
    """Whether most letters of ``text`` are in a script other than Latin (Cyrillic, Arabic,
    CJK ...): such a text is in neither French nor English, whatever else it is."""
    letters = len(_LETTER.findall(text))
    return letters > 0 and 2 * len(_NON_LATIN.findall(text)) > letters


def has_other_script(text: str) -> bool:
    """Whether ``text`` holds any letter outside the Latin script (one scan, no counting)."""
    return _NON_LATIN.search(text) is not None


def identify(text: str) -> str | None:
    """The language of ``text`` (its first :data:`SAMPLE` characters), or None when it holds
    no letter (nothing to identify)."""
    sample = text[:SAMPLE]
    if not _LETTER.search(sample):
        return None
    identifier = _load()
    best, p = identifier.classify(sample)
    if best in READ or p >= MIN_PROBABILITY or mostly_other_script(sample):
        return best
    return next(lang for lang, _ in identifier.rank(sample) if lang in READ)


def is_read(lang: str | None) -> bool:
    """Whether the model reads text in ``lang`` (None, a text without letters, is read:
    there is nothing to misread, and the model calls it neutral)."""
    return lang is None or lang in READ
