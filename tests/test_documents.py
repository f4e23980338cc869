"""Reading documents: the native header, files without it, encodings and line endings."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import stance
from stance import DocumentError, parse_document, read_document
from stance.documents import expand_paths

from .conftest import SEED_DOC
from .test_sentences import FUZZ_EXAMPLES

NATIVE = " date 2024-03 Pékin met en garde Manille\n\nPÉKIN (AFP) - La Chine a averti mardi les Philippines. M. Wang a parlé.\n\nManille dément toute provocation.\n"


def test_seed_document():
    doc = read_document(SEED_DOC)
    assert doc.date == "2021-12"
    assert doc.headline.startswith("Russie et USA conviennent")
    assert doc.lang == "fr"
    assert len(doc.paragraphs) == 10
    assert len(doc.sentences) == 12
    assert doc.sentences[0].text == doc.headline
    for s in doc.sentences:
        assert doc.text[s.start:s.end] == s.text


def test_text_and_path_and_bytes_agree(tmp_path):
    f = tmp_path / "doc.txt"
    f.write_text(NATIVE, encoding="utf-8")
    a, b, c = read_document(f), read_document(str(f)), parse_document(NATIVE)
    d = parse_document(NATIVE.encode())
    assert a.sentences == b.sentences == c.sentences == d.sentences
    assert a.path == str(f) and c.path is None
    assert [s.text for s in a.sentences] == [
        "Pékin met en garde Manille", "PÉKIN (AFP) - La Chine a averti mardi les Philippines.",
        "M. Wang a parlé.", "Manille dément toute provocation."]


def test_crlf_bom_and_nbsp(tmp_path):
    f = tmp_path / "win.txt"
    f.write_bytes(b"\xef\xbb\xbf" + NATIVE.replace("\n", "\r\n").replace("M. Wang", "M.\u00a0Wang").encode())
    doc = read_document(f)
    assert doc.date == "2024-03"
    assert [s.text for s in doc.sentences] == [s.text for s in parse_document(NATIVE).sentences]


def test_without_header():
    doc = parse_document("The ministry denied the report. Talks resume on Monday.")
    assert doc.date is None and doc.headline is None and doc.lang == "en"
    assert len(doc.sentences) == 2


def test_day_precision_and_bad_month():
    assert parse_document(" date 2024-03-05 Titre\n\nTexte.").date == "2024-03-05"
    with pytest.raises(DocumentError, match="invalid month"):
        parse_document(" date 2024-13 Titre\n\nTexte.")


def test_non_utf8_file_names_file_and_line(tmp_path):
    f = tmp_path / "latin1.txt"
    f.write_bytes("Première ligne\nLa Défense a démenti.".encode("latin-1"))
    with pytest.raises(DocumentError, match=r"latin1.txt: not UTF-8 text \(invalid byte at line 1\)"):
        read_document(f)


def test_binary_file(tmp_path):
    f = tmp_path / "blob.txt"
    f.write_bytes(b"PK\x03\x04\x00\x00binary")
    with pytest.raises(DocumentError, match="blob.txt: looks like a binary file"):
        read_document(f)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(DocumentError, match="no such file"):
        read_document(tmp_path / "nope.txt")
    with pytest.raises(DocumentError, match="is a folder"):
        read_document(tmp_path)
    with pytest.raises(TypeError, match="int"):
        read_document(3)


def test_a_text_is_never_a_path(tmp_path, monkeypatch):
    """Paths and texts take different doors: a text that happens to name a file in the
    working directory is analysed as a text, and a path is never parsed as one."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Moscou dément.").write_text(" date 2020-01 Un autre document\n\nKiev accuse Moscou.",
                                             encoding="utf-8")
    a = stance.analyze("Moscou dément.")
    assert [s.text for s in a.sentences] == ["Moscou dément."] and a.document.path is None
    assert a.sentences[0].label == "denial" and a.document.date is None
    assert parse_document("Moscou dément.").text == "Moscou dément."
    assert read_document("Moscou dément.").date == "2020-01"  # the file, through the file door
    with pytest.raises(DocumentError, match="no such file.*parse_document"):
        read_document("Le ministre a démenti.")
    with pytest.raises(TypeError, match="read_document"):
        stance.analyze(tmp_path / "Moscou dément.")
    with pytest.raises(TypeError, match="parse_document"):
        read_document(b"Moscou d\xc3\xa9ment.")


def test_expand_paths_opens_folders_and_keeps_the_rest(tmp_path):
    (tmp_path / "b").mkdir()
    for name in ("b/2.txt", "a.txt", "b/1.text", "notes.md"):
        (tmp_path / name).write_text(" date 2024-01 T\n\nTexte.\n", encoding="utf-8")
    got = expand_paths([tmp_path / "b", "-", str(tmp_path / "a.txt"), str(tmp_path / "gone.txt")])
    assert got == [str(tmp_path / "b" / "1.text"), str(tmp_path / "b" / "2.txt"), "-",
                   str(tmp_path / "a.txt"), str(tmp_path / "gone.txt")]  # a missing file fails when read
    (tmp_path / "empty").mkdir()
    with pytest.raises(DocumentError, match="empty: folder holds no document"):
        expand_paths([tmp_path / "empty"])


@settings(max_examples=FUZZ_EXAMPLES, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=600),
       st.sampled_from(["", " date 2023-05 Un titre\n\n", " date 1999-12-31 \n\n", "date 2020-01 x\r\n"]))
def test_fuzz_reader(body, header):
    doc = parse_document(header + body + "\n")
    for s in doc.sentences:
        assert doc.text[s.start:s.end] == s.text
