import pytest

from genapp.data.vocab import END, PAD, UNK, Vocabulary


def test_specials_come_first_then_code_point_order():
    v = Vocabulary.build("cab", specials=(PAD, END))
    assert v.symbols == (PAD, END, "a", "b", "c")
    assert v.index(PAD) == 0 and v.index(END) == 1


def test_order_does_not_depend_on_input_order():
    assert Vocabulary.build("zyxabc").symbols == Vocabulary.build("cbaxyz").symbols


def test_encode_decode_round_trip():
    v = Vocabulary.build("héllo wörld", specials=(PAD, END))
    text = "wörld héllo"
    assert "".join(v.decode(v.encode(text))) == text


def test_unknown_lists_each_missing_symbol_once_in_order():
    v = Vocabulary.build("abc")
    assert v.unknown("axbyx") == ["x", "y"]
    with pytest.raises(KeyError):
        v.encode("ax")


def test_json_round_trip():
    v = Vocabulary.build(["the", "cat", "."], specials=(PAD, UNK))
    assert Vocabulary.from_json(v.to_json()) == v


def test_rejects_symbols_that_do_not_start_with_the_specials():
    with pytest.raises(ValueError, match="expected the symbols to start with"):
        Vocabulary(("a", PAD), (PAD,))
