"""The splitter's rules table of each language: which abbreviations end a sentence, and when.

One table per language (the layout of pysbd's ``lang/`` modules), chosen by the document's
language, so that a word of one language is never taken for an abbreviation of the other:
"me" is the French title *Maître* ("Me Dupond") but an English pronoun ("He told me. The
minister then left."); "sept" is the English *September* but a French number ("Ils étaient
sept. Trois …"). Text in another language, or whose language is not known, gets both tables
at once (:data:`BOTH`): a missed split there costs nothing, since the model does not read it.
Entries are compared lower-cased, without the full stop.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rules:
    """The abbreviations of a language, by how they behave before what follows them."""

    never: frozenset[str]
    """Titles and the like, which never end a sentence ("M. Lavrov", "Dr. Tedros", "e.g.")."""
    before_number: frozenset[str]
    """No sentence end before a number ("No. 10", "Jan. 6"); before a capitalised word, one
    only before a typical sentence start ("15 févr. (AFP)", "éd. Mirabeau")."""
    number_only: frozenset[str]
    """Abbreviations only before a number ("art. 5"): they are also words of the language (or
    single letters), so before a capitalised word they end the sentence like any word."""
    ambiguous: frozenset[str]
    """Endings that may close a sentence ("etc.", "Inc."): one only before a typical sentence
    start or a word that does not continue a name ("U.S. Army")."""
    before_name: frozenset[str]
    """Usually followed by a name ("Co. Kildare"): a sentence ends only before a typical start."""

    def __or__(self, other: "Rules") -> "Rules":
        """Both tables at once; an entry that one treats as a word and the other as an
        abbreviation is an abbreviation (the cautious reading: no split)."""
        before_number = self.before_number | other.before_number
        return Rules(self.never | other.never, before_number,
                     (self.number_only | other.number_only) - before_number,
                     self.ambiguous | other.ambiguous, self.before_name | other.before_name)


def _words(*texts: str) -> frozenset[str]:
    return frozenset(w for text in texts for w in text.split())


# Abbreviations that are words in neither language, shared by both tables.
_TITLES = """
    dr gen sen lt lieut lt-col lt-gen capt cpt sgt adm amb prof st ste maj brig cpl mgr mr mrs
    ms messrs rep reps gov govs rev hon pres supt insp cmdr cdr cmde mt ft sr fr mme mmes mlle
    mlles gén cdt cmdt adj vs v cf e.g i.e c.-à-d c-à-d p.ex env approx av apr resp
"""
_BEFORE_NUMBER = """
    nos n° al pp ch chap fig éd ed tab sect réf ref janv jan févr fév feb mar avr aug juil sep
    oct nov déc dec
"""
_NUMBER_ONLY = "no n p art arts par"
_AMBIGUOUS = _words("etc inc corp ltd jr bros plc llc a.m p.m cie j.-c d.c")
_BEFORE_NAME = _words("co")

FRENCH = Rules(
    never=_words(_TITLES, "m mm me pr gal ex"),
    before_number=_words(_BEFORE_NUMBER, "op"),
    number_only=_words(_NUMBER_ONLY, "vol sept"),
    ambiguous=_AMBIGUOUS, before_name=_words("co col"),
)
"""French: the titles M., MM., Me (Maître), Pr, "ex." and the shared ones. "sept" and "vol"
are French words ("Ils étaient sept. Trois …"), abbreviations only before a number; "col" is
a word ("le col. Deux villages …") and a title ("le col. Ivanov"): a split only before a
typical sentence start; "sens" is a word only."""

ENGLISH = Rules(
    never=_words(_TITLES, "sens col"),
    before_number=_words(_BEFORE_NUMBER, "vol sept"),
    number_only=_words(_NUMBER_ONLY, "op"),
    ambiguous=_AMBIGUOUS, before_name=_BEFORE_NAME,
)
"""English: Sens. and Col. and the shared titles; "Sept." and "Vol." before a number or a
name. "me", "ex", "gal", "pr" and "m" are English words or units ("He told me. The …"),
never titles; "op" and "par" are abbreviations only before a number."""

BOTH = FRENCH | ENGLISH
"""Both tables at once: the rules for text in another language, or of unknown language."""

RULES = {"fr": FRENCH, "en": ENGLISH}


def rules_for(lang: str | None) -> Rules:
    """The rules table of ``lang`` (``fr`` or ``en``), else :data:`BOTH`."""
    return RULES.get(lang, BOTH) if lang else BOTH
