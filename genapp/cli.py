"""The ``genapp`` command line: a thin click layer over the ``genapp`` library.

Options are checked here (ranges, paths); everything else is the library's.
Every path is checked (``genapp.targets``) before Keras is imported, so a
mistyped name or a folder genapp may not write to is reported at once.  A
``GenappError`` from the library becomes ``Error: <one line>`` and exit 1,
never a traceback; Ctrl-C exits 130 after saying what was kept.  Heavy
imports (Keras) happen inside the commands, so ``genapp --help`` answers at once.
"""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

import click

from genapp.text.corpus import MAX_NAME_LENGTH  # cheap: importing genapp does not import Keras

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
CELLS = ("rnn", "gru", "lstm")  # genapp.nn.charlm.CELLS, repeated so that --help does not import Keras
INTERRUPTED = 130  # the shell's exit code for a command stopped by Ctrl-C
DEFAULT_OUT = {"names": "my-names", "text": "my-text", "jazz": "my-jazz"}  # training output folders, in the current folder


def _say(line: str) -> None:
    """Progress and notes go to stderr, so stdout stays ready to pipe."""
    click.echo(line, err=True)


def library_errors(command):
    """The library's one-line errors become click's ``Error: ...`` and exit 1; Ctrl-C exits 130 with what was kept."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from genapp.errors import GenappError, Interrupted

        try:
            return command(*args, **kwargs)
        except GenappError as e:
            raise click.ClickException(str(e)) from None
        except Interrupted as e:
            _say(str(e))
            sys.exit(INTERRUPTED)
        except KeyboardInterrupt:
            _say("interrupted")
            sys.exit(INTERRUPTED)

    return wrapper


def _options(options: list):
    """A decorator applying several click options in the order listed (for --help)."""

    def decorate(command):
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


# --force and --resume, for every command that writes a model bundle
BUNDLE_OPTIONS = [
    click.option("--force", is_flag=True,
                 help="Replace the model already in the output folder (only ever a genapp model of this kind)."),
    click.option("--resume", is_flag=True,
                 help="Continue training the model in the output folder: weights, optimizer state and epoch count."),
]
# Options shared by every command that trains a character model; left out, each keeps its
# default (or, with --resume, the value the bundle was trained with).
TRAINING_OPTIONS = [
    click.option("--epochs", type=click.IntRange(min=1),
                 help="Most epochs in all, counting those of a resumed model (early stop may end sooner)."),
    click.option("--cell", type=click.Choice(CELLS), help="Recurrent cell."),
    click.option("--units", type=click.IntRange(min=1), help="Hidden units per recurrent layer (n_a)."),
    click.option("--layers", type=click.IntRange(min=1), help="Stacked recurrent layers (deep RNN)."),
    click.option("--batch-size", type=click.IntRange(min=1), help="Sequences per training step."),
    click.option("--learning-rate", type=click.FloatRange(min=0, min_open=True), help="Adam's step size."),
    click.option("--seed", type=int, help="Weight initialisation and batch order (and, for names, sampling)."),
    click.option("--clip", type=click.FloatRange(min=0, min_open=True), help="Clip each gradient entry to [-CLIP, CLIP]."),
    click.option("--no-clip", is_flag=True, help="Train without gradient clipping."),
]
bundle_options = _options(BUNDLE_OPTIONS)
training_options = _options(TRAINING_OPTIONS + BUNDLE_OPTIONS)


def _training_choices(defaults, resume_dir: Path | None, epochs, cell, units, layers, batch_size, learning_rate, seed,
                      clip, no_clip, **_):
    """(model arguments given, TrainSettings) from the shared training options.

    An option left out keeps the default, or with --resume the resumed
    bundle's setting; model arguments left out are None (the library's
    defaults, or the resumed model's shape).
    """
    from dataclasses import replace

    from genapp.bundle import read_training
    from genapp.training import resolve_settings

    if clip is not None and no_clip:
        raise click.UsageError("--clip and --no-clip exclude each other")
    given = {"epochs": epochs, "batch_size": batch_size, "learning_rate": learning_rate, "seed": seed, "clipvalue": clip}
    settings = resolve_settings(defaults, given, read_training(resume_dir) if resume_dir else None)
    if no_clip:
        settings = replace(settings, clipvalue=None)
    return {"cell": cell, "units": units, "layers": layers}, settings


def _check_sources(sources, what: str) -> None:
    """Music sources must exist (``music21:NAME`` is looked up when read)."""
    for s in sources:
        if not str(s).startswith("music21:") and not Path(s).exists():
            raise click.ClickException(f"{what} {s}: no such file or folder")


def _check_file(path: Path | None, what: str) -> None:
    if path is not None:
        if not path.exists():
            raise click.ClickException(f"{what} {path}: no such file")
        if path.is_dir():
            raise click.ClickException(f"{what} {path}: is a folder; expected a file")
        if not os.access(path, os.R_OK):
            raise click.ClickException(f"{what} {path}: no permission to read it")


@click.group(context_settings=CONTEXT)
@click.version_option(package_name="genapp")
def cli():
    """genapp: generate music and text with recurrent networks.

    \b
    Examples:
      genapp dino-names
      genapp dino-names --count 5 --prefix tyr --seed 1
      genapp dino-names --score Tyrannosaurus Velociraptor
      genapp corpus corpora/jazz
      genapp train-jazz
      genapp generate --out solo.mid --out solo.wav --out solo.png
      genapp render solo.mid solo.musicxml
      genapp write --prompt "The for statement"
    """


@cli.command("dino-names", context_settings=CONTEXT, short_help="Invent dinosaur names (or names like your list).")
@click.argument("names", nargs=-1)
@click.option("--count", "-n", type=click.IntRange(min=1), default=10, show_default=True, help="How many names.")
@click.option(
    "--temperature", "-t", type=click.FloatRange(min=0, min_open=True), default=1.0, show_default=True,
    help="Above 1: wilder names; below 1: safer ones.",
)
@click.option("--top-k", type=click.IntRange(min=1), help="Sample only among the K likeliest characters.")
@click.option("--prefix", default="", help="Names start with these letters.")
@click.option("--novel", is_flag=True, help="Only names absent from the training corpus.")
@click.option("--mark", is_flag=True, help="Tag each name 'new' or 'known' (in the training corpus).")
@click.option("--max-length", type=click.IntRange(1, MAX_NAME_LENGTH), default=30, show_default=True, help="Longest name.")
@click.option("--score", is_flag=True, help="Print log P(NAME) and nats per character for each NAME instead.")
@click.option(
    "--model", "model_dir", type=click.Path(path_type=Path),
    help="Model bundle folder to read [default: the shipped models/dinos]; with --train, the folder to write "
         "[default: my-names].",
)
@click.option("--train", is_flag=True, help="Train a model first, on --corpus, into --model.")
@click.option(
    "--corpus", type=click.Path(path_type=Path),
    help="Names list to train on, UTF-8, one per line [default: the shipped corpora/dinos.txt].",
)
@training_options
@library_errors
def dino_names(names, count, temperature, top_k, prefix, novel, mark, max_length, score, model_dir, train, corpus,
               **training):
    """Invent dinosaur names (or names like any list you train it on).

    Prints one name per line, capitalised. With --train it first trains a
    model (progress on stderr; the best model so far is kept on disk, and
    Ctrl-C stops cleanly) and then samples from it.

    \b
    Examples:
      genapp dino-names --count 5 --seed 7
      genapp dino-names --prefix ptero --novel
      genapp dino-names --score Tyrannosaurus Pizzasaurus
      genapp dino-names --train --corpus my_names.txt --model my_model --cell gru
      genapp dino-names --train --resume --model my_model --epochs 120
    """
    from genapp import paths, targets

    if names and not score:
        raise click.UsageError(f"unexpected argument {names[0]!r}; names to score need --score")
    if score and not names:
        raise click.UsageError("--score needs at least one NAME")
    seed = training["seed"]
    train = train or training["resume"]
    if train:
        out = model_dir or Path(DEFAULT_OUT["names"])
        corpus = corpus or paths.default_names_corpus()
        _check_file(corpus, "--corpus")
        targets.bundle_target(out, "names", replace=training["force"], resume=training["resume"], what="--model")
    else:
        given = [f"--{k.replace('_', '-')}" for k, v in training.items() if v not in (None, False) and k != "seed"]
        if given or corpus:
            raise click.UsageError(f"{(given or ['--corpus'])[0]} applies only when training; add --train")
        model_dir = targets.model_source(model_dir, "names", "dinos", "genapp dino-names --train --model DIR")
    from genapp.names import DEFAULT_SETTINGS, NamesModel, display, train_names  # imports Keras

    if train:
        config, settings = _training_choices(DEFAULT_SETTINGS, out if training["resume"] else None, **training)
        model = train_names(corpus, out, config, settings, _say, replace=training["force"], resume=training["resume"])
    else:
        model = NamesModel.load(model_dir)

    if score:
        click.echo("name\tlog_prob\tnats_per_char")
        for s in model.score(list(names)):
            click.echo(f"{display(s.name)}\t{s.log_prob:.3f}\t{s.nats_per_char:.3f}")
        return
    generated = model.generate(
        count, temperature=temperature, top_k=top_k, seed=seed, prefix=prefix, novel=novel, max_length=max_length
    )
    for g in generated:
        click.echo(f"{display(g.name)}\t{'new' if g.is_new else 'known'}" if mark else display(g.name))


@cli.command("corpus", context_settings=CONTEXT, short_help="Show what genapp reads in music files.")
@click.argument("sources", nargs=-1, required=True)
@click.option("--melody-track", help="Take this track as the melody (a name, or part of one, or its number).")
@click.option("--no-cache", is_flag=True, help="Parse every file again instead of using the cache.")
@library_errors
def corpus_command(sources, melody_track, no_cache):
    """Show what genapp makes of music files before you train on them.

    SOURCES are MIDI, MusicXML or ABC files, folders of them (searched
    recursively), music21:NAME for pieces bundled with music21, or
    *.music21.txt lists of such names. For each piece: which track was taken
    as the melody and why, measures, notes, where the chords come from, and
    how many values the jazz grammar makes of it; then what was skipped.

    \b
    Examples:
      genapp corpus corpora/jazz
      genapp corpus my_midi_folder --melody-track sax
      genapp corpus music21:joplin/maple_leaf_rag
    """
    _check_sources(sources, "source")
    from genapp.music.corpus import load_corpus
    from genapp.music.dataset import build_vocab, piece_values

    result = load_corpus(list(sources), melody_track=melody_track, use_cache=not no_cache, say=_say)
    sequences = []
    for piece in result.pieces:
        values = piece_values(piece)
        sequences.append(values)
        chords = " ".join(dict.fromkeys(c.chord.symbol for c in piece.chords))
        click.echo(piece.name)
        click.echo(f"  melody: {piece.melody_track} ({piece.melody_reason})")
        click.echo(f"  {piece.time_signature}, {piece.tempo:g} bpm, {piece.measures} measures, {len(piece.melody)} notes, "
                   f"{len(values)} values")
        click.echo(f"  chords from {piece.chord_source}: {chords}")
        for note in piece.notes:
            click.echo(f"  note: {note}")
    for s in result.skipped:
        click.echo(f"skipped {s.source}: {s.reason}")
    total = sum(len(v) for v in sequences)
    click.echo(
        f"total: {len(result.pieces)} pieces ({result.from_cache} sources from cache), {len(result.skipped)} skipped, "
        f"{total} values, vocabulary of {build_vocab(sequences).size - 1} values"
    )


@cli.command("train-jazz", context_settings=CONTEXT)
@click.option("--corpus", "sources", multiple=True,
              help="MIDI/MusicXML/ABC file, folder, or music21:NAME; repeat for several [default: corpora/jazz].")
@click.option("--out", "out_dir", type=click.Path(path_type=Path),
              help=f"Bundle folder to write [default: {DEFAULT_OUT['jazz']}].")
@click.option("--epochs", type=click.IntRange(min=1),
              help="Most epochs in all, counting those of a resumed model (early stop may end sooner) [default: 100].")
@click.option("--units", type=click.IntRange(min=1), help="LSTM units (n_a) [default: 64].")
@click.option("--tx", type=click.IntRange(min=2), help="Training window length in values (Tx) [default: 30].")
@click.option("--batch-size", type=click.IntRange(min=1), help="Windows per training step [default: 32].")
@click.option("--learning-rate", type=click.FloatRange(min=0, min_open=True), help="Adam's step size [default: 0.01].")
@click.option("--validation", type=click.FloatRange(0, 1, max_open=True), default=0.1, show_default=True,
              help="Share of pieces held out for validation (0: none).")
@click.option("--melody-track", help="Take this track as the melody in every file (name or number).")
@click.option("--graph", type=click.Choice(["fused", "unrolled"]), default="fused", show_default=True,
              help="Train the fused sequence graph or the classic unrolled one (same layers).")
@click.option("--seed", type=int, help="Weight initialisation and batch order [default: 0].")
@click.option("--clip", type=click.FloatRange(min=0, min_open=True), help="Clip each gradient entry to [-CLIP, CLIP] [default: 5].")
@click.option("--no-clip", is_flag=True, help="Train without gradient clipping.")
@bundle_options
@library_errors
def train_jazz_command(sources, out_dir, epochs, units, tx, batch_size, learning_rate, validation, melody_track, graph,
                       seed, clip, no_clip, force, resume):
    """Train the jazz LSTM on MIDI, MusicXML or ABC files.

    Shows per-epoch loss, writes the model bundle whenever the validation
    loss improves (so Ctrl-C or a crash keeps the best model so far), and
    stops early when it stops improving.

    \b
    Examples:
      genapp train-jazz
      genapp train-jazz --corpus my_midi/ --out my_jazz --epochs 50
      genapp train-jazz --corpus solos/ --melody-track sax --resume --out my_jazz
    """
    from genapp import paths, targets

    corpus = list(sources) or [str(paths.corpora_dir() / "jazz")]
    _check_sources(corpus, "--corpus")
    out_dir = out_dir or Path(DEFAULT_OUT["jazz"])
    targets.bundle_target(out_dir, "jazz", replace=force, resume=resume)
    from genapp.jazz import DEFAULT_SETTINGS, train_jazz  # imports Keras

    _, settings = _training_choices(DEFAULT_SETTINGS, out_dir if resume else None, epochs, None, None, None, batch_size,
                                    learning_rate, seed, clip, no_clip)
    train_jazz(corpus, out_dir, {"units": units, "tx": tx}, settings, validation, melody_track, graph, resume, _say,
               replace=force)
    _say(f"generate from it with: genapp generate --model {out_dir}")


def _program(value: str | None) -> int:
    """--instrument: a General MIDI program number 0-127 or an instrument name ("Tenor Sax")."""
    from genapp.music.arrangement import DEFAULT_SOLO_PROGRAM

    if value is None:
        return DEFAULT_SOLO_PROGRAM
    if value.isdigit() and 0 <= int(value) <= 127:
        return int(value)
    import pretty_midi

    try:
        return pretty_midi.instrument_name_to_program(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is neither a program number 0-127 nor a General MIDI name such as 'Tenor Sax', 'Trumpet', 'Vibraphone'",
            param_hint="'--instrument'",
        ) from None


OUT_FORMATS = ".mid, .midi (MIDI), .wav (audio), .png (piano roll), .musicxml, .mxl (notation)"


@cli.command("generate", context_settings=CONTEXT)
@click.option("--out", "outs", type=click.Path(path_type=Path, dir_okay=False), multiple=True,
              help=f"File to write, its format by extension: {OUT_FORMATS}; repeat for several formats of the same take "
                   "[default: solo.mid]. With --count N: NAME-1 ... NAME-N. An existing file is kept and the next free "
                   "name (NAME-2 ...) is used instead.")
@click.option("--force", is_flag=True, help="Overwrite existing files of the --out names instead.")
@click.option("--model", "model_dir", type=click.Path(path_type=Path), help="Jazz bundle [default: the shipped models/jazz].")
@click.option("--chords", help='Chord symbols, one per bar: "Dm7 G7 Cmaj7 Cmaj7"; "Dm7 G7 | C" splits a bar.')
@click.option("--backing", type=click.Path(path_type=Path), help="Take the chords (and meter, tempo) from a MIDI/MusicXML/ABC file.")
@click.option("--bars", type=click.IntRange(1, 1000), default=16, show_default=True, help="Length of the solo; the progression repeats.")
@click.option("--tempo", type=click.FloatRange(min=20, max=400), help="Beats per minute [default: the backing's, or 120].")
@click.option("--temperature", "-t", type=click.FloatRange(min=0), default=1.0, show_default=True,
              help="0: always the likeliest value (repeats itself); higher: more surprising.")
@click.option("--seed", type=int, help="Same seed and model give the same solo.")
@click.option("--count", type=click.IntRange(1, 100), default=1, show_default=True, help="How many takes.")
@click.option("--primer", type=click.Path(path_type=Path), help="Start from the phrase in this MIDI/MusicXML/ABC file.")
@click.option("--instrument", help="Solo instrument: General MIDI program 0-127 or name [default: 66, Tenor Sax].")
@click.option("--soundfont", type=click.Path(path_type=Path),
              help="SoundFont (.sf2) for .wav files [default: the General MIDI one installed with pretty_midi].")
@library_errors
def generate_command(outs, force, model_dir, chords, backing, bars, tempo, temperature, seed, count, primer, instrument,
                     soundfont):
    """Improvise a jazz solo over chords; write it as MIDI, audio, a piano roll or notation.

    Every file of a take holds the solo (the melody) and the comping,
    exactly --bars bars long. With no options it uses the shipped model and
    the progression of corpora/jazz/two_five_etudes.abc.

    \b
    Examples:
      genapp generate --out solo.mid
      genapp generate --out solo.mid --out solo.wav --out solo.png --out solo.musicxml
      genapp generate --chords "Dm7 G7 Cmaj7 Cmaj7" --bars 8 --seed 3 --out ii-v-i.mid
      genapp generate --backing tune.mid --count 3 --temperature 0.8 --out take.mid
      genapp generate --primer lick.mid --instrument Trumpet --out solo.wav --soundfont better.sf2
    """
    from genapp import targets
    from genapp.music.outputs import check_suffix

    if chords and backing:
        raise click.UsageError("--chords and --backing exclude each other")
    outs = list(outs) or [Path("solo.mid")]
    for out in outs:
        check_suffix(out)
    program = _program(instrument)
    model_dir = targets.model_source(model_dir, "jazz", "jazz", "genapp train-jazz --out DIR")
    _check_sources([backing] if backing else [], "--backing")
    _check_sources([primer] if primer else [], "--primer")
    sf = _soundfont(soundfont, outs)
    takes, note = targets.file_targets(outs, count, replace=force)
    if note:
        _say(note)
    from genapp.music.outputs import Renderer

    with Renderer({o.suffix for o in outs}, sf) as renderer:  # starts loading the drawing libraries now
        _generate_takes(renderer, takes, model_dir, chords, backing, bars, tempo, temperature, seed, primer, program)


def _generate_takes(renderer, takes, model_dir, chords, backing, bars, tempo, temperature, seed, primer, program):
    """Generate each take and write its files; one summary line per take on stdout."""
    from genapp import paths
    from genapp.jazz import JazzModel, progression_from_file, progression_from_text  # imports Keras
    from genapp.music.arrangement import Arrangement

    model = JazzModel.load(model_dir)
    if chords:
        progression = progression_from_text(chords)
    else:
        progression = progression_from_file(str(backing or paths.corpora_dir() / "jazz" / "two_five_etudes.abc"))
    if tempo:
        progression.tempo = tempo
    primer_values = []
    if primer:
        primer_values, unknown = model.primer_values(str(primer))
        if unknown:
            _say(f"--primer {primer}: {unknown} of its values are unknown to the model and were skipped")
    for i, files in enumerate(takes):
        take_seed = None if seed is None else seed + i
        solo = model.solo(progression, bars, temperature, take_seed, primer_values)
        arrangement = Arrangement.from_solo(solo.decoded.notes, solo.chords, progression.tempo,
                                            progression.time_signature, progression.measure_length, bars, program)
        renderer.write_take(arrangement, files)
        symbols = " ".join(c.chord.symbol for c in solo.chords[: min(len(solo.chords), 8)])
        more = " ..." if len(solo.chords) > 8 else ""
        relaxed = f", {solo.decoded.violations} notes relaxed" if solo.decoded.violations else ""
        click.echo(f"wrote {', '.join(map(str, files))}: {bars} bars of {progression.time_signature} at "
                   f"{progression.tempo:g} bpm, {len(solo.decoded.notes)} notes over {symbols}{more} "
                   f"(chords from {progression.source}{relaxed})")


def _soundfont(path: Path | None, outs: list[Path]) -> bytes | None:
    """The SoundFont's bytes when a .wav is asked for (checked before any heavy work), else None."""
    if not any(o.suffix.lower() == ".wav" for o in outs):
        if path is not None:
            raise click.UsageError("--soundfont applies only to .wav outputs")
        return None
    from genapp.music.audio import read_soundfont

    return read_soundfont(path)


@cli.command("render", context_settings=CONTEXT, short_help="Turn a music file into audio, a piano roll or notation.")
@click.argument("source")
@click.argument("outs", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--force", is_flag=True, help="Overwrite existing output files instead of taking the next free names.")
@click.option("--soundfont", type=click.Path(path_type=Path),
              help="SoundFont (.sf2) for .wav files [default: the General MIDI one installed with pretty_midi].")
@click.option("--melody-track", help="Take this track as the melody (a name, or part of one, or its number).")
@library_errors
def render_command(source, outs, force, soundfont, melody_track):
    """Render a MIDI, MusicXML or ABC file (or music21:NAME) as OUTS: .wav, .png, .musicxml, .mxl or .mid.

    A MIDI file sounds as written (all its tracks and instruments); the
    piano roll and the notation show the melody genapp reads in it, its
    accompaniment and its chords (see `genapp corpus`).

    \b
    Examples:
      genapp render solo.mid solo.wav solo.png
      genapp render corpora/jazz/blues_for_keras.abc blues.wav blues.musicxml
      genapp render tune.mid tune.png --melody-track sax
    """
    from genapp import targets
    from genapp.music.outputs import check_suffix

    _check_sources([source], "source")
    for out in outs:
        check_suffix(out, "output")
    sf = _soundfont(soundfont, list(outs))
    [files], note = targets.file_targets(list(outs), 1, replace=force, what="output")
    if note:
        _say(note)
    from genapp.music.arrangement import Arrangement
    from genapp.music.corpus import read_with_backing
    from genapp.music.outputs import Renderer
    from genapp.music.reading import MIDI_SUFFIXES

    with Renderer({o.suffix for o in outs}, sf) as renderer:
        pieces = read_with_backing(source, melody_track)
        if len(pieces) > 1:
            _say(f"{source}: holds {len(pieces)} pieces; rendering the first, {pieces[0].name}")
        arrangement = Arrangement.from_piece(pieces[0])
        is_midi = Path(source).suffix.lower() in MIDI_SUFFIXES
        source_midi = Path(source).read_bytes() if is_midi else None
        for f, what in renderer.write_take(arrangement, files, source_midi):
            click.echo(f"wrote {f}: {what}")


@cli.command("train-text", context_settings=CONTEXT)
@click.option("--corpus", "corpus_files", multiple=True, type=click.Path(path_type=Path),
              help="UTF-8 text file; repeat for several [default: the Python documentation's help topics].")
@click.option("--out", "out_dir", type=click.Path(path_type=Path),
              help=f"Bundle folder to write [default: {DEFAULT_OUT['text']}].")
@click.option("--level", type=click.Choice(["char", "word"]), help="Tokens are characters or words [default: char].")
@click.option("--tx", type=click.IntRange(min=2), help="Window length in tokens [default: 100].")
@click.option("--vocab-size", type=click.IntRange(min=1), default=5000, show_default=True,
              help="Word level: keep this many tokens (3 reserved: <pad>, <unk>, <eos>); rarer words become <unk>.")
@click.option("--validation", type=click.FloatRange(0, 1, max_open=True), default=0.1, show_default=True,
              help="Share of the corpus (its end) held out.")
@training_options
@library_errors
def train_text_command(corpus_files, out_dir, level, tx, vocab_size, validation, **training):
    """Train a character- or word-level language model on any text.

    Streams windows from the corpus (a text of many megabytes is fine), clips
    gradients, writes the bundle whenever the validation loss improves (so
    Ctrl-C or a crash keeps the best model so far) and stops early.

    \b
    Examples:
      genapp train-text
      genapp train-text --corpus sonnets.txt --out sonnets --epochs 20
      genapp train-text --corpus recipes.txt --level word --vocab-size 3000 --out recipes
      genapp train-text --corpus sonnets.txt --out sonnets --resume --epochs 40
    """
    from genapp import targets

    for f in corpus_files:
        _check_file(f, "--corpus")
    out_dir = out_dir or Path(DEFAULT_OUT["text"])
    targets.bundle_target(out_dir, "text", replace=training["force"], resume=training["resume"])
    from genapp.textgen import DEFAULT_SETTINGS, read_corpus, train_text  # imports Keras

    config, settings = _training_choices(DEFAULT_SETTINGS, out_dir if training["resume"] else None, **training)
    texts = [read_corpus(list(corpus_files))] if corpus_files else None
    name = ", ".join(p.name for p in corpus_files)
    train_text(texts, out_dir, level, config, settings, tx, validation, vocab_size, name, _say,
               replace=training["force"], resume=training["resume"])
    _say(f"write with it: genapp write --model {out_dir}")


def _text_model(model_dir):
    from genapp import targets

    model_dir = targets.model_source(model_dir, "text", "text", "genapp train-text --out DIR")
    from genapp.textgen import TextModel  # imports Keras

    return TextModel.load(model_dir)


@cli.command("write", context_settings=CONTEXT)
@click.option("--model", "model_dir", type=click.Path(path_type=Path), help="Text bundle [default: the shipped models/text].")
@click.option("--prompt", default="", help="Text to continue (its last Tx tokens are used).")
@click.option("--length", type=click.IntRange(min=1), default=300, show_default=True, help="Tokens to write (characters or words).")
@click.option("--temperature", "-t", type=click.FloatRange(min=0, min_open=True), default=0.8, show_default=True)
@click.option("--top-k", type=click.IntRange(min=1), help="Sample only among the K likeliest tokens.")
@click.option("--seed", type=int, help="Same seed, model and prompt give the same text.")
@library_errors
def write_command(model_dir, prompt, length, temperature, top_k, seed):
    """Continue a prompt with a text model, printing as it writes.

    \b
    Examples:
      genapp write --prompt "The for statement"
      genapp write --model sonnets --prompt "Shall I compare thee" --length 400 --seed 1
    """
    from genapp.text.tokens import Detokenizer, tokenize

    model = _text_model(model_dir)
    ids, note = model.prompt_ids(prompt)
    if note:
        _say(note)
    prompt_tokens = tokenize(prompt, model.level)
    detok = Detokenizer(model.level, capitalize_first=not prompt_tokens)
    if prompt_tokens and model.level == "word":
        detok.previous = prompt_tokens[-1]
        detok.capitalize = prompt_tokens[-1] == "<eos>"
    click.echo(prompt, nl=False)
    for token in model.write(ids, length, temperature, top_k, seed):
        click.echo(detok(token), nl=False)
        sys.stdout.flush()
    click.echo()


@cli.command("score", context_settings=CONTEXT, short_help="Score texts: log P(text) and nats per token.")
@click.argument("texts", nargs=-1, required=True)
@click.option("--model", "model_dir", type=click.Path(path_type=Path), help="Text bundle [default: the shipped models/text].")
@library_errors
def score_command(texts, model_dir):
    """Print log P(TEXT) and mean nats per token for each TEXT, to compare sentences.

    \b
    Examples:
      genapp score "the return statement" "the retrun statement"
      genapp score --model recipes "pear salad" "pair salad"
    """
    model = _text_model(model_dir)
    click.echo("text\tlog_prob\tnats_per_token\ttokens")
    for s in model.score(list(texts)):
        unk = f" ({s.unknown} as <unk>)" if s.unknown else ""
        click.echo(f"{s.text}\t{s.log_prob:.3f}\t{s.nats_per_token:.3f}\t{s.tokens}{unk}")


def main() -> None:
    """Console entry point: run the CLI, quietly when stdout is closed early (``| head``)."""
    try:
        cli(prog_name="genapp")
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)


if __name__ == "__main__":
    main()
