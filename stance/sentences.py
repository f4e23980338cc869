"""Sentence splitting for French and English wire copy, keeping each sentence's offsets.

A rule-based splitter written for news: it does not split after titles ("M. Lavrov", "Mme",
"gén.", "Dr.", "Lt. Gen."), initials ("George W. Bush", "J.-Y. Le Drian"), numbers ("13.000",
"art. 5", "7 déc.") or inside URLs, and it splits after a closing « » or quote when a new
sentence follows, unless what follows names the quotation's speaker ("…?" Alvarez said.).
Abbreviations come from the rules table of the text's language (:mod:`stance.abbreviations`),
so that "He told me. The minister then left." splits where the French title "Me" would not.
Ambiguous endings ("U.S.", "then-U.S.", "etc.", "Inc.") split only before a word that typically
starts a sentence. A line break ends a sentence unless the next line continues in lower case;
a blank line always does. Every sentence is a slice ``text[start:end]``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .abbreviations import Rules, rules_for


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence and its position: ``document_text[start:end] == text``; ``lang`` is its
    language when known (a document's sentences carry it, see :mod:`stance.language`)."""

    text: str
    start: int
    end: int
    lang: str | None = None


# capitalised words that continue a noun phrase after "U.S.", "p.m.", "Inc." ...: no split
_CONTINUES = {
    "president", "army", "navy", "air", "secretary", "senate", "house", "congress", "department",
    "state", "ambassador", "embassy", "envoy", "treasury", "forces", "force", "marines", "central",
    "special", "national", "defense", "defence", "vice", "senator", "representative", "security",
    "council", "general", "assembly", "mission", "officials", "military", "government", "troops",
    "intelligence", "command", "court", "attorney", "navy", "coast", "guard", "trade", "commerce",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "local", "time",
    "gmt", "utc", "et", "est", "edt", "pst", "cet", "eastern", "pacific", "january", "february",
    "march", "april", "may", "june", "july", "august", "september", "october", "november",
    "december", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "heure",
    "secrétaire", "président", "armée", "conseil", "ambassade", "ambassadeur", "sénat",
    # institutions after "U.S." / "U.N.": "U.S. Space Command", "the U.N. Convention on ..."
    "space", "justice", "customs", "geological", "convention", "committee", "commission",
    "charter", "agency", "administration", "office", "bureau", "federal", "embassies",
    "consulate", "peacekeepers", "peacekeeping", "humanitarian", "human", "high", "envoys",
    "deputy", "assistant", "undersecretary", "permanent", "representatives", "interests",
    "officials", "diplomats", "lawmakers", "sanctions", "allies", "bases", "base", "energy",
    "export", "intelligence", "cyber", "northern", "southern", "european", "indo-pacific",
    "immigration", "east", "west", "coast", "gulf",
}
# what continues a time after "a.m." / "p.m." ("6 a.m. GMT"): anything else starts a sentence
_TIME_CONTINUES = {
    "gmt", "utc", "et", "est", "edt", "pst", "pdt", "cet", "cest", "bst", "local", "time",
    "eastern", "pacific", "central", "monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    "heure", "heures",
}
_DESIGNATION = re.compile(r"[A-Z]{1,3}-?\d")  # "U.S. F-22", "U.S. MQ-9": a model, not a sentence
_STARTERS = {
    # English
    "the", "a", "an", "he", "she", "it", "they", "we", "i", "you", "this", "that", "these",
    "those", "there", "but", "and", "in", "on", "at", "as", "after", "before", "meanwhile",
    "however", "his", "her", "their", "its", "our", "officials", "when", "while", "if",
    "some", "many", "no", "both", "earlier", "later", "last", "since", "under", "for",
    # French
    "le", "la", "les", "l", "un", "une", "des", "il", "elle", "ils", "elles", "on", "nous",
    "ce", "cette", "ces", "cet", "mais", "et", "en", "dans", "selon", "pour", "par", "au",
    "aux", "du", "de", "d", "lors", "après", "avant", "depuis", "son", "sa", "ses", "leur",
    "leurs", "cela", "ceci", "si", "qu", "quant", "plusieurs", "aucun", "aucune", "jeudi",
    "lundi", "mardi", "mercredi", "vendredi", "samedi", "dimanche", "vous", "je",
    "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "vingt", "trente",
    "quarante", "cinquante", "cent", "mille",
}
_CLOCK = {"a.m", "p.m"}
_TERMINAL = re.compile(r"(?:[.!?…]+)(?:[ \u00a0\u202f]?»|[”\"’)\]])*")
_WORD_BEFORE = re.compile(r"(\S+)$")
_LONGEST_WORD = 80  # the word before a full stop is searched this far back, not from the block start
_FIRST_WORD = re.compile(r"[«“\"'(\[\u2014\u2013\-\s\u00a0\u202f]*([^\W_]+)")
_INITIALS = re.compile(r"^(?:[A-ZÀ-Ý]\.?-)*[A-ZÀ-Ý]$")
_ACRONYM = re.compile(r"^(?:[A-Za-z]\.)+[A-Za-z]$")
_LINE = re.compile(r"[^\n]+")
_ELISION = re.compile(r"['’]")
_PREFIXED = re.compile(r"^[a-zà-ÿ]+-(?=[A-Z])")  # "then-U.S.", "ex-U.S.": the prefix set aside
_CLOSING_QUOTE = re.compile(r"[”\"»’]$")
# A quotation's speaker named after it: "…?" Alvarez said. / "…!" Foreign Minister Ana Lima
# asked on Tuesday. (a capitalised pronoun after the quote starts a new sentence instead)
_ATTRIBUTION = re.compile(
    r"(?!(?:He|She|They|It|We|I|You|Il|Elle|Ils|Elles|On|Nous)\b)"
    r"(?:[A-ZÀ-Ý][\w.'’-]*\s+){1,5}"
    r"(?:said|asked|says|asks|added|replied|insisted|wondered|wrote|exclaimed|shouted)"
    r"(?:\s*[.,;:]|\s+(?:on|in|at|during|later|earlier|afterwards|then)\b[^.!?\"“”«»]{0,60}[.,;])")


def _ends_sentence(block: str, punct_start: int, punct: str, after: int, rules: Rules) -> bool:
    """Whether the punctuation ``punct`` at ``punct_start`` closes a sentence, given what
    follows and the language's ``rules``."""
    nxt = _FIRST_WORD.match(block, after)
    if nxt is None:
        return False
    word = nxt.group(1)
    first = word[0]
    if first.islower():
        return False
    if "." not in punct[:1]:  # ! ? …: a capitalised word after it starts a sentence,
        return not (_CLOSING_QUOTE.search(punct)  # unless it names the quotation's speaker
                    and _ATTRIBUTION.match(block, nxt.start(1)))
    m = _WORD_BEFORE.search(block, max(0, punct_start - _LONGEST_WORD), punct_start)
    before = _PREFIXED.sub("", _ELISION.split(m.group(1).lstrip("(«\"“["))[-1]) if m else ""
    low = before.lower()
    if not before:
        return True
    if first.isdigit():
        return (low not in rules.before_number and low not in rules.number_only
                and low not in rules.never and not _ACRONYM.match(before))
    if low in rules.before_name:
        return word.lower() in _STARTERS
    if low in _CLOCK:
        return word.lower() not in _TIME_CONTINUES
    if low in rules.ambiguous or _ACRONYM.match(before):
        if _DESIGNATION.match(block, nxt.start(1)):
            return False
        return word.lower() in _STARTERS or word.lower() not in _CONTINUES
    if low in rules.never or _INITIALS.match(before):
        return False
    if low in rules.before_number:
        return word.lower() in _STARTERS
    return True


def _split_block(block: str, offset: int, out: list[Sentence], rules: Rules) -> None:
    start = 0
    for m in _TERMINAL.finditer(block):
        end = m.end()
        if end < len(block) and not block[end].isspace():
            continue  # "13.000", "www.gouv.fr", "U.S.-led"
        if end < len(block) and _ends_sentence(block, m.start(), m.group(), end, rules):
            _emit(block, start, end, offset, out)
            start = end
    _emit(block, start, len(block), offset, out)


def _emit(block: str, start: int, end: int, offset: int, out: list[Sentence]) -> None:
    piece = block[start:end]
    stripped = piece.strip()
    if stripped:
        lead = len(piece) - len(piece.lstrip())
        s = offset + start + lead
        out.append(Sentence(stripped, s, s + len(stripped)))


def split_sentences(text: str, lang: str | None = None) -> list[Sentence]:
    """Split ``text`` into sentences with their character offsets in ``text``, by the rules
    table of its language ``lang`` (``fr``, ``en``; None: identified from the text, see
    :mod:`stance.language`; any other: both tables, see :mod:`stance.abbreviations`)."""
    if not isinstance(text, str):
        raise TypeError(f"split_sentences() expects str, got {type(text).__name__}")
    if lang is None:
        from .language import identify
        lang = identify(text)
    rules = rules_for(lang)
    out: list[Sentence] = []
    block_start = None
    prev_end = 0
    for m in _LINE.finditer(text):
        line = m.group()
        if not line.strip():
            continue
        gap = text[prev_end:m.start()]
        continues = (block_start is not None and gap.count("\n") == 1
                     and line.lstrip()[:1].islower())
        if block_start is not None and not continues:
            _split_block(text[block_start:prev_end], block_start, out, rules)
            block_start = None
        if block_start is None:
            block_start = m.start()
        prev_end = m.end()
    if block_start is not None:
        _split_block(text[block_start:prev_end], block_start, out, rules)
    return out
