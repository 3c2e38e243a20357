import numpy as np
import pytest

from genapp.data.vocab import EOS, PAD, UNK
from genapp.text.tokens import Detokenizer, build_vocab, detokenize, encode, tokenize
from genapp.text.windows import WindowStream


def test_words_punctuation_and_sentence_ends():
    assert tokenize("Hello, world! It's late.", "word") == ["hello", ",", "world", "!", EOS, "it's", "late", ".", EOS]
    assert tokenize("ab c", "char") == ["a", "b", " ", "c"]


def test_a_run_of_one_mark_is_one_token():
    """A table's rules and operators stay whole: "-----" is one token, not five that a model learns to repeat."""
    tokens = tokenize("Wait... x == y; +-----+ **kw", "word")
    assert tokens == ["wait", "...", EOS, "x", "==", "y", ";", "+", "-----", "+", "**", "kw"]
    assert detokenize(tokens, "word") == "Wait... X == y; + ----- + ** kw"


def test_names_with_underscores_stay_whole():
    """Python's docs are full of __init__ and sys.exit_code: the underscores are part of the word, never dropped."""
    tokens = tokenize("Call __init__ with max_size; _ is a name.", "word")
    assert tokens == ["call", "__init__", "with", "max_size", ";", "_", "is", "a", "name", ".", EOS]
    assert detokenize(tokens, "word") == "Call __init__ with max_size; _ is a name."


@pytest.mark.parametrize("text", ["Hello, world! It's a (small) test.", "I think so; you don't.", "Pear salad: 3 pears."])
def test_detokenized_text_reads_naturally(text):
    assert detokenize(tokenize(text, "word"), "word") == text


def test_word_vocab_keeps_the_most_frequent_and_maps_the_rest_to_unk():
    tokens = tokenize("a a a b b c.", "word")
    v = build_vocab(tokens, "word", size=5)
    assert v.symbols[:3] == (PAD, UNK, EOS) and set(v.symbols[3:]) == {"a", "b"}
    assert encode(["c", "a"], v) == [v.index(UNK), v.index("a")]


def test_detokenizer_streams_and_never_prints_reserved_tokens():
    d = Detokenizer("word")
    assert "".join(d(t) for t in ["so", ",", UNK, "i", "said", ".", EOS, "yes"]) == "so, I said. Yes"


def test_window_stream_cuts_batches_on_demand():
    ids = np.arange(1, 1001, dtype=np.int32)
    stream = WindowStream(ids, tx=10, batch_size=16, shuffle=True, seed=0)
    n = len(stream)
    seen = set()
    for i in range(n):
        x, y = stream[i]
        assert x.shape == y.shape and x.shape[1] == 10
        assert (x[:, 0] == 0).all() and (x[:, 1:] == y[:, :-1]).all()
        assert ((y[:, 1:] - y[:, :-1]) == 1).all()  # consecutive text
        seen.update(y[:, 0].tolist())
    stream.on_epoch_end()
    assert len(stream) == n and len(seen) == stream.n_windows


def test_char_codes_give_encode_s_indices_for_a_whole_chunk():
    import numpy as np

    from genapp.text.tokens import CharCodes, build_vocab, encode

    text = "héllo wörld 𝄞\n" * 3
    vocab = build_vocab(list(text), "char")
    grown = vocab.extended(["z", "a"])  # a fine-tuned model's vocabulary: new symbols at the end, unsorted
    for v in (vocab, grown):
        assert np.array_equal(CharCodes(v)(text), encode(list(text), v))
    with pytest.raises(ValueError, match="got 'e'"):
        CharCodes(vocab)("hez")
