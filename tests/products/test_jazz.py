"""The jazz library with either representation: training facts, improvising exactly the bars asked for, primers,
evaluation beside Kneser-Ney; and what is each representation's own."""

from fractions import Fraction

import numpy as np
import pytest

from genapp.errors import GenappError
from genapp.music import events as ev
from genapp.music.grammar import REGISTER, in_bucket
from genapp.music.progression import progression_from_file, progression_from_text
from genapp.products.jazz import ClassicModel, JazzModel, train_jazz
from genapp.products.improv import ImprovModel


@pytest.fixture(scope="module")
def improv(jazz_bundle):
    return JazzModel.load(jazz_bundle)


@pytest.fixture(scope="module")
def classic(classic_bundle):
    return JazzModel.load(classic_bundle)


@pytest.fixture(params=["improv", "classic"])
def model(request, improv, classic):
    return {"improv": improv, "classic": classic}[request.param]


def test_load_picks_the_bundles_representation(improv, classic):
    assert type(improv) is ImprovModel and improv.config.representation == "improv"
    assert type(classic) is ClassicModel and classic.config.representation == "classic"


def test_training_facts(improv, classic):
    t = improv.bundle.training
    assert t["pieces"] == 3 and t["representation"] == "improv" and len(t["corpus_sha256"]) == 64
    assert t["train_events"] + t["validation_events"] == t["events"] > 0
    assert improv.config.tx == 8 and improv.config.units == 8 and improv.bundle.kind == "jazz"
    c = classic.bundle.training
    assert c["representation"] == "classic" and c["train_windows"] > 0


def test_improvise_fills_exactly_the_bars(model):
    prog = progression_from_text("Dm7 G7 Cmaj7")
    for temperature in (0.0, 1.0, 2.0):
        solo = model.solo(prog, bars=5, temperature=temperature, seed=0)
        assert solo.decoded.length == 20
        assert all(n.end <= 20 + 1e-9 and n.duration > 0 for n in solo.decoded.notes)
        assert [c.chord.symbol for c in solo.chords] == ["Dm7", "G7", "Cmaj7", "Dm7", "G7"]


def test_same_seed_same_solo(model):
    prog = progression_from_text("F7 Bb7")
    a = model.solo(prog, 4, 1.0, seed=5)
    b = model.solo(prog, 4, 1.0, seed=5)
    assert [(n.start, n.pitch) for n in a.decoded.notes] == [(n.start, n.pitch) for n in b.decoded.notes]
    c = model.solo(prog, 4, 1.0, seed=6)
    assert [(n.start, n.pitch) for n in a.decoded.notes] != [(n.start, n.pitch) for n in c.decoded.notes]


def test_primer_starts_the_solo(model, jazz_corpus):
    primer, unknown = model.primer_values(str(jazz_corpus / "blues.abc"))
    assert primer and unknown == 0
    solo = model.solo(progression_from_text("F7 Bb7 F7 C7"), 4, 1.0, seed=1, primer=primer)
    assert [str(v) for v in solo.values[:5]] == [str(v) for v in primer[:5]]


def test_bars_out_of_range_refused(model):
    with pytest.raises(GenappError, match="bars 0: expected 1 to 1000"):
        model.solo(progression_from_text("C7"), 0)


def test_progression_from_a_backing_file(jazz_corpus):
    prog = progression_from_file(str(jazz_corpus / "one.mid"))
    assert [bar[0][2].symbol for bar in prog.bars] == ["C", "F", "G7", "C"]
    assert prog.tempo == pytest.approx(120) and prog.measure_length == 4.0


# ---- improv: events over the beat and the chords ---------------------------------------------------


def test_improv_notes_are_its_events_on_the_grid_in_the_register(improv):
    prog = progression_from_text("Dm7 G7 Cmaj7 A7")
    for seed in range(4):
        solo = improv.solo(prog, 8, temperature=1.5, seed=seed)
        assert sum(e.units for e in solo.values) == 8 * 4 * ev.UNITS_PER_QUARTER
        assert solo.decoded.notes == ev.decode(solo.values)
        assert all(REGISTER[0] <= n.pitch <= REGISTER[1] for n in solo.decoded.notes)
        assert all(abs(n.start * 12 - round(n.start * 12)) < 1e-9 for n in solo.decoded.notes)


def _choices(improv, monkeypatch, **temperatures) -> dict[str, list[tuple[int, int]]]:
    """Each sampled duration's and pitch's (choice, likeliest allowed choice) in a solo, read off the sampler's calls."""
    from genapp.products import improv as product

    seen = {"duration": [], "pitch": []}

    def record(p, rng, temperature, top_k=None, banned=()):
        chosen = sample(p, rng, temperature, top_k, banned)
        allowed = np.array(p, dtype=np.float64)
        allowed[:, list(banned)] = 0.0
        kind = "duration" if allowed.shape[1] == ev.MAX_UNITS else "pitch"
        seen[kind].append((int(chosen[0]), int(allowed[0].argmax())))
        return chosen

    sample = product.sample_indices
    monkeypatch.setattr(product, "sample_indices", record)
    improv.solo(progression_from_text("Dm7 G7 Cmaj7 A7"), 4, seed=3, **temperatures)
    monkeypatch.undo()
    return seen


def test_improv_samples_the_rhythm_and_the_pitches_at_their_own_temperatures(improv, monkeypatch):
    seen = _choices(improv, monkeypatch, temperature=2.0, rhythm_temperature=0.0)
    assert len(seen["duration"]) == len(seen["pitch"]) > 10  # one of each per event
    assert all(chosen == best for chosen, best in seen["duration"])  # every duration the likeliest
    assert any(chosen != best for chosen, best in seen["pitch"])
    seen = _choices(improv, monkeypatch, temperature=0.0, rhythm_temperature=2.0)
    assert all(chosen == best for chosen, best in seen["pitch"])  # every pitch the likeliest in the register
    assert any(chosen != best for chosen, best in seen["duration"])


def test_improv_scores_match_its_training_loss(improv, jazz_corpus):
    """The model's nats on a piece are the factorised loss Keras computes on the same events (the members' mixture)."""
    from genapp.music.corpus import load_corpus
    from genapp.nn.losses import FactorisedCrossEntropy
    from genapp.products.improv import piece_arrays

    piece = piece_arrays(load_corpus([str(jazz_corpus / "blues.abc")]).pieces[0])
    total, events = improv.nats([piece])
    probs = improv.bundle.model([piece.features[None], piece.durations[None]], training=False)
    measure = FactorisedCrossEntropy(ev.MAX_UNITS, members=improv.config.members, mixture=True)
    loss = float(np.asarray(measure.call(piece.targets[None], probs))[0])
    assert improv.config.members == 3 and events == len(piece.events) > 10 and total == pytest.approx(loss, rel=1e-4)


def test_a_melody_in_sixteenths_is_read_in_double_time():
    from genapp.music.piece import ChordSpan, Note, Piece
    from genapp.music.symbols import parse_chord_symbol
    from genapp.products.improv import in_eighths, piece_events

    def piece(step: float) -> Piece:
        melody = [Note(i * step, step, 60 + i % 5) for i in range(8)]
        return Piece("p", melody, [ChordSpan(0, 2, parse_chord_symbol("C"))], 2.0, "2/4", 100, 1, "", "", "given")

    fast, even = piece(0.25), piece(0.5)
    read = in_eighths(fast)
    assert [n.duration for n in read.melody] == [0.5] * 8 and read.measure_length == 4.0
    assert read.chords[0].duration == 4 and in_eighths(even) is even
    assert [e.units for e in piece_events(fast)] == [6] * 8  # eighths, as the 4/4 lines of the corpus
    assert [e.step for e in piece_events(fast)] == [e.step for e in ev.encode(even.melody)]


def test_improv_resume_continues_and_keeps_the_representation(tmp_path, jazz_corpus):
    out = tmp_path / "m"
    first = train_jazz([str(jazz_corpus)], out, {"units": 4, "tx": 6, "epochs": 1})
    again = train_jazz([str(jazz_corpus)], out, {"epochs": 2}, resume=True)
    assert type(again) is ImprovModel and again.bundle.training["epochs_run"] == 2
    assert not np.array_equal(first.bundle.model.get_weights()[0], again.bundle.model.get_weights()[0])
    with pytest.raises(GenappError, match="representation classic: the model in .* has representation improv"):
        train_jazz([str(jazz_corpus)], out, {"representation": "classic", "epochs": 3}, resume=True)


def test_improv_fine_tunes_from_a_trained_model(tmp_path, jazz_corpus, jazz_bundle):
    tuned = train_jazz([str(jazz_corpus / "blues.abc")], tmp_path / "t", {"epochs": 1}, init_from=jazz_bundle)
    assert type(tuned) is ImprovModel and tuned.config.units == 8


def test_an_ensemble_with_label_smoothing_trains_loads_scores_and_improvises(tmp_path, jazz_corpus):
    """--members 2 --label-smoothing 0.2: the bundle loads as an ensemble and improvises and scores like any improv
    model (``tests/nn/test_improv.py`` proves the mixture's probabilities and losses)."""
    from genapp.music.corpus import load_corpus
    from genapp.products.improv import piece_arrays

    said = []
    model = train_jazz([str(jazz_corpus)], tmp_path / "e", {"units": 4, "tx": 6, "epochs": 2, "members": 2,
                                                            "label_smoothing": 0.2}, say=said.append)
    assert type(model) is ImprovModel and model.config.members == 2
    assert model.bundle.training["label_smoothing"] == 0.2 and "2 members" in said[0]
    assert model.bundle.model.outputs[0].shape[-1] == 2 * (ev.MAX_UNITS + len(ev.PITCHES))
    piece = piece_arrays(load_corpus([str(jazz_corpus / model.bundle.training["validation_pieces"][0])]).pieces[0])
    total, events = model.nats([piece])
    assert np.isfinite(total) and events == len(piece.events)
    solo = model.solo(progression_from_file(str(jazz_corpus / "blues.abc")), 2, 1.0, 0)
    assert sum(n.duration for n in solo.decoded.notes) > 0


# ---- classic: the course's grammar ---------------------------------------------------------------


def test_a_bundle_that_does_not_name_its_representation_is_classic_and_resumes_so(tmp_path, classic_bundle,
                                                                                   jazz_corpus):
    import json
    import shutil

    old = tmp_path / "old"
    shutil.copytree(classic_bundle, old)
    config = json.loads((old / "config.json").read_text())
    del config["model"]["representation"]  # as genapp 0.2 wrote them
    (old / "config.json").write_text(json.dumps(config))
    assert type(JazzModel.load(old)) is ClassicModel
    again = train_jazz([str(jazz_corpus)], old, {"epochs": 3}, resume=True)
    assert type(again) is ClassicModel and again.config.representation == "classic"


def test_classic_values_fill_the_bars(classic):
    solo = classic.solo(progression_from_text("Dm7 G7 Cmaj7"), bars=5, temperature=1.0, seed=0)
    assert sum(v.duration for v in solo.values) == Fraction(20)


def test_classic_decoded_notes_follow_their_values_where_possible(classic):
    solo = classic.solo(progression_from_text("C7 F7"), 8, 1.0, seed=2)
    sounded = [v for v in solo.values if v.type != "R"]
    broken = sum(v.interval is not None and not in_bucket(b.pitch - a.pitch, v.interval)
                 for a, b, v in zip(solo.decoded.notes, solo.decoded.notes[1:], sounded[1:]))
    assert broken <= solo.decoded.violations


def test_classic_corpus_too_small_says_how_many_values(tmp_path, jazz_corpus):
    with pytest.raises(GenappError, match=r"corpus too small: its longest piece has \d+ values .*tx 500 needs at least 500"):
        train_jazz([str(jazz_corpus)], tmp_path / "m", {"representation": "classic", "units": 4, "tx": 500,
                                                         "epochs": 1})
    assert not (tmp_path / "m").exists()


def test_classic_unrolled_graph_trains_and_resume_continues(tmp_path, jazz_corpus):
    out = tmp_path / "m"
    first = train_jazz([str(jazz_corpus)], out, {"representation": "classic", "units": 4, "tx": 6, "epochs": 1,
                                                 "graph": "unrolled"})
    assert first.bundle.training["graph"] == "unrolled"
    again = train_jazz([str(jazz_corpus)], out, {"units": 4, "tx": 6, "epochs": 2}, resume=True)
    assert type(again) is ClassicModel and again.bundle.training["epochs_run"] == 2
    w0 = first.bundle.model.get_weights()[0]
    assert not np.array_equal(w0, again.bundle.model.get_weights()[0])


def test_classic_generated_values_are_always_realisable(classic):
    prog = progression_from_text("Dm7 G7 Cmaj7 A7")
    for seed in range(5):
        solo = classic.solo(prog, 8, temperature=1.5, seed=seed)
        assert solo.decoded.violations == 0


# ---- evaluate ---------------------------------------------------------------------------------------


def test_evaluate_scores_held_out_pieces_beside_kneser_ney(model, jazz_corpus):
    import math

    from genapp import paths
    from genapp.products.jazz import evaluate

    held_out = str(paths.corpora_dir() / "jazz" / "blues_for_keras.abc")
    result = evaluate(model, [held_out])  # the n-grams learn from the sources the bundle names
    assert result.pieces == 1 and result.events > 20 and result.trained_on == []
    assert set(result.ngram_nats) == {1, 2, 3, 4, 5} and all(math.isfinite(v) for v in result.ngram_nats.values())
    assert 0 < result.model_nats < 20
    again = evaluate(model, [str(jazz_corpus / "blues.abc")], [str(jazz_corpus)])
    assert again.trained_on == [str(jazz_corpus / "blues.abc")]
    assert again.ngram_nats[5] < result.ngram_nats[5]  # a memorised piece is easy for the n-gram
    if isinstance(model, ClassicModel):
        assert result.unknown > 0 and result.symbol == "value"  # the tiny corpus lacks a real tune's values
    else:
        assert result.unknown == 0 and result.symbol == "event"  # nothing is out of vocabulary


def test_evaluate_leaves_the_bundles_held_out_pieces_out_of_the_ngrams(improv, jazz_corpus):
    from genapp.products.jazz import evaluate

    held = improv.bundle.training["validation_pieces"]
    assert len(held) == 1  # three pieces: one held out
    others = [str(p) for p in sorted(jazz_corpus.iterdir()) if p.name not in held]
    result = evaluate(improv, [str(jazz_corpus / held[0])])
    assert result.ngram_nats == evaluate(improv, [str(jazz_corpus / held[0])], others).ngram_nats
    assert result.ngram_nats != evaluate(improv, [str(jazz_corpus / held[0])], [str(jazz_corpus)]).ngram_nats


def test_evaluate_command(jazz_bundle, jazz_corpus, tmp_path):
    from run_cli import one_line_error, run

    result = run("evaluate", "--model", jazz_bundle, "--train", jazz_corpus, jazz_corpus / "one.mid")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("model: ") and "nats/event" in lines[0]
    assert lines[1].startswith("kneser-ney 1-gram: ") and len(lines) == 7
    assert "the model trained on" in result.stderr
    line = one_line_error(run("evaluate", "--model", tmp_path / "none", jazz_corpus))
    assert line.startswith(f"Error: --model {tmp_path / 'none'}: no such model folder")


def test_the_model_hears_the_tempo_in_the_time_it_reads():
    from genapp.music.piece import ChordSpan, Note, Piece
    from genapp.music.symbols import parse_chord_symbol
    from genapp.products.improv import piece_arrays

    def arrays(tempo: float, step: float):
        melody = [Note(i * step, step, 60 + i % 5) for i in range(16)]
        piece = Piece("p", melody, [ChordSpan(0, 4, parse_chord_symbol("C"))], 4.0, "4/4", tempo, 1, "", "", "given")
        return piece_arrays(piece).features

    tempo = ev.BLOCKS.index(("tempo", 1))
    column = sum(w for _, w in ev.BLOCKS[:tempo])
    assert arrays(240, 0.5)[0, column] == pytest.approx(1.0)  # log2(240 / 120)
    assert arrays(60, 0.5)[0, column] == pytest.approx(-1.0)
    assert arrays(60, 0.25)[0, column] == pytest.approx(0.0)  # 16ths at 60 are read as eighths at 120


def test_training_windows_are_as_many_every_epoch(tmp_path):
    from genapp.data.rows import RowWriter
    from genapp.products.improv import COLUMNS, EventWindows

    writer = RowWriter(tmp_path, COLUMNS)
    rng = np.random.default_rng(0)
    for k, length in enumerate((37, 50, 81)):
        writer.append(f"p{k}", features=rng.random((length, ev.FEATURES), np.float32),
                      targets=np.zeros((length, 2), np.int32))
    rows = writer.close()
    stream = EventWindows(rows, list(rows.spans), tx=16, batch_size=4, shuffle=True, seed=3)
    counts = set()
    for _ in range(12):  # each epoch starts its windows at another random offset (Keras warned when fewer came)
        counts.add(len(stream.windows))
        stream.on_epoch_end()
    assert counts == {stream.count} and len(stream) == -(-stream.count // 4)


def test_a_model_of_the_older_context_generates_but_is_not_trained_on(tmp_path, jazz_corpus):
    from genapp.config import ImprovConfig
    from genapp.errors import GenappError
    from genapp.nn.improv import build_model
    from genapp.bundle import save_bundle
    from genapp.products.improv import VOCAB, ImprovModel
    from genapp.music.progression import progression_from_text

    cfg = ImprovConfig(8, 6, 0.1, ev.feature_count(1), ev.MAX_UNITS, len(ev.PITCHES))  # context 1, as 0.3 saved
    assert cfg.context == 1
    save_bundle(tmp_path / "old", kind="jazz", model=build_model(cfg), vocab=VOCAB, config=cfg.to_json(),
                training={"epochs_run": 1, "sources": [str(jazz_corpus)]})
    old = ImprovModel.load(tmp_path / "old")
    solo = old.solo(progression_from_text("Dm7 G7 Cmaj7 Cmaj7"), 4, seed=1)
    assert sum(e.units for e in solo.values) == 4 * 48
    with pytest.raises(GenappError, match="older genapp .* context 1"):
        train_jazz([str(jazz_corpus)], tmp_path / "old", {"epochs": 1}, resume=True)


@pytest.mark.parametrize("seed", range(6))
def test_an_improv_solo_ends_on_a_chord_tone_held_to_the_end(improv, seed):
    from genapp.products.improv import ENDING

    prog = progression_from_text("Dm7 G7 Cmaj7 A7")
    solo = improv.solo(prog, 4, temperature=1.5, seed=seed, rhythm_temperature=1.5)  # hot: endings by chance are rare
    notes = solo.decoded.notes
    last = notes[-1]
    end = 4 * 4.0
    chord = next(c.chord for c in reversed(solo.chords) if c.start <= last.start + 1e-9)
    assert last.pitch % 12 in chord.pitch_classes
    assert last.start < end - ENDING / 12 + 1e-9  # it began before the last two beats ...
    assert last.end == pytest.approx(min(end, last.start + 4.0))  # ... and is held to the end (a bar at most)
    assert sum(e.units for e in solo.values) == 4 * 48


@pytest.mark.parametrize("symbol, held, avoided", [
    ("C", {0, 2, 4, 7, 9, 11}, {5, 1, 3}),  # F over C major: a semitone above E
    ("Am7", {9, 0, 4, 7, 11, 2, 6}, {10, 5}),  # Bb is outside A dorian; F a semitone above E
    ("G7", {7, 11, 2, 5, 9, 4}, {0, 8}),  # C (the 11th) over G7; Ab unless the symbol names it
    ("G7b9", {8}, {0}),  # a tension the symbol names is heard as meant
    ("Dm7b5", {2, 5, 8, 0}, {3}),  # Eb, the b9 over a half-diminished chord
])
def test_a_held_note_is_never_an_avoid_note(symbol, held, avoided):
    from genapp.music.symbols import parse_chord_symbol
    from genapp.products.improv import held_tones

    tones = held_tones(parse_chord_symbol(symbol))
    assert held <= tones and not avoided & tones


@pytest.mark.parametrize("seed", range(4))
def test_an_improv_solo_holds_no_avoid_note(improv, seed):
    from genapp.products.improv import held_tones

    prog = progression_from_text("Cmaj7 | Am7 | Dm7 | G7")
    solo = improv.solo(prog, 8, temperature=1.5, seed=seed, rhythm_temperature=1.5)  # hot: avoid notes by chance
    held = [n for n in solo.decoded.notes if n.duration >= 1.0]
    assert held
    for n in held:
        chord = next(c.chord for c in reversed(solo.chords) if c.start <= n.start + 1e-9)
        assert n.pitch % 12 in held_tones(chord), (n, chord)
