"""The vocabulary files and their one loader: what ships, and that a malformed file names its file and line."""
from __future__ import annotations

import pathlib
import shutil

import pytest

from mtat.search import vocabulary
from mtat.search.errors import VocabularyError

REPO = pathlib.Path(__file__).resolve().parents[2]


def test_the_shipped_files_load_and_are_package_data():
    voc = vocabulary.load_from(vocabulary.HERE)
    assert len(voc.concepts) >= 500 and set(voc.words) == set(vocabulary.WORD_SETS)
    assert ("vocal", "vocals", "voice", "voices", "singing", "singer") in voc.synonym_groups
    assert voc.descriptions["new age"].startswith("new age") and "CALM" in voc.bundles
    files = {p.relative_to(vocabulary.HERE).as_posix() for p in pathlib.Path(vocabulary.HERE).rglob("*.txt")}
    assert files == {"bundles.txt", "tag_descriptions.txt", "synonyms.txt", "words.txt", "kinds.txt",
                     *(f"concepts/{s}.txt" for s in vocabulary.SECTIONS)}
    setup = (REPO / "setup.py").read_text()
    assert '"mtat.search.vocabulary": ["*.txt", "concepts/*.txt"]' in setup  # shipped by a non-editable install


def test_no_alias_is_split_across_lines():
    """A line break inside an alias list separates two aliases: every continued line ends an alias."""
    text = "x: one, two\n    three | pop:1\n"
    assert vocabulary.parse_concepts(text)[0].aliases == ("one", "two", "three")
    for path in pathlib.Path(vocabulary.HERE, "concepts").glob("*.txt"):
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            assert not line.rstrip().endswith("|") or line.strip().startswith("#"), (path.name, lineno)


def _copy(tmp_path) -> pathlib.Path:
    folder = tmp_path / "vocabulary"
    shutil.copytree(vocabulary.HERE, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return folder


@pytest.mark.parametrize("name, line, fragment", [
    ("concepts/moods.txt", "broken concept without a bar", "expected 'name: aliases | weights'"),
    ("concepts/genres.txt", "x: weird new alias | fast=.8", "cannot read 'fast=.8'"),
    ("concepts/scenes.txt", "x: another alias | @NOPE", "unknown bundle @NOPE"),
    ("bundles.txt", "NEW | fast:.5 @MISSING", "unknown bundle @MISSING"),
    ("tag_descriptions.txt", "no bar here", "expected one line 'tag | description'"),
    ("synonyms.txt", "beat, pulse", "tag 'beat' is already in the group of"),
    ("words.txt", "colours: red, green", "unknown word set 'colours'"),
])
def test_a_malformed_file_names_the_file_and_the_line(tmp_path, name, line, fragment):
    folder = _copy(tmp_path)
    path = folder / name
    text = path.read_text(encoding="utf-8")
    lineno = len(text.splitlines()) + 1
    path.write_text(text + line + "\n", encoding="utf-8")
    with pytest.raises(VocabularyError, match=rf"{name.replace('/', '.')} line {lineno}: .*{fragment}"):
        vocabulary.load_from(str(folder))


def test_a_missing_word_set_or_file_is_named(tmp_path):
    folder = _copy(tmp_path)
    (folder / "words.txt").write_text("negations: no, not\n", encoding="utf-8")
    with pytest.raises(VocabularyError, match=r"words\.txt: missing word set\(s\) negation skip"):
        vocabulary.load_from(str(folder))
    (folder / "synonyms.txt").unlink()
    with pytest.raises(VocabularyError, match=r"synonyms\.txt: cannot read the vocabulary file"):
        vocabulary.load_from(str(folder))
