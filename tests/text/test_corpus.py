import pytest

from genapp.errors import GenappError
from genapp.text.corpus import read_names, split_names


def test_names_are_stripped_lowercased_deduplicated(tmp_path):
    p = tmp_path / "n.txt"
    p.write_text("  Rex \n\nrex\nÉoraptor\n", encoding="utf-8")
    assert read_names(p) == ["rex", "éoraptor"]


def test_bom_is_ignored(tmp_path):
    p = tmp_path / "n.txt"
    p.write_bytes("\ufeffRex\nMei\n".encode("utf-8"))
    assert read_names(p) == ["rex", "mei"]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "is empty; expected UTF-8 text"),
        (b"  \n\t\n ", "is empty; expected UTF-8 text"),
        (b"rex\n\xff\xfeoops\n", "not UTF-8 text (byte 0xff at offset 4); save it as UTF-8"),
    ],
    ids=["empty", "all_blank", "not_utf8"],
)
def test_bad_corpus_is_refused_with_one_line(tmp_path, content, message):
    p = tmp_path / "bad.txt"
    p.write_bytes(content)
    with pytest.raises(GenappError) as e:
        read_names(p)
    assert str(e.value) == f"corpus {p}: {message}"


def test_missing_corpus_and_folder(tmp_path):
    with pytest.raises(GenappError, match="no such file"):
        read_names(tmp_path / "nope.txt")
    with pytest.raises(GenappError, match="is a folder; expected a UTF-8 text file"):
        read_names(tmp_path)


def test_split_is_fixed_and_independent_of_order():
    names = [f"name{i}" for i in range(100)]
    train, val = split_names(names, 0.1)
    train2, val2 = split_names(list(reversed(names)), 0.1)
    assert len(val) == 10 and set(val) == set(val2)
    assert set(train) | set(val) == set(names) and not set(train) & set(val)


def test_split_keeps_one_name_out_of_two():
    train, val = split_names(["a", "b"], 0.1)
    assert len(train) == 1 and len(val) == 1
