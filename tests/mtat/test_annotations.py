import pytest

from mtat.annotations import (
    AnnotationsError,
    load_annotations,
    multi_hot,
    parse_annotations,
    resolve_clip_path,
    unsafe_path_reason,
)
from mtat.tags import MTAT_TAGS

TAGS = ["guitar", "piano", "rock"]


def mtat_line(values):
    """A line in MTAT's own format: tab-separated, every field double-quoted."""
    return "\t".join(f'"{v}"' for v in values)


def csv_text(rows, header=None, newline="\n"):
    header = header or ["clip_id", *TAGS, "mp3_path"]
    return newline.join([mtat_line(header), *[mtat_line(r) for r in rows]]) + newline


def test_parses_quoted_tab_separated_rows():
    ann = parse_annotations(csv_text([[2, 1, 0, 1, "f/a-b-01-c-0-29.mp3"], [6, 0, 1, 0, "0/x y-1.mp3"]]))
    assert ann.tag_columns == tuple(TAGS)
    assert [(r.clip_id, r.mp3_path, sorted(r.tags), r.row) for r in ann.rows] == [
        (2, "f/a-b-01-c-0-29.mp3", ["guitar", "rock"], 2), (6, "0/x y-1.mp3", ["piano"], 3)]
    assert ann.rejects == ()
    assert ann.tag_counts() == {"guitar": 1, "piano": 1, "rock": 1}


def test_full_mtat_header_and_unquoted_fields():
    header = ["clip_id", *MTAT_TAGS, "mp3_path"]
    row = ["7"] + ["0"] * len(MTAT_TAGS) + ["3/z.mp3"]
    row[1 + MTAT_TAGS.index("sitar")] = "1"
    text = "\t".join(header) + "\n" + "\t".join(row) + "\n"  # unquoted is read the same
    ann = parse_annotations(text)
    assert ann.tag_columns == MTAT_TAGS and ann.rows[0].tags == {"sitar"}


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_bom_and_crlf(tmp_path, newline):
    path = tmp_path / "annotations_final.csv"
    path.write_bytes(b"\xef\xbb\xbf" + csv_text([[1, 0, 0, 1, "0/a.mp3"]], newline=newline).encode())
    ann = load_annotations(str(tmp_path))
    assert ann.rows[0].clip_id == 1 and ann.rows[0].mp3_path == "0/a.mp3" and ann.rows[0].tags == {"rock"}


def test_malformed_rows_become_rejects_with_line_numbers():
    rows = [
        [1, 1, 0, 0, "0/ok.mp3"],
        [2, 1, 0, "0/short.mp3"],              # missing a field
        ["x3", 0, 0, 0, "0/badid.mp3"],        # non-integer id
        [1, 0, 0, 0, "0/dupid.mp3"],           # duplicated id
        [4, 2, 0, 0, "0/badvalue.mp3"],        # tag value not 0/1
        [5, 0, 0, 0, "../escape.mp3"],         # escapes the root
        [6, 0, 0, 0, "/etc/passwd"],           # absolute
        [7, 0, 0, 0, ""],                      # empty path
        [8, 0, 1, 0, "0/ok.mp3"],              # duplicated path
        [9, 0, 1, 0, "1/fine.mp3"],
    ]
    ann = parse_annotations(csv_text(rows), source="ann.csv")
    assert [r.clip_id for r in ann.rows] == [1, 9]
    got = [(r.clip_id, r.reason, r.row) for r in ann.rejects]
    assert got == [("2", "malformed_row", 3), ("x3", "bad_clip_id", 4), ("1", "duplicate_clip_id", 5),
                   ("4", "bad_tag_value", 6), ("5", "unsafe_path", 7), ("6", "unsafe_path", 8),
                   ("7", "unsafe_path", 9), ("8", "duplicate_path", 10)]
    assert all(r.message.startswith("ann.csv line ") for r in ann.rejects)
    assert "'guitar' has value '2'" in ann.rejects[3].message


@pytest.mark.parametrize("header, match", [
    (["id", "guitar", "mp3_path"], "clip_id"),
    (["clip_id", "guitar", "path"], "mp3_path"),
    (["clip_id", "guitar", "guitar", "mp3_path"], "duplicated"),
    (["clip_id", "mp3_path"], "no tag columns"),
])
def test_broken_header_is_a_whole_file_error(header, match):
    with pytest.raises(AnnotationsError, match=match):
        parse_annotations(csv_text([], header=header))


def test_comma_separated_file_gets_a_hint():
    with pytest.raises(AnnotationsError, match="tab-separated"):
        parse_annotations('"clip_id","guitar","mp3_path"\n"1","0","0/a.mp3"\n')


def test_empty_and_missing_file(tmp_path):
    with pytest.raises(AnnotationsError, match="empty"):
        parse_annotations("\n\n")
    with pytest.raises(AnnotationsError, match="not found"):
        load_annotations(str(tmp_path))


def test_multi_hot_follows_vocabulary_order():
    assert multi_hot({"rock", "guitar", "unknown"}, TAGS) == [1, 0, 1]


def test_path_safety(tmp_path):
    assert unsafe_path_reason("f/a.mp3") is None
    for bad in ["../a.mp3", "a/../../b.mp3", "/abs.mp3", "C:/x.mp3", "a\\b.mp3", "gs://b/x.mp3", " "]:
        assert unsafe_path_reason(bad), bad
    (tmp_path / "root").mkdir()
    (tmp_path / "secret.mp3").write_bytes(b"x")
    (tmp_path / "root" / "link.mp3").symlink_to(tmp_path / "secret.mp3")
    root = str(tmp_path / "root")
    assert resolve_clip_path(root, "0/a.mp3").endswith("root/0/a.mp3")
    with pytest.raises(ValueError, match="outside the data root"):
        resolve_clip_path(root, "link.mp3")
    with pytest.raises(ValueError, match="escapes"):
        resolve_clip_path(root, "../secret.mp3")
