"""The actor gazetteer (stance/data/actors): coverage of states and organisations, one code per
form, the issue's examples, and a build that is reproducible and refuses ambiguous forms."""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from training import gazetteer as gz

ACTORS = Path(__file__).resolve().parent.parent / "stance" / "data" / "actors"
FILES = (gz.STATES_FILE, gz.ORGS_FILE)


def read(name: str) -> list[tuple[int, list[str]]]:
    """(line number, fields) of every non-comment line of a shipped file."""
    text = (ACTORS / name).read_text(encoding="utf-8")
    return [(n, line.split("\t")) for n, line in enumerate(text.splitlines(), 1)
            if line and not line.startswith("#")]


@pytest.fixture(scope="module")
def rows() -> list[gz.Row]:
    return [gz.Row(*fields) for name in FILES for _, fields in read(name)]


def codes_of(rows, form: str, lang: str) -> set[str]:
    """The codes a text matches under the gazetteer's rules (ALL-CAPS exact, else casefold)."""
    key = gz.form_key(form)
    return {r.code for r in rows if gz._langs_overlap(r.lang, lang)
            and (r.form == form if r.form.isupper() else gz.form_key(r.form) == key)}


@pytest.mark.parametrize("name", FILES)
def test_every_line_is_well_formed(name):
    for n, fields in read(name):
        assert len(fields) == 4, f"{name}:{n}: {fields}"
        code, kind, lang, form = fields
        assert kind in gz.KINDS and lang in gz.LANGS, f"{name}:{n}: {fields}"
        assert gz.CODE.match(code), f"{name}:{n}: {code!r}"
        assert form and form == gz.normalise(form), f"{name}:{n}: {form!r}"
        assert "\u2019" not in form, f"{name}:{n}: curly apostrophe in {form!r}"


def test_states_and_organisations_are_in_their_own_files():
    assert {f[0] for _, f in read(gz.STATES_FILE)} <= set(gz.STATE_CODES)
    assert not {f[0] for _, f in read(gz.ORGS_FILE)} & set(gz.STATE_CODES)


def test_no_form_maps_to_two_codes_in_one_language(rows):
    assert gz.collisions(rows) == []


def test_every_un_member_observer_and_kosovo_has_names_in_both_languages_and_a_capital(rows):
    assert len(set(gz.UN_MEMBERS)) == 193
    kinds: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in rows:
        langs = ("fr", "en") if r.lang == "any" else (r.lang,)
        for lang in langs:
            kinds[(r.code, r.kind)].add(lang)
    for code in gz.UN_MEMBERS + gz.OBSERVERS + ("XKX",):
        assert "en" in kinds[(code, "state")], code
        # Grenada's French name is the noun for a hand grenade: left out on purpose.
        if code != "GRD":
            assert "fr" in kinds[(code, "state")], code
        # Brussels speaks for the EU in news, so it is the EU's, not Belgium's.
        if code != "BEL":
            assert kinds[(code, "capital")], code
    assert codes_of(rows, "Bruxelles", "fr") == {"EU"}


def test_at_least_150_organisations_and_groups(rows):
    orgs = {r.code for r in rows if r.kind in ("organisation", "group")}
    assert len(orgs) >= 150
    assert {"NATO", "UN", "EU", "AU", "ECOWAS", "ASEAN", "OPEC", "HAMAS", "HEZBOLLAH", "M23",
            "HOUTHIS", "TALIBAN", "WEST", "IAEA", "ICC", "ICJ", "WHO", "IMF"} <= orgs


def test_organisation_codes_are_not_country_codes(rows):
    pycountry = pytest.importorskip("pycountry")
    iso = {c.alpha_3 for c in pycountry.countries}
    assert set(gz.UN_MEMBERS + gz.OBSERVERS + ("TWN",)) <= iso
    assert not {r.code for r in rows if r.code not in gz.STATE_CODES} & iso


@pytest.mark.parametrize("form, lang, code", [
    ("Moscou", "fr", "RUS"), ("Moscow", "en", "RUS"), ("Kremlin", "fr", "RUS"),
    ("Kremlin", "en", "RUS"), ("Washington", "fr", "USA"), ("Maison Blanche", "fr", "USA"),
    ("White House", "en", "USA"), ("Pékin", "fr", "CHN"), ("Beijing", "en", "CHN"),
    ("Tsahal", "fr", "ISR"), ("IDF", "en", "ISR"), ("Quai d'Orsay", "fr", "FRA"),
    ("Quai d’Orsay", "fr", "FRA"), ("russe", "fr", "RUS"), ("russes", "fr", "RUS"),
    ("Américains", "fr", "USA"), ("américaine", "fr", "USA"), ("Chinese", "en", "CHN"),
    ("Russians", "en", "RUS"), ("Kiev", "fr", "UKR"), ("Kyiv", "en", "UKR"), ("Kyïv", "fr", "UKR"),
    ("Etats-Unis", "fr", "USA"), ("États-Unis", "fr", "USA"), ("U.S.", "en", "USA"),
    ("RDC", "fr", "COD"), ("Congo-Brazzaville", "fr", "COG"), ("Kosovo", "en", "XKX"),
    ("Gaza", "fr", "PSE"), ("Ramallah", "en", "PSE"), ("Jérusalem", "fr", "ISR"),
    ("La Haye", "fr", "NLD"), ("Le Caire", "fr", "EGY"), ("Türkiye", "en", "TUR"),
    ("Poutine", "fr", "RUS"), ("Putin", "en", "RUS"), ("Zelenskyy", "en", "UKR"),
    ("Netanyahou", "fr", "ISR"), ("Erdoğan", "fr", "TUR"), ("Guterres", "fr", "UN"),
    ("Rutte", "en", "NATO"),
    ("NATO", "en", "NATO"), ("OTAN", "fr", "NATO"), ("ONU", "fr", "UN"), ("UN", "en", "UN"),
    ("UE", "fr", "EU"), ("EU", "en", "EU"), ("UA", "fr", "AU"), ("CEDEAO", "fr", "ECOWAS"),
    ("ECOWAS", "en", "ECOWAS"), ("ASEAN", "en", "ASEAN"), ("OPEC", "en", "OPEC"),
    ("OPEP", "fr", "OPEC"), ("Hamas", "fr", "HAMAS"), ("Hezbollah", "en", "HEZBOLLAH"),
    ("M23", "fr", "M23"), ("Houthis", "en", "HOUTHIS"), ("Taliban", "en", "TALIBAN"),
    ("talibans", "fr", "TALIBAN"), ("Occidentaux", "fr", "WEST"), ("the West", "en", "WEST"),
    ("puissances occidentales", "fr", "WEST"), ("Africa Corps", "fr", "WAGNER"),
    ("Daech", "fr", "ISIS"), ("RSF", "en", "RSF"), ("FSR", "fr", "RSF"),
])
def test_the_issue_examples_have_their_codes(rows, form, lang, code):
    assert codes_of(rows, form, lang) == {code}


@pytest.mark.parametrize("form, lang", [
    ("grenade", "fr"), ("Maurice", "fr"), ("Dominique", "fr"), ("Congo", "en"),
    ("congolais", "fr"), ("Korean", "en"), ("coréen", "fr"), ("Poles", "en"), ("amnesty", "en"),
    ("la Maison Blanche", "fr"), ("Hollande", "fr"), ("Albanese", "en"), ("Abbas", "en"),
])
def test_words_and_names_that_would_mislead_are_not_forms(rows, form, lang):
    """Common nouns, first names and names of two actors are left out rather than guessed."""
    assert codes_of(rows, form, lang) == set()


def test_kind_of_a_metonym_is_kept(rows):
    kinds = {(r.form, r.kind) for r in rows}
    assert {("Kremlin", "institution"), ("Moscou", "capital"), ("Poutine", "leader"),
            ("russes", "demonym"), ("Russie", "state"), ("Hamas", "group"),
            ("OTAN", "organisation")} <= kinds


@pytest.mark.parametrize("name", FILES)
def test_shipped_files_say_how_to_rebuild(name):
    head = (ACTORS / name).read_text(encoding="utf-8").splitlines()[:10]
    assert any("python -m training.gazetteer" in line for line in head)


def test_shipped_files_are_what_the_build_writes_and_a_rebuild_is_identical(tmp_path):
    pytest.importorskip("pycountry")
    assert gz.main(["--out", str(tmp_path / "a")]) == 0
    assert gz.main(["--out", str(tmp_path / "b")]) == 0
    for name in FILES:
        built = (tmp_path / "a" / name).read_bytes()
        assert built == (tmp_path / "b" / name).read_bytes()
        assert built == (ACTORS / name).read_bytes(), f"{name} is stale: run python -m training.gazetteer"
    assert gz.main(["--check"]) == 0


def _curated_with(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "curated.tsv"
    path.write_text(gz.CURATED.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return path


def test_build_refuses_a_form_two_codes_claim(tmp_path, capsys):
    pytest.importorskip("pycountry")
    curated = _curated_with(tmp_path, "UKR\tcapital\tfr\tmoscou\n")
    assert gz.main(["--curated", str(curated), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "moscou" in err.lower() and "RUS" in err and "UKR" in err
    assert not (tmp_path / "out").exists()


def test_build_refuses_a_form_in_any_language_clashing_with_one_language(tmp_path, capsys):
    pytest.importorskip("pycountry")
    curated = _curated_with(tmp_path, "POL\tinstitution\tany\tKnésset\n")
    assert gz.main(["--curated", str(curated), "--out", str(tmp_path / "out")]) == 1
    assert "ISR" in capsys.readouterr().err


def test_build_names_the_line_of_a_malformed_row(tmp_path, capsys):
    pytest.importorskip("pycountry")
    for bad in ("RUS\tcapitol\ten\tMoskva\n", "RUS\tcapital\tde\tMoskau\n", "RUS\tcapital\ten\n",
                "RUS\tcapital\tfr\tla Moscou\n", "NATO\tdemonym\ten\tNatoish\n"):
        curated = _curated_with(tmp_path, bad)
        line = len(curated.read_text(encoding="utf-8").splitlines())
        assert gz.main(["--curated", str(curated), "--out", str(tmp_path / "out")]) == 1
        assert f"curated.tsv:{line}:" in capsys.readouterr().err


def test_check_reports_a_stale_file(tmp_path, capsys):
    pytest.importorskip("pycountry")
    out = tmp_path / "out"
    assert gz.main(["--out", str(out)]) == 0
    capsys.readouterr()
    (out / gz.ORGS_FILE).write_text("# edited by hand\n", encoding="utf-8")
    assert gz.main(["--check", "--out", str(out)]) == 1
    assert gz.ORGS_FILE in capsys.readouterr().err


@given(st.text(alphabet=st.sampled_from("aÉé '’‘ʼ`-\t\nX"), max_size=30))
def test_form_key_ignores_apostrophe_style_case_accents_and_spacing(text):
    key = gz.form_key(text)
    assert key == gz.form_key(text.translate(gz.APOSTROPHES).upper())
    assert key == gz.form_key(text.replace("É", "E").replace("é", "e"))
    assert key == gz.form_key(key)
    assert not set(key) & set("’‘ʼ`\t\n")
