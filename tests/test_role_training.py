"""The recipe of the role model (training/actors.py): which annotations it reads, issue 12's
scoring rule, and the agreement of a second annotator's actors with the corpus's."""
from __future__ import annotations

import json

import pytest

from stance.gazetteer import Mention
from training.actors import agreement, load_examples, right


@pytest.fixture(scope="module")
def examples():
    return load_examples()


def test_both_kinds_of_wave_carry_actors_as_substrings_of_their_text(examples):
    assert {e["part"] for e in examples} == {"stories", "sentences"}
    assert all(e["label"] != "neutral" for e in examples)
    for e in examples:
        for role in ("source", "target"):
            assert e[role] is None or e[role] in e["text"]


def test_a_prediction_is_right_by_overlap_or_code():
    text = "Moscou accuse Kiev de provocations."
    kiev = Mention("Kiev", 14, 18, "UKR", "capital")
    assert right(kiev, text, "Kiev", ["UKR"])
    assert right(Mention("Kiev", 14, 18, None), text, "Kiev", [])  # the span alone
    assert right(Mention("l'Ukraine", 0, 9, "UKR"), "l'Ukraine", None, ["UKR"])  # the code alone
    assert not right(kiev, text, "Moscou", ["RUS"])
    assert right(None, text, None, []) and not right(None, text, "Kiev", ["UKR"])


def _second(tmp_path, records):
    path = tmp_path / "second.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                    encoding="utf-8")
    return path


def test_a_copy_of_the_corpus_actors_agrees_fully_and_a_moved_target_does_not(examples, tmp_path):
    picked = [e for e in examples if e["target"] and e["source"]
              and not set(e["source_codes"]) & set(e["target_codes"])][:2]
    same = [{"text": e["text"], "actors": {k: e[k] for k in
                                           ("source", "target", "source_codes", "target_codes")}}
            for e in picked]
    assert agreement(_second(tmp_path, same)) == {"source": 1.0, "target": 1.0,
                                                 "source_span": 1.0, "target_span": 1.0, "n": 2}
    moved = [dict(same[0], actors=dict(same[0]["actors"], target=picked[0]["source"],
                                       target_codes=picked[0]["source_codes"])), same[1]]
    got = agreement(_second(tmp_path, moved))
    assert (got["source"], got["target"], got["target_span"]) == (1.0, 0.5, 0.5)


def test_a_sentence_without_corpus_actors_is_refused_by_name(tmp_path):
    path = _second(tmp_path, [{"text": "Une phrase que le corpus n'a pas.", "actors": {}}])
    with pytest.raises(SystemExit, match="no actors for"):
        agreement(path)


def test_wave_10_is_scored_but_never_trained_on(examples):
    """Wave 10 measures every model: none of its sentences is among the role models' examples
    or the classifier's corpus, and its acts all carry actors to be scored against."""
    from stance.corpus import load_annotations
    from training.actors import unseen
    from training.settings import ROOT

    held = unseen()
    texts = {e["text"] for e in held}
    assert len(held) >= 1000 and {e["part"] for e in held} == {"stories"}
    assert {e["lang"] for e in held} == {"fr", "en"}
    assert texts.isdisjoint(e["text"] for e in examples)
    assert texts.isdisjoint(r.text for r in load_annotations(ROOT / "seeds" / "sentences"))


def test_wave_10_second_actor_marks_are_wave_10_sentences_and_agree_as_documented():
    from training.settings import ROOT

    path = ROOT / "training" / "second_pass" / "wave10_actors.jsonl"
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert all(r["actors"].get(role) is None or r["actors"][role] in r["text"]
               for r in records for role in ("source", "target"))
    a = agreement(path)  # every sentence found among wave 10's (SystemExit otherwise)
    assert a["n"] == len(records) >= 400
    assert round(a["source"], 3) == 0.952 and round(a["target"], 3) == 0.936
