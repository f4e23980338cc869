"""Tension between pairs of actors: the period × dyad table, its CLI, its Dask aggregation, and
the actors every sentence record carries."""
from __future__ import annotations

import csv
import io
import json
import warnings

import pytest

import stance
from stance.cli import main
from stance.documents import parse_document
from stance.dyads import DyadPeriod, dyad_series, parse_dyad, sentence_dyads, top_dyads

HOSTILE = ("Moscou accuse Kiev de bombarder la centrale. La Russie a menacé l'Ukraine de "
           "représailles. Le Kremlin a averti Kiev qu'il riposterait.")
CALM = ("La Russie et l'Ukraine ont convenu de reprendre les pourparlers. Kiev a salué la "
        "proposition de Moscou. Washington a appelé Pékin au dialogue.")


def _doc(month: int, text: str, title: str = "Titre") -> str:
    return f" date 2024-{month:02d} {title} {month}\n\n{text}\n"


def test_dyad_series_is_the_mean_of_document_means_per_pair():
    docs = [_doc(1, HOSTILE), _doc(1, CALM, "Autre"), _doc(2, HOSTILE)]
    analyses = [stance.analyze(parse_document(d)) for d in docs]
    rows = stance.tension_series(analyses, by="month", dyads=True)
    assert all(isinstance(r, DyadPeriod) for r in rows)
    jan = {r.dyad: r for r in rows if r.period == "2024-01"}
    expected = []
    for a in analyses[:2]:
        ts = [s.tension for s in a.sentences if ("RUS", "UKR") in sentence_dyads(s)]
        if ts:
            expected.append(sum(ts) / len(ts))
    assert "RUS-UKR" in jan
    assert jan["RUS-UKR"].tension == pytest.approx(sum(expected) / len(expected))
    assert jan["RUS-UKR"].documents == len(expected)
    assert jan["RUS-UKR"].low <= jan["RUS-UKR"].tension <= jan["RUS-UKR"].high
    assert rows == stance.tension_series(analyses, by="month", dyads=True)  # reproducible


def test_hostile_pair_is_more_tense_than_calm_pair():
    analyses = [stance.analyze(parse_document(_doc(1, HOSTILE))),
                stance.analyze(parse_document(_doc(2, CALM)))]
    rows = {(r.period, r.dyad): r.tension
            for r in stance.tension_series(analyses, dyads=True, undirected=True)}
    assert rows[("2024-01", "RUS-UKR")] > rows[("2024-02", "RUS-UKR")]


def test_one_dyad_and_undirected():
    analyses = [stance.analyze(parse_document(_doc(1, HOSTILE + " " + CALM)))]
    one = stance.tension_series(analyses, dyad=("RUS", "UKR"))
    assert {r.dyad for r in one} == {"RUS-UKR"}
    both = stance.tension_series(analyses, dyad=("UKR", "RUS"), undirected=True)
    assert {r.dyad for r in both} == {"RUS-UKR"}  # undirected pairs are sorted
    directed = {r.dyad: r.sentences for r in stance.tension_series(analyses, dyads=True)}
    assert both[0].sentences >= max(directed.get("RUS-UKR", 0), directed.get("UKR-RUS", 0))


def test_top_dyads_counts_sentences_over_periods():
    rows = [DyadPeriod("2024-01", "A", "B", 1.0, 0, 2, 1, 3),
            DyadPeriod("2024-02", "A", "B", 1.0, 0, 2, 1, 2),
            DyadPeriod("2024-02", "C", "D", 1.0, 0, 2, 1, 4)]
    assert top_dyads(rows, 1) == [("A-B", 5)]


@pytest.mark.parametrize("bad", ["UKR", "UKR-", "-RUS", "A-B-C", ""])
def test_parse_dyad_says_the_expected_form(bad):
    with pytest.raises(ValueError, match="UKR-RUS"):
        parse_dyad(bad)
    assert parse_dyad("ukr-rus") == ("UKR", "RUS")


def test_undated_documents_are_left_out_with_a_warning():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rows = stance.tension_series([HOSTILE], dyads=True)
    assert rows == [] and any("undated" in str(w.message) for w in caught)


def _series_dir(tmp_path):
    for i, (m, text) in enumerate([(1, HOSTILE), (2, CALM), (3, HOSTILE)]):
        (tmp_path / f"d{i}.txt").write_text(_doc(m, text), encoding="utf-8")
    return tmp_path


def test_cli_series_dyad_and_dyads(tmp_path, capsys):
    folder = str(_series_dir(tmp_path))
    assert main(["series", folder, "--dyad", "RUS-UKR", "--format", "jsonl"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows and {r["dyad"] for r in rows} == {"RUS-UKR"}
    assert [r["period"] for r in rows] == sorted(r["period"] for r in rows)
    assert main(["series", folder, "--dyads", "--top", "2"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[:2] == ["period", "dyad"]
    assert len({line.split()[1] for line in out[1:]}) <= 2


def test_cli_series_rejects_a_malformed_dyad(tmp_path, capsys):
    assert main(["series", str(_series_dir(tmp_path)), "--dyad", "UKR"]) != 0
    assert "UKR-RUS" in capsys.readouterr().err


def test_analyze_outputs_carry_actors(tmp_path, capsys):
    path = tmp_path / "d.txt"
    path.write_text(_doc(1, HOSTILE), encoding="utf-8")
    assert main(["analyze", str(path), "--format", "jsonl"]) == 0
    sent = next(s for s in json.loads(capsys.readouterr().out)["sentences"]
                if s["text"].startswith("Moscou accuse"))
    assert (sent["source"], sent["source_code"], sent["target_code"]) == ("Moscou", "RUS", "UKR")
    assert main(["analyze", str(path), "--format", "csv"]) == 0
    row = next(r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))
               if r["text"].startswith("Moscou accuse"))
    assert (row["source_code"], row["target_code"]) == ("RUS", "UKR")


def test_classify_jsonl_carries_actors(capsys, monkeypatch):
    stdin = io.TextIOWrapper(io.BytesIO(b"Washington accused Beijing of spying.\n"))  # classify reads bytes
    monkeypatch.setattr("sys.stdin", stdin)
    assert main(["classify", "--format", "jsonl"]) == 0
    rec = json.loads(capsys.readouterr().out)
    assert (rec["source_code"], rec["target_code"]) == ("USA", "CHN")


def test_pronoun_performer_takes_the_code_of_the_previous_performer():
    a = stance.analyze(parse_document(_doc(1, "Moscou a accusé Kiev de provocations. "
                                             "Il a ajouté que l'Ukraine mentait.")))
    second = next(s.actors for s in a.sentences if s.text.startswith("Il a"))
    assert second.source.text == "Il" and second.source.code == "RUS"


def test_dask_dyad_aggregation_equals_the_series(tmp_path):
    pytest.importorskip("dask.bag")
    import dask
    import dask.bag as db

    from stance.distributed import analyze_bag, tension_by_period
    folder = _series_dir(tmp_path)
    paths = sorted(str(p) for p in folder.iterdir())
    with dask.config.set(scheduler="synchronous"):
        frame = tension_by_period(analyze_bag(db.from_sequence(paths, npartitions=2)),
                                  group="dyad")
    series = dyad_series([stance.analyze(stance.read_document(p)) for p in paths])
    got = {(r.period, r.dyad): (r.tension, r.documents, r.sentences) for r in frame.itertuples()}
    want = {(r.period, r.dyad): (r.tension, r.documents, r.sentences) for r in series}
    assert got.keys() == want.keys()
    for k in want:
        assert got[k][0] == pytest.approx(want[k][0]) and got[k][1:] == want[k][1:]


def _performers(text: str) -> list[tuple[str, str | None]]:
    a = stance.analyze(parse_document(_doc(1, text)))
    return [(s.actors.source.text, s.actors.source.code) for s in a.sentences[1:]
            if s.actors and s.actors.source]


def test_a_surname_takes_the_code_its_full_mention_had_earlier_in_the_document():
    assert _performers("Japan's chief cabinet secretary, Kenji Morita, accused Beijing of "
                       "intrusions. Morita said Tokyo would lodge a protest.") == \
        [("Japan's chief cabinet secretary, Kenji Morita", "JPN"), ("Morita", "JPN")]
    assert _performers("Le ministre malien des Affaires étrangères Amadou Keïta a accusé Alger "
                       "d'ingérence. Keïta a déclaré que Bamako ne céderait pas.") == \
        [("Le ministre malien des Affaires étrangères Amadou Keïta", "MLI"), ("Keïta", "MLI")]


def test_a_surname_two_codes_claimed_stays_unknown():
    performers = _performers(
        "Le ministre malien Amadou Keïta a accusé Alger d'ingérence. Le ministre guinéen "
        "Sekou Keïta a démenti toute implication de Conakry. Keïta a ajouté qu'il attendait des "
        "preuves de Bamako.")
    assert performers[-1] == ("Keïta", None)
