"""Who acts at whom: golden cases for the hard shapes of news copy, in French and English,
and the properties any text must keep (offsets, no overlap, no crash)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import stance
from stance.addressee import TargetGate
from stance.roles import Actors, RoleModel, actors_many, assign
from stance.errors import ModelError
from stance.gazetteer import Gazetteer, find_mentions, tokens

# text, label, source code, target code (None: the sentence names none)
GOLDEN = [
    # plain subject-verb-object
    ("Kiev et les puissances occidentales accusent Moscou de préparer une offensive.",
     "accusation", "UKR", "RUS"),
    ("Washington accused Beijing of harassing Philippine vessels in the South China Sea.",
     "accusation", "USA", "CHN"),
    # passives
    ("La Serbie est accusée par le Kosovo d'avoir armé le commando.", "accusation", "XKX", "SRB"),
    ("Armenia was accused by Azerbaijan of shelling its positions overnight.",
     "accusation", "AZE", "ARM"),
    # reported speech after a quote
    ("« Nous n'avons rien à voir avec cette attaque », a déclaré le porte-parole du Kremlin.",
     "denial", "RUS", None),
    ('"We will respond with force to any incursion," Iran\'s foreign minister told Israel.',
     "warning", "IRN", "ISR"),
    # reported speech, speaker last
    ("L'Ukraine prépare une provocation à la centrale, a affirmé mardi le ministère russe de la Défense.",
     "accusation", "RUS", "UKR"),
    ("Turkish drones struck civilian targets, the Syrian Democratic Forces said on Monday.",
     "accusation", "SDF", "TUR"),
    # denials name the accuser
    ("Pékin a rejeté les accusations de Manille, les jugeant sans fondement.", "denial", "CHN", "PHL"),
    ("Rwanda denied the UN experts' claims that its troops fight alongside M23.",
     "denial", "RWA", "UN"),
    # warnings and conciliations
    ("L'OTAN a mis en garde la Russie contre toute escalade en mer Baltique.", "warning", "NATO", "RUS"),
    ("India and Pakistan agreed to restore the ceasefire along the Line of Control.",
     "conciliation", "IND", "PAK"),
    # passives of warnings
    ("Israel was warned by Hezbollah that any strike would be met with force.",
     "warning", "HEZBOLLAH", "ISR"),
    ("La Serbie a été mise en garde par l'Union européenne contre toute escalade au Kosovo.",
     "warning", "EU", "SRB"),
    # a speaker after the quote, the reporting verb an act verb without object
    ('"Iran will pay a heavy price," warned Israeli Prime Minister Benjamin Netanyahu.',
     "warning", "ISR", "IRN"),
    # a named performer inside the reporting clause of a pronoun
    ("Brazil, she said, continues to urge Caracas to take no unilateral step.",
     "conciliation", "BRA", "VEN"),
    ("Le Brésil, a-t-elle ajouté, exhorte Caracas à renoncer à toute démarche unilatérale.",
     "conciliation", "BRA", "VEN"),
]


def _check(a, source, target):
    assert a.source is not None and a.source.code == source
    if target is None:
        assert a.target is None or a.target.code != source
    else:
        assert a.target is not None and a.target.code == target


@pytest.mark.parametrize("text,label,source,target", GOLDEN, ids=[g[0][:40] for g in GOLDEN])
def test_golden_roles(text, label, source, target):
    _check(stance.actors(text, label), source, target)
    _check(stance.actors(text), source, target)


def test_issue_example_lists_every_performer():
    a = stance.actors("Kiev et les puissances occidentales accusent Moscou de préparer une offensive.")
    assert (a.source.text, a.source.code, a.target.text, a.target.code) == ("Kiev", "UKR", "Moscou", "RUS")
    assert [m.code for m in a.sources] == ["UKR", "WEST"]


def test_quote_then_reporting_act_verb_names_the_speaker_in_french():
    a = stance.actors("« L'Iran paiera le prix fort », a averti le Premier ministre israélien.")
    assert a.source.code == "ISR" and a.source.text == "le Premier ministre israélien"


# text, source code, the codes of every target (none: the sentence names no addressee)
EVERY_TARGET = [
    # passive subjects joined by "et"/"and" all receive the act
    ("Les États-Unis et le Royaume-Uni ont été accusés par l'Iran de saboter les négociations.",
     "IRN", ["USA", "GBR"]),
    ("The United States and Britain were accused by Iran of sabotaging the talks.",
     "IRN", ["USA", "GBR"]),
    # two voices of one side are not each other's counterpart
    ("Russia denied the allegations, Kremlin spokesman Dmitry Peskov told reporters.", "RUS", []),
    ("La Russie a rejeté ces allégations, a déclaré le porte-parole du Kremlin Dmitri Peskov.",
     "RUS", []),
    # a place named around the act is no addressee
    ("Le Maroc s'est dit prêt à reprendre le dialogue, lors d'une conférence de presse à Genève.",
     "MAR", []),
    ("Russia on Tuesday denied any involvement, its envoy told reporters in Geneva.", "RUS", []),
    ("Moscou dément toute implication, a déclaré à Genève son ambassadeur.", "RUS", []),
]


@pytest.mark.parametrize("text,source,targets", EVERY_TARGET, ids=[g[0][:40] for g in EVERY_TARGET])
def test_every_target_or_none(text, source, targets):
    a = stance.actors(text)
    assert a.source.code == source
    assert [m.code for m in a.targets] == targets
    assert (a.target is None) == (not targets)


def _gated(bias: float) -> RoleModel:
    from stance.roles import role_model

    shipped = role_model()
    gate = {"weights": {}, "bias": bias, "threshold": 0.5}
    return RoleModel({k: list(v) for k, v in shipped.weights_.items()}, shipped.bias_,
                     shipped.thresholds_, shipped.use_label_,
                     {"plain": TargetGate.from_dict(gate), "label": TargetGate.from_dict(gate)})


@pytest.mark.parametrize("label", [None, "accusation"])
def test_the_gate_decides_whether_the_best_candidate_is_named(label):
    text = "Washington accused Beijing of harassing Philippine vessels in the South China Sea."
    assert assign(text, _gated(-50.0), label).target is None
    named = assign(text, _gated(50.0), label)
    assert named.source.code == "USA" and named.target.code == "CHN"


def test_shipped_role_model_has_both_gates():
    from stance.roles import role_model

    assert set(role_model().gates_) == {"label", "plain"}


def test_a_known_label_is_read_and_a_bad_one_refused():
    text = "Pékin a rejeté les accusations de Manille, les jugeant sans fondement."
    for label in (None, "accusation", "denial", "warning", "conciliation", "neutral"):
        a = stance.actors(text, label)
        assert a.source.code == "CHN"
    with pytest.raises(ValueError, match="unknown label 'deny'"):
        stance.actors(text, "deny")
    with pytest.raises(ValueError, match="2 texts but 1 labels"):
        actors_many([text, text], ["denial"])
    assert actors_many([text, text], ["denial", None]) == [stance.actors(text, "denial"),
                                                          stance.actors(text)]


@pytest.mark.parametrize("text", [
    "Moscou et Kiev s'accusent mutuellement d'avoir bombardé la centrale.",
    "Armenia and Azerbaijan accused each other of violating the truce.",
    "India and Pakistan agreed to restore the ceasefire along the Line of Control.",
])
def test_mutual_acts_put_both_parties_in_both_roles(text):
    a = stance.actors(text)
    assert len({m.code for m in a.sources}) == 2
    assert {m.code for m in a.sources} == {m.code for m in a.targets}


@pytest.mark.parametrize("text,codes", [
    ("Le Kremlin, la Maison Blanche et le Quai d'Orsay ont réagi.", ["RUS", "USA", "FRA"]),
    ("Tsahal a frappé des positions du Hezbollah, selon l'armée libanaise.", ["ISR", "HEZBOLLAH", "LBN"]),
    ("Les Américains et les Chinois négocient.", ["USA", "CHN"]),
    ("Chinese and Russian diplomats met in Beijing.", ["CHN", "RUS", "CHN"]),
    ("L'OTAN, l'ONU, l'UE et la CEDEAO ont condamné les talibans et les Houthis.",
     ["NATO", "UN", "EU", "ECOWAS", "TALIBAN", "HOUTHIS"]),
    ("The West and Pristina welcomed the deal.", ["WEST", "XKX"]),
])
def test_gazetteer_codes_metonyms_demonyms_and_organisations(text, codes):
    assert [m.code for m in find_mentions(text) if m.code] == codes


def test_acronyms_are_case_sensitive():
    assert [m.code for m in find_mentions("He told us the US would not wait.") if m.code] == ["USA"]
    assert [m.code for m in find_mentions("The UN told us so.") if m.code] == ["UN"]


def test_unknown_performer_keeps_its_span_without_code():
    a = stance.actors("Le mouvement Tekel Nouveau accuse la police d'avoir tiré sur la foule.")
    assert any(m.code is None and "Tekel" in m.text for m in a.mentions)


def test_mentions_offsets_point_into_the_text():
    text = "« Non », a répondu le porte-parole du Kremlin à l'OTAN et à l'Union européenne."
    for m in find_mentions(text):
        assert text[m.start:m.end] == m.text
    assert [m.code for m in find_mentions(text)] == ["RUS", "NATO", "EU"]


def test_curly_and_straight_apostrophes_match_alike():
    assert [m.code for m in find_mentions("Le Quai d’Orsay répond.")] == ["FRA"]
    assert [m.code for m in find_mentions("Le Quai d'Orsay répond.")] == ["FRA"]


def test_actors_many_equals_one_by_one():
    texts = [g[0] for g in GOLDEN[:4]]
    assert actors_many(texts) == [stance.actors(t) for t in texts]


def test_no_mentions_no_actors():
    assert stance.actors("Le temps était clair ce matin-là.") == Actors()


def test_dyad_is_directed_and_needs_two_codes():
    a = stance.actors("Washington accused Beijing of harassment.")
    assert a.dyad == ("USA", "CHN")
    assert stance.actors("He was accused of harassment.").dyad is None


def test_role_model_refuses_a_bad_file():
    with pytest.raises(ModelError, match="role model"):
        RoleModel.from_json("[1, 2]")
    with pytest.raises(ModelError, match="role model"):
        RoleModel.from_json("not json")


def test_gazetteer_prefers_the_longest_form():
    g = Gazetteer([("GIN", "state", "fr", "Guinée"), ("GNB", "state", "fr", "Guinée-Bissau")])
    toks = tokens("La Guinée-Bissau et la Guinée")
    assert g.match(toks, 1)[:2] == (2, "GNB")
    assert g.match(toks, 5)[:2] == (1, "GIN")


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gives_consistent_mentions(text):
    ms = find_mentions(text)
    for m in ms:
        assert text[m.start:m.end] == m.text and m.text
    assert all(a.end <= b.start for a, b in zip(ms, ms[1:]))
    for label in (None, "denial", "neutral"):
        a = assign(text, label=label)
        assert a.source is None or a.source in ms
        assert a.target is None or a.target in ms
        assert a.target is not None or not a.targets


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200)
       | st.sampled_from(["Le Quai d’Orsay", "ÉTATS-UNIS ß İstanbul ﬁn", "l'Ukraine — Corée‑du‑Nord"]))
def test_tokens_are_the_same_whole_text_or_one_by_one(text):
    from stance.tokens import _tokens_one_by_one
    import unicodedata
    fast = tokens(text)
    for t in fast:
        assert text[t.start:t.end] == t.raw
    if unicodedata.is_normalized("NFC", text):
        assert [(t.start, t.end, t.raw) for t in fast] == \
            [(t.start, t.end, t.raw) for t in _tokens_one_by_one(text)]


@pytest.mark.parametrize("call,arg,message", [
    (stance.actors, 3, "actors() expects str, got int"),
    (stance.actors, b"Moscou", "actors() expects str, got bytes"),
    (stance.actors_many, "Moscou accuse Kiev.", "expects an iterable of str, got a single str"),
    (stance.actors_many, ["Moscou accuse Kiev.", None], "expects str items, got NoneType at position 1"),
])
def test_what_is_not_text_is_refused_by_name(call, arg, message):
    with pytest.raises(TypeError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call(arg)
