"""Text models: train on a small text, write from a prompt, score sentences; bad input."""

import shutil

import pytest
from run_cli import run

from genapp.errors import GenappError
from genapp.products.text import TextModel, train_text

TEXT = """The cat sat on the mat. The dog sat on the log. A pear salad is a salad of pears.
The cat ate the pear. The dog ate the salad. Is the cat on the mat? Yes, the cat is on the mat!
""" * 6


@pytest.fixture(scope="module")
def char_bundle(tmp_path_factory):
    out = tmp_path_factory.mktemp("text") / "char"
    train_text([TEXT], out, {"level": "char", "units": 16, "dropout": 0.0, "input_dropout": 0.0, "epochs": 2, "batch_size": 8, "tx": 20},
               corpus_name="cats")
    return out


@pytest.fixture(scope="module")
def word_bundle(tmp_path_factory):
    out = tmp_path_factory.mktemp("text") / "word"
    train_text([TEXT], out, {"level": "word", "units": 16, "dropout": 0.0, "input_dropout": 0.0, "epochs": 2, "batch_size": 8, "tx": 8,
                             "vocab_size": 10})
    return out


def test_char_model_writes_exactly_length_tokens_reproducibly(char_bundle):
    m = TextModel.load(char_bundle)
    ids, note = m.prompt_ids("The cat")
    a = list(m.write("The cat", 40, seed=1, whole=False))
    assert len(a) == 40 and a == list(m.write("The cat", 40, seed=1, whole=False)) and note is None
    assert m.bundle.training["corpus"] == "cats" and m.level == "char"


def test_write_ends_at_a_sentence_or_a_word_near_the_length(char_bundle):
    m = TextModel.load(char_bundle)
    for seed in range(6):
        text = "".join(m.write("The cat", 60, seed=seed))
        exact = "".join(m.write("The cat", 60, seed=seed, whole=False))
        assert 60 - 12 <= len(text) <= 60 + 12
        assert text.startswith(exact[:48])  # the same sample, cut elsewhere
        longer = "".join(m.write("The cat", 72, seed=seed, whole=False))
        following = longer[len(text) : len(text) + 1]
        assert text[-1] in ".!?\n" or following.isspace() or following == "", (text, following)


@pytest.mark.parametrize("tokens, target, expected", [
    (list("hello world. this is it. more"), 20, 24),  # a sentence end beats a nearer word end
    (list("abc defg hij"), 6, 8),  # no sentence: the nearest word end
    (list("abcdefgh"), 5, 5),  # no boundary at all: the target
    (list("one\ntwo three"), 6, 4),  # a line break ends a sentence (preferred to the nearer word end)
])
def test_ending_of_characters(tokens, target, expected):
    from genapp.text.tokens import ending

    assert ending(tokens, target, "char") == expected


def test_ending_of_words_prefers_eos():
    from genapp.text.tokens import ending

    words = ["the", "cat", "sat", ".", "<eos>", "the", "dog"]
    assert ending(words, 6, "word") == 5 and ending(["a", "b", "c"], 2, "word") == 2
    assert ending(words[3:], 6, "word", start=3) == 5  # counted from the run's start


def test_word_model_never_emits_unk(word_bundle):
    m = TextModel.load(word_bundle)
    assert m.bundle.training["unknown_tokens"] > 0  # a vocabulary of 10 leaves many words out
    out = list(m.tokens("the cat", 300, temperature=2.0, seed=0))
    assert "<unk>" not in out and "<pad>" not in out


def test_score_is_a_log_probability_per_token(char_bundle):
    m = TextModel.load(char_bundle)
    good, bad = m.score(["the cat sat", "tsa hte cta"])
    assert good.tokens == 11 and good.log_prob < 0 and good.nats_per_token == pytest.approx(-good.log_prob / 11)
    assert good.log_prob > bad.log_prob


def test_cli_write_streams_prompt_and_continuation(char_bundle):
    result = run("write", "--model", char_bundle, "--prompt", "The dog", "--length", 25, "--seed", 2, "--exact")
    assert result.exit_code == 0 and result.stdout.startswith("The dog") and len(result.stdout) == len("The dog") + 25 + 1


def test_cli_write_several_temperatures(char_bundle):
    result = run("write", "--model", char_bundle, "--prompt", "The dog", "--length", 25, "--seed", 2, "-t", "0,1.5")
    assert result.exit_code == 0, result.output
    blocks = result.stdout.split("\n\n")
    assert len(blocks) == 2 and blocks[0].startswith("temperature 0:\nThe dog")
    assert blocks[1].startswith("temperature 1.5:\nThe dog")
    single = run("write", "--model", char_bundle, "--prompt", "The dog", "--length", 25, "--seed", 2, "-t", "1.5")
    assert blocks[1].split("\n", 1)[1] == single.stdout


def test_cli_word_level_write_reads_naturally(word_bundle):
    result = run("write", "--model", word_bundle, "--prompt", "The cat sat on", "--length", 30, "--seed", 3)
    assert result.exit_code == 0 and " ." not in result.stdout and " ," not in result.stdout


def test_prompt_in_a_script_the_model_never_saw(char_bundle):
    result = run("write", "--model", char_bundle, "--prompt", "Кот the", "--length", 5, "--seed", 0)
    assert result.exit_code == 0
    assert result.stderr.startswith("--prompt: 3 characters the model never saw ('К' 'о' 'т') were left out")


def test_cli_score(char_bundle):
    result = run("score", "--model", char_bundle, "the cat sat", "the cta sat")
    header, a, b = result.stdout.splitlines()
    assert header == "text\tlog_prob\tnats_per_token\ttokens"
    assert float(a.split("\t")[1]) > float(b.split("\t")[1])
    bad = run("score", "--model", char_bundle, "naïe")
    assert bad.exit_code == 1 and bad.stderr.strip() == \
        "Error: TEXT 'naïe': 1 character the model never saw ('ï'); P(text) would be zero"


@pytest.mark.parametrize(
    "content, reason",
    [(b"", "is empty; expected UTF-8 text"), (b"caf\xe9\n", "not UTF-8 text (byte 0xe9 at offset 3); save it as UTF-8")],
    ids=["empty", "latin1"],
)
def test_bad_corpus(tmp_path, content, reason):
    corpus = tmp_path / "c.txt"
    corpus.write_bytes(content)
    result = run("train-text", "--corpus", corpus, "--out", tmp_path / "m", "--epochs", 1)
    assert result.exit_code == 1 and result.stderr.strip() == f"Error: --corpus {corpus}: {reason}"
    assert not (tmp_path / "m").exists()


def test_length_zero_and_vocab_size_too_small(tmp_path, char_bundle):
    result = run("write", "--model", char_bundle, "--length", 0)
    assert result.exit_code == 2 and "Invalid value for '--length': 0 is not in the range x>=1." in result.stderr
    corpus = tmp_path / "c.txt"
    corpus.write_text(TEXT)
    result = run("train-text", "--corpus", corpus, "--level", "word", "--vocab-size", 3, "--out", tmp_path / "m")
    assert result.exit_code == 1 and result.stderr.strip() == \
        "Error: --vocab-size 3: must be larger than the 3 reserved tokens (<pad>, <unk>, <eos>)"
    with pytest.raises(GenappError, match="corpus too small: 12 char tokens; tx 100 needs at least 101"):
        train_text(["tiny corpus!"], tmp_path / "t", {"units": 4, "epochs": 1, "tx": 100})


def test_bundles_of_the_wrong_kind_are_named(char_bundle, tiny_bundle, tmp_path):
    result = run("write", "--model", tiny_bundle)
    assert result.stderr.strip() == f"Error: model bundle {tiny_bundle}: is a 'names' model; this command needs a 'text' model"
    copy = tmp_path / "t"
    shutil.copytree(char_bundle, copy)
    result = run("dino-names", "--model", copy)
    assert result.stderr.strip() == f"Error: model bundle {copy}: is a 'text' model; this command needs a 'names' model"


def test_training_prints_a_line_of_text_after_each_epoch(tmp_path):
    said = []
    train_text([TEXT], tmp_path / "t", {"level": "char", "units": 8, "epochs": 2, "batch_size": 8, "tx": 20},
               say=said.append)
    samples = [line for line in said if line.startswith("    '")]
    assert len(samples) == 2 and all(len(line) > 40 for line in samples)


def test_files_read_a_chunk_at_a_time_train_as_the_same_text_in_memory(tmp_path, monkeypatch):
    from genapp.products import text as product
    from genapp.text import corpus

    path = tmp_path / "corpus.txt"
    path.write_text("the cat sat on the mat. " * 200, encoding="utf-8")
    options = {"units": 8, "tx": 20, "epochs": 1, "batch_size": 16}
    whole = product.train_text([path.read_text()], tmp_path / "whole", options, corpus_name="corpus.txt")
    monkeypatch.setattr(corpus, "CHUNK", 50)  # many chunks
    chunked = product.train_text(None, tmp_path / "chunked", options, files=[path])
    for key in ("corpus_sha256", "tokens", "final_train_loss", "best_val_loss"):
        assert chunked.bundle.training[key] == whole.bundle.training[key], key
    assert chunked.vocab == whole.vocab


def test_carried_state_training_streams_the_text_and_saves_the_stateless_model(tmp_path):
    said = []
    options = {"level": "char", "units": 8, "epochs": 2, "batch_size": 8, "tx": 20}
    model = train_text([TEXT], tmp_path / "c", {**options, "carry": True}, say=said.append)
    t = model.bundle.training
    assert t["validation_tokens"] == 106 and t["carried_streams"] == 5  # 106 held-out characters: 5 windows of 20
    assert "the state carried through 5 streams" in said[0], said[0]
    assert model.bundle.model.input_shape == (None, None)  # any batch, any length: the stateless graph
    assert len("".join(TextModel.load(tmp_path / "c").write("The cat", length=30, seed=0, whole=False))) == 30
    plain = train_text([TEXT], tmp_path / "p", {**options, "carry": False}, say=said.append)
    started = [line for line in said if line.startswith("training ")]
    assert "carried_streams" not in plain.bundle.training and "every window from a zero state" in started[-1]


def test_cli_carry_flag(tmp_path):
    corpus = tmp_path / "t.txt"
    corpus.write_text(TEXT, encoding="utf-8")
    args = ("train-text", "--corpus", str(corpus), "--preset", "tiny", "--epochs", "1", "--tx", "20")
    on = run(*args, "--out", str(tmp_path / "on"), "--carry")
    off = run(*args, "--out", str(tmp_path / "off"), "--no-carry")
    assert on.exit_code == off.exit_code == 0, on.stderr + off.stderr
    assert "state carried through" in on.stderr and "every window from a zero state" in off.stderr


def test_carry_trains_on_one_device_only(tmp_path):
    with pytest.raises(GenappError, match="carry trains on one device .* leave out carry or devices"):
        train_text([TEXT], tmp_path / "c", {"carry": True}, devices=2)
    assert not (tmp_path / "c").exists()


def test_learned_input_vectors_train_load_write_and_keep_their_shape(tmp_path, word_bundle):
    import json

    import keras

    said = []
    options = {"level": "word", "units": 8, "epochs": 2, "batch_size": 8, "tx": 8, "vocab_size": 12, "embedding": 4}
    train_text([TEXT], tmp_path / "e", options, say=said.append)
    assert "(8 units, 4-wide learned input vectors)" in said[0], said[0]
    model = TextModel.load(tmp_path / "e")  # safe_mode
    layer = model.bundle.model.get_layer("embedding")
    assert isinstance(layer, keras.layers.Embedding) and layer.get_weights()[0].shape == (12, 4)
    assert model.config.embedding == 4 and len(list(model.write("The cat", length=6, seed=0, whole=False))) == 6
    with pytest.raises(GenappError, match="embedding 8: the model in .* has embedding 4; resume keeps the model's"):
        train_text([TEXT], tmp_path / "e", {"embedding": 8, "epochs": 3}, resume=True)
    # a bundle written before learned inputs existed reads as one-hot, and keeps it when resumed
    old = tmp_path / "old"
    shutil.copytree(word_bundle, old)
    config = json.loads((old / "config.json").read_text())
    del config["model"]["embedding"]
    (old / "config.json").write_text(json.dumps(config))
    with pytest.raises(GenappError, match="embedding 4: the model in .* has embedding 0"):
        train_text([TEXT], old, {"embedding": 4, "epochs": 3}, resume=True)


def test_the_shipped_word_model_writes_words_from_a_prompt():
    from genapp import paths

    model = TextModel.load(paths.models_dir() / "words")  # safe_mode
    assert model.level == "word" and model.config.embedding == 64 and model.vocab.size == 3000
    result = run("write", "--model", "words", "--prompt", "The for statement", "--length", 30, "--seed", 1)
    assert result.exit_code == 0, result.stderr
    words = result.stdout.split()
    assert result.stdout.startswith("The for statement ") and len(words) - 3 >= 10, result.stdout
    assert result.stdout.rstrip().endswith((".", "!", "?"))  # 30 tokens, ended at a sentence's end near them
    assert "<unk>" not in result.stdout and "<eos>" not in result.stdout
