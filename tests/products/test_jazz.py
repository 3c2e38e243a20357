"""The jazz library: training facts, improvising exactly the bars asked for, progressions."""

from fractions import Fraction

import numpy as np
import pytest

from genapp.errors import GenappError
from genapp.music.grammar import in_bucket
from genapp.music.progression import progression_from_file, progression_from_text
from genapp.products.jazz import JazzModel, train_jazz


@pytest.fixture(scope="module")
def model(jazz_bundle):
    return JazzModel.load(jazz_bundle)


def test_training_facts(model):
    t = model.bundle.training
    assert t["pieces"] == 3 and t["train_windows"] > 0 and len(t["corpus_sha256"]) == 64
    assert model.config.tx == 8 and model.config.units == 8 and model.bundle.kind == "jazz"


def test_improvise_fills_exactly_the_bars(model):
    prog = progression_from_text("Dm7 G7 Cmaj7")
    for temperature in (0.0, 1.0, 2.0):
        solo = model.solo(prog, bars=5, temperature=temperature, seed=0)
        assert sum(v.duration for v in solo.values) == Fraction(20)
        assert all(n.end <= 20 + 1e-9 and n.duration > 0 for n in solo.decoded.notes)
        assert [c.chord.symbol for c in solo.chords] == ["Dm7", "G7", "Cmaj7", "Dm7", "G7"]


def test_same_seed_same_solo(model):
    prog = progression_from_text("F7 Bb7")
    a = model.solo(prog, 4, 1.0, seed=5)
    b = model.solo(prog, 4, 1.0, seed=5)
    assert [(n.start, n.pitch) for n in a.decoded.notes] == [(n.start, n.pitch) for n in b.decoded.notes]


def test_primer_starts_the_solo(model, jazz_corpus):
    primer, unknown = model.primer_values(str(jazz_corpus / "blues.abc"))
    assert primer and unknown == 0
    solo = model.solo(progression_from_text("F7 Bb7 F7 C7"), 4, 1.0, seed=1, primer=primer)
    assert [str(v) for v in solo.values[:5]] == [str(v) for v in primer[:5]]


def test_decoded_notes_follow_their_values_where_possible(model):
    solo = model.solo(progression_from_text("C7 F7"), 8, 1.0, seed=2)
    sounded = [v for v in solo.values if v.type != "R"]
    broken = sum(v.interval is not None and not in_bucket(b.pitch - a.pitch, v.interval)
                 for a, b, v in zip(solo.decoded.notes, solo.decoded.notes[1:], sounded[1:]))
    assert broken <= solo.decoded.violations


def test_progression_from_a_backing_file(jazz_corpus):
    prog = progression_from_file(str(jazz_corpus / "one.mid"))
    assert [bar[0][2].symbol for bar in prog.bars] == ["C", "F", "G7", "C"]
    assert prog.tempo == pytest.approx(120) and prog.measure_length == 4.0


def test_corpus_too_small_says_how_many_values(tmp_path, jazz_corpus):
    with pytest.raises(GenappError, match=r"corpus too small: its longest piece has \d+ values .*tx 500 needs at least 500"):
        train_jazz([str(jazz_corpus)], tmp_path / "m", {"units": 4, "tx": 500, "epochs": 1})
    assert not (tmp_path / "m").exists()


def test_unrolled_graph_trains_and_resume_continues(tmp_path, jazz_corpus):
    out = tmp_path / "m"
    first = train_jazz([str(jazz_corpus)], out, {"units": 4, "tx": 6, "epochs": 1, "graph": "unrolled"})
    assert first.bundle.training["graph"] == "unrolled"
    again = train_jazz([str(jazz_corpus)], out, {"units": 4, "tx": 6, "epochs": 2}, resume=True)
    assert again.bundle.training["epochs_run"] == 2
    w0 = first.bundle.model.get_weights()[0]
    assert not np.array_equal(w0, again.bundle.model.get_weights()[0])


def test_generated_values_are_always_realisable(model):
    prog = progression_from_text("Dm7 G7 Cmaj7 A7")
    for seed in range(5):
        solo = model.solo(prog, 8, temperature=1.5, seed=seed)
        assert solo.decoded.violations == 0


def test_evaluate_scores_held_out_pieces_beside_kneser_ney(jazz_bundle, jazz_corpus):
    import math

    from genapp import paths
    from genapp.products.jazz import evaluate

    model = JazzModel.load(jazz_bundle)
    held_out = str(paths.corpora_dir() / "jazz" / "blues_for_keras.abc")
    result = evaluate(model, [held_out])  # the n-grams learn from the sources the bundle names
    assert result.pieces == 1 and result.events > 20 and result.trained_on == []
    assert set(result.ngram_nats) == {1, 2, 3, 4, 5} and all(math.isfinite(v) for v in result.ngram_nats.values())
    assert result.unknown > 0  # the tiny corpus does not cover a real tune's values, and says so
    assert 0 < result.model_nats < 20
    again = evaluate(model, [str(jazz_corpus / "blues.abc")], [str(jazz_corpus)])
    assert again.trained_on == [str(jazz_corpus / "blues.abc")]
    assert again.ngram_nats[5] < result.ngram_nats[5]  # a memorised piece is easy for the n-gram


def test_evaluate_command(jazz_bundle, jazz_corpus, tmp_path):
    from run_cli import one_line_error, run

    result = run("evaluate", "--model", jazz_bundle, "--train", jazz_corpus, jazz_corpus / "one.mid")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("model: ") and lines[1].startswith("kneser-ney 1-gram: ") and len(lines) == 7
    assert "the model trained on" in result.stderr
    line = one_line_error(run("evaluate", "--model", tmp_path / "none", jazz_corpus))
    assert line.startswith(f"Error: --model {tmp_path / 'none'}: no such model folder")
