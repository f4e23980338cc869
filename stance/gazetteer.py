"""Find the actors a sentence names: states, their capitals, institutions, leaders and
demonyms, organisations and armed groups, each with its code, plus unknown proper names and
the generic speakers of news copy ("le porte-parole", "the ministry") without one.

The gazetteer is readable package data, ``stance/data/actors/*.tsv`` (``code kind lang form``
per line), matched token by token, longest form first, case- and accent-insensitively except
for all-capital acronyms ("US", "UE"), which must be written in capitals.
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from typing import Sequence

from .errors import ModelError
from .lazy import once
from .tokens import Columns, Token, columns_of, fold_words, token_columns, token_span, tokens

KINDS = ("state", "capital", "demonym", "institution", "leader", "organisation", "group", "common")

@dataclass(frozen=True)
class Mention:
    """A span of the text that names an actor: ``text == sentence[start:end]``; ``code`` is
    the actor's code (ISO 3166-1 alpha-3 for a state, a short upper-case name for an
    organisation or group) or None when the name is not in the gazetteer; ``kind`` says what
    the span is (a gazetteer kind, ``name`` for an unknown proper name, ``speaker`` for a
    generic speaker such as "the ministry")."""

    text: str
    start: int
    end: int
    code: str | None
    kind: str = "name"


def _is_acronym(form: str) -> bool:
    letters = [c for c in form if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and len(letters) <= 6


class Gazetteer:
    """Forms of actors, looked up by their sequence of folded tokens.

    Parameters
    ----------
    rows : iterable of (code, kind, lang, form)
        As in the package's TSV files.
    """

    def __init__(self, rows):
        self.entries_: dict[tuple[str, ...], tuple[str, str, bool | str]] = {}
        for code, kind, _lang, form in rows:
            key = tuple(t.key for t in tokens(form))
            if key and kind == "common":  # "the rebels", "the board": no code, lower case only
                self.entries_[key] = (None, kind, "lower")
            elif key:
                self.entries_[key] = (code, kind, _is_acronym(form))
            if _is_acronym(form) and kind in ("organisation", "group") and len(form) >= 4 \
                    and form.isalpha():
                self.entries_[key] = (code, kind, "title")  # "Nato", "Ecowas" as well as "NATO"
        # the forms as a trie, a level per token: a node's None entry ends a form
        self.trie_: dict = {}
        for key, entry in self.entries_.items():
            node = self.trie_
            for word in key:
                node = node.setdefault(word, {})
            node[None] = entry
        # tokens worth a look: first words of forms, pronouns, speakers (capitalised words too)
        self.hot_ = frozenset(self.trie_) | _PRONOUNS | _SPEAKERS

    def at(self, keys: tuple[str, ...], raws: Sequence[str], i: int
           ) -> tuple[int, str, str] | None:
        """The longest form starting at token ``i`` of a sentence given by its tokens' keys and
        raw texts: (number of tokens, code, kind), or None."""
        node, j, n = self.trie_.get(keys[i]), i + 1, len(keys)
        ends = []
        while node is not None:
            entry = node.get(None)
            if entry is not None:
                ends.append((j, entry))
            node = node.get(keys[j]) if j < n else None
            j += 1
        for j, (code, kind, acronym) in reversed(ends):  # the longest form written as it must be
            if not acronym or _cased(raws[i:j], acronym, i == 0 or raws[i - 1] in _OPENERS):
                return j - i, code, kind
        return None

    def match(self, toks: list[Token], i: int) -> tuple[int, str, str] | None:
        """The longest form starting at token ``i``: (number of tokens, code, kind), or None."""
        return self.at(tuple(t.key for t in toks), tuple(t.raw for t in toks), i)


def _cased(raws: Sequence[str], acronym: bool | str, opens: bool = False) -> bool:
    """Whether the words of an acronym's form are written as it must be: in capitals ("US",
    "UE"), or for ``"title"`` forms also capitalised ("Nato"); a common noun in lower case,
    but for its first letter when it ``opens`` a clause ("Residents said")."""
    if acronym == "lower":
        return all(r.islower() for r in (raws[1:] if opens else raws) if r.isalpha())
    return all(r.upper() == r or (acronym == "title" and r.istitle()) for r in raws)


def _read_rows(name: str):
    path = files(__package__) / "data" / "actors" / name
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 4 or fields[1] not in KINDS:
            raise ModelError(f"{name}:{lineno}: expected 'code<TAB>kind<TAB>lang<TAB>form' with a "
                             f"kind among {', '.join(KINDS)}; reinstall stance")
        yield tuple(fields)


@once
def gazetteer() -> Gazetteer:
    """The package's gazetteer, read on first use and cached."""
    names = ("states.tsv", "organisations.tsv", "common_nouns.tsv")
    return Gazetteer([r for name in names for r in _read_rows(name)])


# Generic speakers of news copy: a determiner-led noun phrase that acts without a proper name.
_SPEAKERS = fold_words("""
    porte-parole porte parole ministère ministre ministres gouvernement armée armées président présidente
    présidence diplomatie diplomate diplomates autorités junte communiqué déclaration responsables
    officiels rebelles insurgés militants troupes forces police manifestants opposition parlement
    chancellerie ambassade ambassadeur état-major commandement groupe mouvement milice milices
    spokesman spokeswoman spokesperson ministry minister government army military president
    presidency diplomat diplomats authorities junta statement officials official rebels insurgents
    militants troops forces police protesters opposition parliament embassy ambassador command
    group movement militia militias administration cabinet regime régime leadership dirigeants
    leaders leader chef envoy émissaire envoyé negotiators négociateurs delegation délégation
    ministers terroristes terrorists jihadistes jihadists djihadistes combattants fighters
    contrebandiers smugglers passeurs trafiquants traffickers soldats soldiers gardes guards
    garde-côtes coastguard équipage crew gendarmes gendarmerie militaires séparatistes
    separatists assaillants attackers colons settlers milices partisans journalistes
    journalists ONG NGO NGOs députés lawmakers sénateurs senators voisin neighbour neighbor
    partenaires partners alliés allies adversaire adversaires rivals rival ennemi enemy
    services renseignement intelligence agence agency tribunal court juge judge procureur
    prosecutor prosecutors organisation organization texte text communiqué sides parties pays
    countries nations camps belligérants belligerents capitales capitals voisins neighbours
    secretary secretaries secrétaire secrétaires kingdom royaume commissioner commissaire
    haut-commissaire pope pape king roi emir émir monarch monarque chancellor chancelier
    chancelière presidents présidents spokesmen mediator mediators médiateur médiateurs
    groups judges historians lawyers side organizations letter
""")
_DETERMINERS = fold_words("""
    le la les l' the its their his her son sa ses leur leurs ce cette ces this these au aux
    a an un une des du plusieurs several some certains both deux two
""")
_PRONOUNS = frozenset({"il", "elle", "ils", "elles", "he", "she", "they", "it", "we", "nous"})
_CONNECTORS = frozenset({"de", "du", "des", "d'", "of", "al", "el", "bin", "ben", "van", "von", "la"})
MONTHS = fold_words("""janvier février mars avril mai juin juillet août septembre octobre
    novembre décembre janv févr avr juil déc january february march april may june july august
    september october november december jan feb mar apr jun jul aug sep sept oct nov dec""")
"""Months and their abbreviations, as datelines write them ("Nov 21", "14 févr.")."""
_NOT_NAMES = MONTHS | fold_words("""
    le la les l' un une des du de d' il elle ils elles on nous vous je ce cette ces mais et ou
    en dans sur pour par avec selon après avant lors depuis dès si quand alors ainsi cependant
    pourtant toutefois aussi enfin the a an he she they we you it i this that these those but
    and or in on at for by with according after before since if when while as however also yet
    mr mrs ms m mme mm dr lundi mardi mercredi jeudi vendredi samedi dimanche monday tuesday
    wednesday thursday friday saturday sunday not no pas ne n' s' qu' c' j' there here his her their
    its our my your lors cela ceci ça what which who whom whose qui que quoi dont où why how
    nouvel an new year méditerranée mediterranean mer sea océan ocean golfe gulf sud nord est
    ouest south north east west reuters afp ap bloomberg
""")


def _proper(key: str, raw: str) -> bool:
    """Whether a token can be a word of a proper name: capitalised, and not a function word
    or an office ("Premier", "Foreign")."""
    return raw[0].isupper() and raw[0].isalpha() and key not in _NOT_PROPER


_TITLES = frozenset({"m", "mm", "mme", "mmes", "mr", "mrs", "ms", "dr", "gen", "gén", "col", "lt",
                     "president", "président", "présidente", "general", "général"})
_OPENERS = frozenset({"«", '"', "“", "(", ":", "—", "."})
_QUOTE_ENDS = frozenset({",", ".", "?", "!"})


def _starts_clause(raws: Sequence[str], i: int) -> bool:
    """Whether token ``i`` opens a clause, where any word is capitalised; a straight quote
    after a comma or a full stop closes a quotation ('"…," Dizon said'), it opens none."""
    return i == 0 or raws[i - 1] in _OPENERS and not (
        raws[i - 1] == '"' and i > 1 and raws[i - 2] in _QUOTE_ENDS)


_APPOSED = frozenset({"demonym", "speaker", "institution"})


def _titled(keys: tuple[str, ...], raws: Sequence[str], i: int) -> bool:
    """Whether token ``i`` follows a title such as "M." or "Mr" (it then starts a name)."""
    j = i - 1 if i and raws[i - 1] == "." else i
    return j > 0 and keys[j - 1] in _TITLES


def find_mentions(text: str, toks: list[Token] | None = None) -> list[Mention]:
    """Every actor ``text`` names, left to right and without overlap: gazetteer forms (with
    the speaker noun phrase they qualify, as in "le porte-parole du Kremlin"), unknown proper
    names (two words or more at the start of a clause, where any word is capitalised), and
    generic speakers such as "the ministry"."""
    cols = token_columns(text) if toks is None else columns_of(toks)
    return [m for _, _, m in located_spans(text, cols)]


def mention_spans(text: str, toks: list[Token]) -> list[tuple[int, int, Mention]]:
    """:func:`find_mentions` with each mention's token range: (first, past-last, mention)."""
    return located_spans(text, columns_of(toks))


def located_spans(text: str, cols: Columns) -> list[tuple[int, int, Mention]]:
    """:func:`mention_spans` of a text given by its :func:`token_columns`."""
    out = []
    for lo, hi, code, kind in apposed(cols[3], cols[2], _scan(cols[3], cols[2])):
        start, end = token_span(cols, lo, hi)
        out.append((lo, hi, _mention(text[start:end], start, end, code, kind)))
    return out


def _mention(text: str, start: int, end: int, code: str | None, kind: str) -> Mention:
    """``Mention(text, start, end, code, kind)``, its fields set in its ``__dict__`` directly:
    a frozen dataclass's ``__init__`` (five ``object.__setattr__`` calls) costs more than
    finding the mention."""
    m = object.__new__(Mention)
    d = m.__dict__
    d["text"], d["start"], d["end"], d["code"], d["kind"] = text, start, end, code, kind
    return m


def _scan(keys: tuple[str, ...], raws: Sequence[str]) -> list[tuple[int, int, str | None, str]]:
    """The mentions of a sentence as (first token, past-last token, code, kind), visiting only
    the tokens that may start one: capitalised, or a first word of a form, a pronoun, a speaker."""
    gaz = gazetteer()
    at, st, hot = gaz.at, gaz.trie_, gaz.hot_
    n = len(keys)
    spans: list[tuple[int, int, str | None, str]] = []
    i = 0
    for start in [k for k in range(n) if keys[k] in hot or raws[k][0].isupper()]:
        if start < i:
            continue
        i = start
        key = keys[i]
        node = st.get(key)  # a form starts here only if its node ends one or goes on ("la" …)
        hit = at(keys, raws, i) if node is not None and (
            None in node or (i + 1 < n and keys[i + 1] in node)) else None
        if hit:
            lo, hi = _grow(keys, i, i + hit[0], spans[-1][1] if spans else 0)
            i = _grow_right(keys, hi)
            spans.append((lo, i, hit[1], hit[2]))
        elif _proper(key, raws[i]):
            j = _name_end(keys, raws, i + 1, gaz)
            code, kind = None, "name"
            hit = at(keys, raws, j) if j < n and keys[j] in st else None
            if hit and hit[2] == "leader":  # "Abdourahmane Tchiani": the known surname codes it
                j, code, kind = j + hit[0], hit[1], "leader"
            floor = spans[-1][1] if spans else 0
            lo = max(floor, i - 2 if raws[i - 1] == "." else i - 1) if _titled(keys, raws, i) else i
            if spans and spans[-1][1] == i and spans[-1][3] in _APPOSED and lo == i:
                # "le Premier ministre grec Kyriakos Mitsotakis": one mention
                p_lo, _, p_code, p_kind = spans.pop()
                spans.append((p_lo, j, p_code or code, p_kind))
            elif j - i == 1 and key in _SPEAKERS:
                spans.append((i, j, None, "speaker"))
            elif lo < i or j - i > 1 or code or not _starts_clause(raws, i) or _speaks(keys, j):
                spans.append((lo, j, code, kind))
            i = j
        elif key in _PRONOUNS:
            spans.append((i, i + 1, None, "pronoun"))
            i += 1
        elif key in _SPEAKERS and _determined(keys, i):
            j = i + 1
            while j < n and keys[j] in _SPEAKERS:
                j += 1
            if not _heads_actor(keys, raws, j, gaz):
                spans.append(_grow(keys, i, j, spans[-1][1] if spans else 0) + (None, "speaker"))
            i = j
    return spans


_CODED_OFFICES = frozenset({"speaker", "institution", "leader", "demonym", "state", "capital"})


def apposed(keys: Sequence[str], raws: Sequence[str],
            spans: list[tuple[int, int, str | None, str]]) -> list[tuple[int, int, str | None, str]]:
    """``spans`` with an unknown name set off by a comma beside a coded office joined to it as
    one mention with the office's code and kind: "Le porte-parole du ministère malien, Amadou
    Sidibé, a accusé…", "Aminata Diallo, porte-parole de la diplomatie sénégalaise", "Tomasz
    Nowak, Poland's deputy foreign minister": the name and the office are one actor (news copy's
    apposition; without the comma the finder joins them already)."""
    out: list[tuple[int, int, str | None, str]] = []
    k = 0
    while k < len(spans):
        lo, hi, code, kind = spans[k]
        if code is None and kind == "name":
            if out and _office_then_name(keys, raws, out[-1], lo, hi):
                p_lo, _, p_code, p_kind = out.pop()
                out.append((p_lo, hi, p_code, p_kind))
                k += 1
                continue
            if k + 1 < len(spans) and _name_then_office(keys, raws, hi, spans[k + 1]):
                _, q_hi, q_code, q_kind = spans[k + 1]
                out.append((lo, q_hi, q_code, q_kind))
                k += 2
                continue
        out.append(spans[k])
        k += 1
    return out


def _office_then_name(keys: Sequence[str], raws: Sequence[str], office: tuple, lo: int, hi: int
                      ) -> bool:
    """Whether the name (tokens ``lo:hi``) closes an apposition after a coded office: "the
    ministry's spokesman, NAME," "Kenya's chief government spokesman, NAME," (the name then ends
    the phrase, not a clause's subject)."""
    return office[1] == lo - 1 and raws[lo - 1] == "," and office[2] is not None \
        and (office[3] in _APPOSITION_BEFORE or keys[office[1] - 1] in _OFFICE) \
        and (hi == len(raws) or raws[hi] in _APPOSITION_ENDS)


def _name_then_office(keys: Sequence[str], raws: Sequence[str], hi: int, office: tuple) -> bool:
    """Whether a coded office follows the name ending at token ``hi`` as its apposition:
    ", porte-parole de la diplomatie sénégalaise", ", Poland's deputy foreign minister" (an office word
    between, or ending the office: "NAME, Erevan …" is no apposition)."""
    between = keys[hi + 1:office[0]]
    return hi < len(raws) and raws[hi] == "," and office[2] is not None \
        and office[3] in _CODED_OFFICES and all(w in _OFFICE_WORDS for w in between) \
        and (any(w in _OFFICE for w in between) or keys[office[1] - 1] in _OFFICE)


_APPOSITION_BEFORE = frozenset({"speaker", "institution", "leader", "demonym"})
_APPOSITION_ENDS = frozenset({",", ".", ";", ")", "—"})  # the name closes the apposition


def _speaks(keys: Sequence[str], j: int) -> bool:
    """Whether a reporting verb starts at token ``j`` ("said", "a déclaré"): a capitalised
    word opening a clause before one is a name ("Okafor said…"), not just a capital."""
    if j < len(keys) and keys[j] in AUX:
        j += 1
    return j < len(keys) and keys[j] in SPEECH


AUX = fold_words("a ont avait avaient has have had")
"""Auxiliaries before a past participle ("a déclaré", "has warned")."""
SPEECH = fold_words("""said says told added stated warned insisted declared wrote noted claimed
    replied urged déclaré affirmé indiqué dit ajouté estimé souligné averti prévenu assuré
    déclare affirme indique ajoute estime souligne avertit prévient assure""")
"""Reporting verbs: what news copy says a speaker did (the rules' ``_SAID`` adds a few more)."""


def _name_end(keys: tuple[str, ...], raws: Sequence[str], j: int, gaz: Gazetteer) -> int:
    """Past the last word of a proper name whose second word would be token ``j``: capitalised
    words, and connectors between two of them ("Ali al Houthi"), up to a form of the gazetteer."""
    n, st = len(keys), gaz.trie_
    while j < n and not (keys[j] in st and gaz.at(keys, raws, j)) and (
            _proper(keys[j], raws[j]) or (
                keys[j] in _CONNECTORS and j + 1 < n and _proper(keys[j + 1], raws[j + 1])
                and not (keys[j + 1] in st and gaz.at(keys, raws, j + 1)))):
        j += 1
    return j


_OF = frozenset({"du", "de", "des", "d'", "of"})
_ROLE_WORDS = fold_words("""
    foreign affairs affaires étrangères defence defense interior intérieur armed armées chief
    chef général general state état security sécurité premier prime president président
    présidente secretary secrétaire vice deputy gen gén col lt minister ministre supreme suprême
""")

# the word lists the helpers below test, united once
_NOT_PROPER = _NOT_NAMES | _ROLE_WORDS
_QUALIFIERS = _OF | _DETERMINERS | _SPEAKERS | _ROLE_WORDS
_MODIFIERS = _ROLE_WORDS | fold_words("""press presse homeland haut haute high royal royale
    national nationale senior interim intérimaire acting""")
_OFFICE = _ROLE_WORDS | _SPEAKERS
_OFFICE_TAIL = _OF | _ROLE_WORDS | _SPEAKERS | {"'", "s", "la", "l'"}
_SPEAKER_PHRASE = _SPEAKERS | _OF | _ROLE_WORDS
_OFFICE_WORDS = _SPEAKER_PHRASE | _DETERMINERS


def _heads_actor(keys: tuple[str, ...], raws: Sequence[str], j: int, gaz: Gazetteer) -> bool:
    """Whether a speaker head ending before token ``j`` qualifies a named actor that follows
    it ("le ministère russe", "the spokesman of the Kremlin"): the actor then takes the span."""
    for k in range(j, min(j + 4, len(keys))):
        if keys[k] in gaz.trie_ and gaz.at(keys, raws, k):
            return True
        if keys[k] not in _QUALIFIERS:
            return False
    return False


def _determined(keys: tuple[str, ...], i: int) -> bool:
    """Whether the speaker noun at token ``i`` opens the sentence or follows a determiner,
    over up to two words of its office ("the press secretary", "le haut commissaire")."""
    j = i
    while j > 0 and i - j < 2 and keys[j - 1] in _MODIFIERS:
        j -= 1
    return j == 0 or keys[j - 1] in _DETERMINERS


def _grow_right(keys: tuple[str, ...], hi: int) -> int:
    """Extend an actor over the office that follows it: "russe des Affaires étrangères",
    "Russian foreign ministry", "Iran's foreign minister"."""
    j, end = hi, hi
    while j < len(keys) and j - hi < 5 and keys[j] in _OFFICE_TAIL:
        j += 1
        if keys[j - 1] in _OFFICE:
            end = j
    return end


def _grow(keys: tuple[str, ...], lo: int, hi: int, floor: int) -> tuple[int, int]:
    """Widen an actor's token range leftwards over the speaker phrase it qualifies ("le
    porte-parole du Kremlin", "the Russian foreign ministry" stays as it is), never into the
    previous mention (which ends at ``floor``)."""
    j = lo
    while j > floor and keys[j - 1] in _SPEAKER_PHRASE:
        j -= 1
    while j < lo and keys[j] in _OF:
        j += 1
    if j < lo and j > floor and keys[j - 1] in _DETERMINERS:
        j -= 1
    return j, hi
