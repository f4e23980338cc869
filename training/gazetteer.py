"""Build the actor gazetteer ``stance/data/actors/{states,organisations}.tsv``:
``python -m training.gazetteer`` (``--check`` only verifies the shipped files are up to date).

State names come from pycountry (English names, and their French translations through gettext),
merged with the hand-kept rows of ``training/gazetteer_curated.tsv`` (short names news uses,
capitals, demonyms, institutions, leaders, organisations and armed groups). The build refuses a
form that two codes would claim in the same language, and sorts its output so that running it
twice writes byte-identical files. pycountry is needed here only: the shipped files are plain text.
"""
from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import Iterable, NamedTuple

ROOT = Path(__file__).resolve().parent.parent
CURATED = ROOT / "training" / "gazetteer_curated.tsv"
OUT_DIR = ROOT / "stance" / "data" / "actors"
STATES_FILE, ORGS_FILE = "states.tsv", "organisations.tsv"

UN_MEMBERS = tuple("""
AFG ALB DZA AND AGO ATG ARG ARM AUS AUT AZE BHS BHR BGD BRB BLR BEL BLZ BEN BTN BOL BIH BWA BRA BRN BGR
BFA BDI CPV KHM CMR CAN CAF TCD CHL CHN COL COM COG CRI CIV HRV CUB CYP CZE PRK COD DNK DJI DMA DOM ECU
EGY SLV GNQ ERI EST SWZ ETH FJI FIN FRA GAB GMB GEO DEU GHA GRC GRD GTM GIN GNB GUY HTI HND HUN ISL IND
IDN IRN IRQ IRL ISR ITA JAM JPN JOR KAZ KEN KIR KWT KGZ LAO LVA LBN LSO LBR LBY LIE LTU LUX MDG MWI MYS
MDV MLI MLT MHL MRT MUS MEX FSM MCO MNG MNE MAR MOZ MMR NAM NRU NPL NLD NZL NIC NER NGA MKD NOR OMN PAK
PLW PAN PNG PRY PER PHL POL PRT QAT KOR MDA ROU RUS RWA KNA LCA VCT WSM SMR STP SAU SEN SRB SYC SLE SGP
SVK SVN SLB SOM ZAF SSD ESP LKA SDN SUR SWE CHE SYR TJK THA TLS TGO TON TTO TUN TUR TKM TUV UGA UKR ARE
GBR TZA USA URY UZB VUT VEN VNM YEM ZMB ZWE""".split())
OBSERVERS = ("PSE", "VAT")
#: Kosovo (user-assigned XKX, absent from pycountry) and Taiwan are not UN members but are actors.
OTHER_STATES = ("XKX", "TWN")
STATE_CODES = UN_MEMBERS + OBSERVERS + OTHER_STATES

KINDS = ("state", "capital", "demonym", "institution", "leader", "organisation", "group")
LANGS = ("fr", "en", "any")
#: Kinds whose code must be a state's (a capital may also be an organisation's seat: Brussels -> EU).
STATE_KINDS = ("state", "demonym")
#: Kinds whose code must not be a state's.
NON_STATE_KINDS = ("organisation", "group")

#: pycountry names left out, each for the reason given.
EXCLUDED = {
    ("COG", "en", "Congo"): "names the Republic of the Congo and DR Congo alike in news",
    ("GRD", "fr", "Grenade"): "the common noun for a hand grenade (and the Spanish city)",
    ("MUS", "fr", "Maurice"): "a common first name; 'île Maurice' is kept",
    ("DMA", "fr", "Dominique"): "a common first name",
}
#: Forms that may start with an article, because the article is part of the name.
ARTICLE_NAMES = frozenset({
    "La Haye", "Le Caire", "La Havane", "La Paz", "La Valette", "Le Cap", "The Hague",
    "the West", "the West Bank", "The Resistance Front", "Le Drian",
})
ARTICLE = re.compile(r"^(?:the|la|le|les)\s|^l'", re.IGNORECASE)
CODE = re.compile(r"^[A-Z0-9]{2,20}$")
APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u00b4": "'", "`": "'"})


class Row(NamedTuple):
    code: str
    kind: str
    lang: str
    form: str


class GazetteerError(ValueError):
    """Curated rows that cannot be built: each message names the file and line, or the form."""


def normalise(form: str) -> str:
    """A form with straight apostrophes and single inner spaces, as the files store it."""
    return " ".join(form.translate(APOSTROPHES).split())


def form_key(form: str) -> str:
    """What makes two forms the same for the matcher (stance/gazetteer.py folds them alike):
    case, accents and apostrophe style do not count."""
    decomposed = unicodedata.normalize("NFKD", normalise(form))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _langs_overlap(a: str, b: str) -> bool:
    return a == b or "any" in (a, b)


def check_row(row: Row, where: str) -> None:
    """Raise GazetteerError unless ``row`` is well formed: code, kind, lang, article rule."""
    if not CODE.match(row.code):
        raise GazetteerError(f"{where}: code {row.code!r} is not upper-case letters/digits")
    if row.kind not in KINDS:
        raise GazetteerError(f"{where}: kind {row.kind!r} is not one of {', '.join(KINDS)}")
    if row.lang not in LANGS:
        raise GazetteerError(f"{where}: lang {row.lang!r} is not one of {', '.join(LANGS)}")
    if not row.form or "\t" in row.form or "|" in row.form:
        raise GazetteerError(f"{where}: empty form, or a tab or '|' inside one")
    if row.kind in STATE_KINDS and row.code not in STATE_CODES:
        raise GazetteerError(f"{where}: {row.kind} row for {row.code}, which is not a state code")
    if row.kind in NON_STATE_KINDS and row.code in STATE_CODES:
        raise GazetteerError(f"{where}: {row.kind} row for state code {row.code}")
    if ARTICLE.match(row.form) and row.form not in ARTICLE_NAMES:
        raise GazetteerError(f"{where}: {row.form!r} starts with an article; drop it, or add the "
                             "name to ARTICLE_NAMES if the article belongs to it")


def read_curated(path: Path) -> list[Row]:
    """Rows of the curated file: ``code<TAB>kind<TAB>lang<TAB>form|form|...``, '#' comments."""
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 4:
            raise GazetteerError(f"{path}:{n}: {len(fields)} tab-separated fields, expected 4 "
                                 "(code, kind, lang, forms)")
        code, kind, lang, forms = fields
        for form in forms.split("|"):
            row = Row(code, kind, lang, normalise(form))
            check_row(row, f"{path}:{n}")
            rows.append(row)
    return rows


def _clean_pycountry_name(name: str) -> list[str]:
    """Natural-order names in a pycountry name: 'Holy See (Vatican City State)' gives two; inverted
    names ('Korea, Republic of') give none, as every such state also has a natural-order name."""
    name = normalise(name)
    if "," in name:
        return []
    parts = [name]
    if "(" in name and name.endswith(")"):
        head, _, tail = name[:-1].partition("(")
        parts = [head.strip(), tail.strip()]
    cleaned = []
    for part in parts:
        part = re.sub(r"^(?:the |The |L'|La |Le )", "", part)
        cleaned.append(part[:1].upper() + part[1:])
    return cleaned


def pycountry_rows() -> tuple[list[Row], str]:
    """English and French state names of every state pycountry knows among STATE_CODES, and the
    pycountry version they come from."""
    import gettext
    from importlib.metadata import version

    try:
        import pycountry
    except ImportError as exc:
        raise GazetteerError("pycountry is needed to build the gazetteer: "
                             "pip install pycountry") from exc
    french = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
    rows = []
    for code in STATE_CODES:
        country = pycountry.countries.get(alpha_3=code)
        if country is None:
            continue  # XKX: its names are curated
        names = [getattr(country, attr, None) for attr in ("name", "official_name", "common_name")]
        for name in dict.fromkeys(n for n in names if n):
            for lang, text in (("en", name), ("fr", french.gettext(name))):
                for form in _clean_pycountry_name(text):
                    if (code, lang, form) not in EXCLUDED:
                        rows.append(Row(code, "state", lang, form))
    return rows, version("pycountry")


def unaccented_variants(rows: Iterable[Row]) -> list[Row]:
    """French forms starting with É also written with a bare E, as French capitals often are
    ('Etats-Unis', 'Elysée', 'Egyptiens')."""
    return [r._replace(form="E" + r.form[1:]) for r in rows
            if r.lang == "fr" and r.form[:1] in ("É", "é")]


def merge(rows: Iterable[Row]) -> list[Row]:
    """One row per code, kind and form; a form listed in French and English becomes ``any``."""
    langs: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for r in rows:
        langs[(r.code, r.kind, r.form)].add(r.lang)
    merged = []
    for (code, kind, form), ls in langs.items():
        both = "any" in ls or {"fr", "en"} <= ls
        merged.append(Row(code, kind, "any" if both else ls.pop(), form))
    return merged


def collisions(rows: Iterable[Row]) -> list[str]:
    """A message for each form two codes claim in overlapping languages (same, or ``any``)."""
    by_key: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        by_key[form_key(r.form)].append(r)
    problems = []
    for key, rs in sorted(by_key.items()):
        clash = sorted({f"{a.code} ({a.lang})" for a in rs for b in rs
                        if a.code != b.code and _langs_overlap(a.lang, b.lang)})
        if clash:
            problems.append(f"form {rs[0].form!r} is mapped to several codes: {', '.join(clash)}")
    return problems


def sort_key(row: Row) -> tuple:
    return (row.code, KINDS.index(row.kind), LANGS.index(row.lang), row.form.casefold(), row.form)


HEADER = """\
# stance actor gazetteer: {title}.
# UTF-8, tab-separated, one surface form per line: code<TAB>kind<TAB>lang<TAB>form
# kind: {kinds}; lang: fr, en or any.
# ALL-CAPS acronyms are meant to match case-sensitively, every other form case-insensitively;
# apostrophes are straight (').
# Generated by training/gazetteer.py from pycountry {version} state names (English, and French
# through gettext) and the curated rows of training/gazetteer_curated.tsv; do not edit by hand.
# Rebuild: pip install pycountry && python -m training.gazetteer
"""


def render(rows: list[Row], title: str, version: str) -> str:
    """The text of one shipped file: header, then rows in a fixed order."""
    body = "".join("\t".join(r) + "\n" for r in sorted(rows, key=sort_key))
    return HEADER.format(title=title, kinds=", ".join(KINDS), version=version) + body


def build(curated: Path = CURATED) -> dict[str, str]:
    """The shipped files' names and texts; GazetteerError if a row is bad or a form collides."""
    generated, version = pycountry_rows()
    rows = read_curated(curated) + generated
    for r in generated:
        check_row(r, f"pycountry {r.code}")
    rows = merge(rows + unaccented_variants(rows))
    problems = collisions(rows)
    if problems:
        raise GazetteerError(f"{len(problems)} ambiguous form(s); keep each on one code or "
                             "give them different languages:\n" + "\n".join(problems))
    states = [r for r in rows if r.code in STATE_CODES]
    others = [r for r in rows if r.code not in STATE_CODES]
    return {STATES_FILE: render(states, "states, their capitals, demonyms, "
                                "institutions and leaders", version),
            ORGS_FILE: render(others, "organisations and armed groups", version)}


def write(files: dict[str, str], out_dir: Path) -> None:
    """Write each file whole, through a temporary file, so no reader sees half of one."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        tmp = out_dir / f".{name}.tmp"
        tmp.write_text(text, encoding="utf-8", newline="\n")
        tmp.replace(out_dir / name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.gazetteer", description=__doc__)
    parser.add_argument("--curated", type=Path, default=CURATED)
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output directory")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if the files in --out differ from a fresh build")
    args = parser.parse_args(argv)
    try:
        files = build(args.curated)
    except (GazetteerError, OSError) as exc:
        print(f"gazetteer: {exc}", file=sys.stderr)
        return 1
    if args.check:
        stale = [n for n, t in files.items()
                 if not (args.out / n).exists() or (args.out / n).read_text(encoding="utf-8") != t]
        for name in stale:
            print(f"gazetteer: {args.out / name} is out of date; run python -m training.gazetteer",
                  file=sys.stderr)
        return 1 if stale else 0
    write(files, args.out)
    for name, text in files.items():
        n = sum(1 for line in text.splitlines() if line and not line.startswith("#"))
        print(f"{args.out / name}: {n} forms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
