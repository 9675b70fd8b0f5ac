import numpy as np
import pytest

from mtat.annotations import parse_annotations
from mtat.splits import assign_splits, folder_split_of, load_split_files
from mtat.tags import MTAT_TAGS, MTAT_TOP50, check_tags, top_k_tags


def test_vocabulary_facts():
    assert len(MTAT_TAGS) == 188 == len(set(MTAT_TAGS))
    assert len(MTAT_TOP50) == 50 and set(MTAT_TOP50) <= set(MTAT_TAGS)


def test_top_k_rule_counts_then_column_order():
    counts = {"rock": 5, "piano": 9, "guitar": 5, "sitar": 0, "flute": 1}
    vocab = ["sitar", "guitar", "rock", "piano", "flute"]
    assert top_k_tags(counts, 3, vocab) == ["piano", "guitar", "rock"]  # tie: CSV column order
    assert top_k_tags(counts, 10, vocab) == ["piano", "guitar", "rock", "flute"]  # zero counts never chosen
    with pytest.raises(ValueError):
        top_k_tags(counts, 0, vocab)


def test_top_k_reproduces_the_standard_mtat_top50_order():
    # counts decreasing along the standard list, every other tag rarer: the rule must give the list back
    counts = {t: 1 for t in MTAT_TAGS}
    counts.update({t: 1000 - i for i, t in enumerate(MTAT_TOP50)})
    assert top_k_tags(counts, 50) == list(MTAT_TOP50)


def test_check_tags_rejects_unknown_and_duplicates():
    assert check_tags(["rock", "piano"], MTAT_TAGS) == ["rock", "piano"]
    with pytest.raises(ValueError, match="unknown tag.*'beach'"):
        check_tags(["rock", "beach"], MTAT_TAGS)
    with pytest.raises(ValueError, match="duplicated"):
        check_tags(["rock", "rock"], MTAT_TAGS)


def _rows(paths):
    text = '"clip_id"\t"rock"\t"mp3_path"\n' + "".join(f'"{i}"\t"0"\t"{p}"\n' for i, p in enumerate(paths))
    return parse_annotations(text).rows


def test_folder_split():
    assert [folder_split_of(p) for p in ["0/a.mp3", "b/a.mp3", "c/a.mp3", "d/a.mp3", "f/a.mp3", "g/a.mp3"]] == [
        "train", "train", "eval", "test", "test", None]
    by_split, rejects = assign_splits(_rows(["0/a.mp3", "c/b.mp3", "e/c.mp3", "zz/d.mp3"]))
    assert {k: [r.mp3_path for r in v] for k, v in by_split.items()} == {
        "train": ["0/a.mp3"], "eval": ["c/b.mp3"], "test": ["e/c.mp3"]}
    assert [(r.path, r.reason) for r in rejects] == [("zz/d.mp3", "no_split")]


def test_won_split_files(tmp_path):
    # Won et al. store numpy string arrays of "<index>\t<folder>/<file>.mp3"
    np.save(tmp_path / "train.npy", np.array(["0\tf/a.mp3", "5\t0/b.mp3"]))
    np.save(tmp_path / "valid.npy", np.array(["1\t1/c.mp3"]))
    (tmp_path / "test.txt").write_text("2\tc/d.mp3\n")
    mapping = load_split_files(str(tmp_path))
    assert mapping == {"f/a.mp3": "train", "0/b.mp3": "train", "1/c.mp3": "eval", "c/d.mp3": "test"}
    by_split, rejects = assign_splits(_rows(["f/a.mp3", "1/c.mp3", "c/d.mp3", "e/unlisted.mp3"]), mapping)
    assert [len(by_split[s]) for s in ("train", "eval", "test")] == [1, 1, 1]
    assert [(r.path, r.reason) for r in rejects] == [("e/unlisted.mp3", "not_in_split_files")]


def test_split_files_errors(tmp_path):
    with pytest.raises(ValueError, match="train.npy"):
        load_split_files(str(tmp_path))
    np.save(tmp_path / "train.npy", np.array(["0\tf/a.mp3"]))
    np.save(tmp_path / "valid.npy", np.array(["0\tf/a.mp3"]))
    np.save(tmp_path / "test.npy", np.array([], dtype="<U4"))
    with pytest.raises(ValueError, match="both"):
        load_split_files(str(tmp_path))
