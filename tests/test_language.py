"""Languages the model cannot read are named, not passed off as French: no stance, no tension."""
from __future__ import annotations

import json
import warnings

import pytest
from hypothesis import given
from hypothesis import strategies as st

import stance
from stance.cli import main
from stance.documents import parse_document
from stance.language import READ, identify, is_read
from stance.text import TOKEN_RE

RUSSIAN = (" date 2024-05 Путин заявил о готовности к переговорам\n\n"
           "Президент России Владимир Путин заявил в среду, что Москва готова к переговорам с "
           "Киевом. Кремль отверг обвинения в обстрелах.\n")
GERMAN = ("Die Bundesregierung hat die Vorwürfe aus Moskau am Mittwoch entschieden zurückgewiesen. "
          "Der Sprecher sagte, man werde sich nicht einschüchtern lassen.\n")
FRENCH_WITH_RUSSIAN_QUOTE = (
    " date 2024-05 Moscou dément toute implication\n\n"
    "Le Kremlin a démenti jeudi toute implication dans le sabotage du gazoduc. "
    "« Президент России Владимир Путин заявил в среду. » "
    "Kiev accuse Moscou de mentir et menace de riposter.\n")


@pytest.mark.parametrize("text, lang", [
    ("Moscow denied involvement.", "en"),  # was tagged fr by the word-count guess
    ("Moscou dément toute implication.", "fr"),
    (GERMAN, "de"),
    ("El Gobierno rechazó el miércoles las acusaciones de Moscú sobre el ataque.", "es"),
    (RUSSIAN, "ru"),
    ("ნატო ამბობს, რომ მზად არის მოლაპარაკებისთვის.", "ka"),
])
def test_documents_are_tagged_with_their_language(text, lang):
    assert parse_document(text).lang == lang


def test_no_letters_no_language():
    assert parse_document("").lang is None and parse_document("12 345 — 2024").lang is None
    assert is_read(None)  # nothing to misread: the model calls it neutral


def test_a_document_in_another_language_gets_no_stance_and_no_tension():
    a = stance.analyze(parse_document(RUSSIAN))
    assert a.document.lang == "ru" and len(a.sentences) == 3
    assert all(s.lang == "ru" and s.label is s.tension is s.confidence is s.probabilities is None
               for s in a.sentences)
    assert a.tension is None and a.intensity is None and sum(a.counts.values()) == 0
    d = json.loads(json.dumps(a.to_dict(), allow_nan=False))
    assert d["lang"] == "ru" and d["tension"] is None
    assert {(s["lang"], s["label"], s["tension"]) for s in d["sentences"]} == {("ru", None, None)}


def test_a_sentence_in_another_script_is_left_out_of_its_document():
    a = stance.analyze(parse_document(FRENCH_WITH_RUSSIAN_QUOTE))
    assert a.document.lang == "fr"
    assert [s.lang for s in a.sentences] == ["fr", "fr", "ru", "fr"]
    quote = a.sentences[2]
    assert quote.label is None and quote.tension is None
    read = [s for s in a.sentences if s.label is not None]
    assert a.tension == pytest.approx(sum(s.tension for s in read) / 3)
    assert sum(a.counts.values()) == 3


def test_cli_says_once_per_file_what_it_left_unread(tmp_path, capsys):
    ru, mixed, fr = tmp_path / "ru.txt", tmp_path / "mixed.txt", tmp_path / "fr.txt"
    ru.write_text(RUSSIAN, encoding="utf-8")
    mixed.write_text(FRENCH_WITH_RUSSIAN_QUOTE, encoding="utf-8")
    fr.write_text("Moscou dément toute implication.\n", encoding="utf-8")
    assert main(["analyze", "--format", "jsonl", str(ru), str(mixed), str(fr)]) == 0
    out, err = capsys.readouterr()
    notes = err.splitlines()
    assert len(notes) == 2
    assert notes[0].startswith("stance: note: ru.txt: written in ru") and "no tension" in notes[0]
    assert notes[1].startswith("stance: note: mixed.txt: 1 sentence(s) in ru left unread")
    docs = [json.loads(line) for line in out.splitlines()]
    assert [d["lang"] for d in docs] == ["ru", "fr", "fr"] and docs[0]["tension"] is None
    assert main(["analyze", str(ru)]) == 0
    table = capsys.readouterr().out
    assert "[ru]" in table and "(ru)" in table and "tension -" in table


def test_series_leaves_out_documents_it_cannot_read():
    fr = parse_document(" date 2024-05 Moscou dément\n\nLe Kremlin a démenti toute implication.\n")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        (period,) = stance.tension_series([parse_document(RUSSIAN), fr])
    assert period.documents == 1 and period.sentences == 2
    assert any("in fr or en" in str(w.message) for w in caught)


@given(st.text(max_size=300))
def test_identify_any_text(text):
    lang = identify(text)
    assert lang is None or (lang.isalpha() and lang.islower())
    assert (lang is None) == (TOKEN_RE.search(text[:600]) is None)  # no letter, as the model sees them
    assert READ == ("fr", "en")
