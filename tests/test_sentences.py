"""The sentence splitter: golden cases in French and English, offsets, and fuzzing."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stance.sentences import split_sentences

CASES = [json.loads(line) for line in
         open(Path(__file__).parent / "data" / "split_cases.jsonl", encoding="utf-8")]
FUZZ_EXAMPLES = int(os.environ.get("STANCE_FUZZ_EXAMPLES", "400"))


def test_golden_set_is_large_and_bilingual():
    langs = [c["lang"] for c in CASES]
    assert len(CASES) >= 150 and langs.count("fr") >= 60 and langs.count("en") >= 60


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_golden_split(case):
    got = split_sentences(case["text"], case["lang"])
    assert [s.text for s in got] == case["sentences"], case["note"]
    for s in got:
        assert case["text"][s.start:s.end] == s.text
    assert [s.text for s in split_sentences(case["text"])] == case["sentences"]  # language identified


def test_negative_cases_sit_beside_the_positive_ones():
    """Places where a split must happen, in both languages: a word of one language that is an
    abbreviation in the other ("me", "sept") does not hold two sentences together."""
    negative = [c for c in CASES if c["id"].startswith("neg-")]
    assert {c["lang"] for c in negative} == {"fr", "en"} and len(negative) >= 10
    assert all(len(c["sentences"]) >= 2 for c in negative)


@pytest.mark.parametrize("text, lang, first", [
    ("He told me. The minister then left.", "en", "He told me."),
    ("Il a agi en ce sens. Les troupes ont quitté la ville.", "fr", "Il a agi en ce sens."),
    ("Me Dupond a plaidé l'acquittement.", "fr", "Me Dupond a plaidé l'acquittement."),
    ("Sens. Warren and Sanders wrote to the Pentagon on Monday.", "en",
     "Sens. Warren and Sanders wrote to the Pentagon on Monday."),
])
def test_each_language_has_its_own_table(text, lang, first):
    assert split_sentences(text, lang)[0].text == first


def _check_offsets(text, lang=None):
    sents = split_sentences(text, lang)
    pos = 0
    for s in sents:
        assert s.text and s.text == s.text.strip()
        assert text[s.start:s.end] == s.text
        assert s.start >= pos
        assert not text[pos:s.start].strip()
        pos = s.end
    assert not text[pos:].strip()
    return sents


wire_alphabet = st.sampled_from(list("abcdeéèàAÉMUS .,;:!?…«»\"“”’'()-\n\u00a0\u202f0123456789")
                                + ["M. ", "U.S. ", "etc. ", "Mme ", " art. 5", "« ", " »", ". Le ",
                                   "\n\n", "(AFP) - ", "13.000", "? ", "! ", "... "])


@settings(max_examples=FUZZ_EXAMPLES, deadline=None)
@given(st.lists(wire_alphabet, max_size=120).map("".join), st.sampled_from(["fr", "en", "de", None]))
def test_fuzz_wire_like_text(text, lang):
    _check_offsets(text, lang)


@settings(max_examples=FUZZ_EXAMPLES, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=500))
def test_fuzz_any_unicode(text):
    _check_offsets(text)


def test_paragraphs_and_headlines_split_on_lines():
    text = "Titre sans point\nLe corps commence ici. Il continue.\n\nNouveau paragraphe"
    assert [s.text for s in split_sentences(text)] == [
        "Titre sans point", "Le corps commence ici.", "Il continue.", "Nouveau paragraphe"]


def test_wrapped_line_in_lower_case_continues():
    text = "Le ministre a déclaré que la frontière\nresterait fermée jusqu'à nouvel ordre."
    assert len(split_sentences(text)) == 1


def test_type_error():
    with pytest.raises(TypeError, match="bytes"):
        split_sentences(b"abc")


def test_one_line_text_is_split_in_linear_work(monkeypatch):
    """One line of scraped text: the word before each full stop is looked for a bounded
    distance back, not from the start of the block (which made 1 MB take hours)."""
    from stance import sentences

    scanned = []
    real = sentences._WORD_BEFORE

    class Spy:
        def search(self, string, pos, endpos):
            scanned.append(endpos - pos)
            return real.search(string, pos, endpos)

    monkeypatch.setattr(sentences, "_WORD_BEFORE", Spy())
    text = "Le ministre a accusé M. Dupont de mentir. " * 5000  # 210 kB, no line break
    got = split_sentences(text)
    assert len(got) == 5000 and got[-1].text == "Le ministre a accusé M. Dupont de mentir."
    assert len(scanned) == 9999 and max(scanned) <= 100  # every full stop but the last


@settings(max_examples=10, deadline=None)
@given(st.lists(wire_alphabet, min_size=1, max_size=120).map("".join))
def test_fuzz_one_line_megabyte(text):
    """1 MB of wire-like text without a line break keeps exact offsets (the time it takes is
    measured by benchmarks/bench.py)."""
    line = text.replace("\n", " ") + " "
    _check_offsets(line * (1_000_000 // len(line) + 1))
