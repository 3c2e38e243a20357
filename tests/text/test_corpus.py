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


# ---- large texts, a chunk at a time -------------------------------------------------------------


def test_files_read_in_chunks_give_the_joined_text_and_never_split_a_word(tmp_path):
    from genapp.text.corpus import TextFiles, read_texts

    one, two = tmp_path / "one.txt", tmp_path / "two.txt"
    one.write_text("\ufeffÉtude for 𝄞 clef,\nnaïve words and more words " * 50, encoding="utf-8")
    two.write_text("second file", encoding="utf-8")
    for chunk in (1, 7, 64, 1 << 20):
        chunks = list(TextFiles([one, two], chunk).chunks())
        assert "".join(chunks) == read_texts([one, two])
        assert all(c[-1] in " \n" for c in chunks[:-1])  # every cut after a space or a line break


def test_a_file_that_is_not_utf8_is_named_with_the_offset_of_its_bad_byte(tmp_path):
    from genapp.text.corpus import TextFiles

    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"abc " * 10 + b"\xe2\x82x rest")
    for chunk in (3, 41, 1 << 20):  # the bad character cut by a chunk boundary or not
        with pytest.raises(GenappError, match=r"bad.txt: not UTF-8 text \(byte 0xe2 at offset 40\)"):
            list(TextFiles([bad], chunk).chunks())
    blank = tmp_path / "blank.txt"
    blank.write_text(" \n\n ")
    with pytest.raises(GenappError, match="blank.txt: is empty"):
        list(TextFiles([blank], 2).chunks())
