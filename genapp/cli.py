"""The ``genapp`` command line: a thin click layer over the ``genapp`` library.

One convention for every product (see the README's "Commands"):

    train-names / train-text / train-jazz   --corpus ... --out DIR: write a bundle
    dino-names / write / generate           --model DIR: read a bundle and sample from it
    score                                   --model DIR: log P of names or texts

Every trainer takes the same options (``--preset``, ``--epochs``,
``--batch-size``, ``--learning-rate``, ``--clip/--no-clip``, ``--seed``,
``--validation``, ``--force``, ``--resume``) plus its model's shape; their
defaults and help come from ``genapp.config``.  Every sampler takes
``-t/--temperature`` (0: the likeliest symbol each step) and ``--seed``.

Paths are checked here, before Keras is imported, so a mistyped name or a
folder genapp may not write to is reported at once.  A ``GenappError`` from
the library names parameters, which this module renders as flags; it
becomes ``Error: <one line>`` and exit 1, never a traceback; Ctrl-C exits 130
after saying what was kept.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import sys
from pathlib import Path

import click

from genapp import config as configs  # cheap: importing genapp does not import Keras
from genapp import paths
from genapp.errors import param as param_name

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
INTERRUPTED = 130  # the shell's exit code for a command stopped by Ctrl-C
DEFAULT_OUT = {"names": "my-names", "text": "my-text", "jazz": "my-jazz"}  # training output folders, in the current folder
SAMPLERS = {"names": "dino-names", "text": "write", "jazz": "generate"}
# library parameter -> flag, where the flag is not the parameter's name with dashes
FLAGS = {"replace": "--force", "clipvalue": "--clip", "out_dir": "--out", "model_dir": "--model", "names": "NAME",
         "texts": "TEXT", "sources": "--corpus", "output": "output"}


def flag(parameter: str) -> str:
    return FLAGS.get(parameter, "--" + parameter.replace("_", "-"))


def _say(line: str) -> None:
    """Progress and notes go to stderr, so stdout stays ready to pipe; parameters are shown as flags."""
    from genapp.errors import render

    click.echo(render(line, flag), err=True)


def library_errors(command):
    """The library's one-line errors become click's ``Error: ...`` and exit 1; Ctrl-C exits 130 with what was kept."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from genapp.errors import GenappError, Interrupted

        try:
            return command(*args, **kwargs)
        except GenappError as e:
            raise click.ClickException(e.render(flag)) from None
        except Interrupted as e:
            _say(e.render(flag))
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


# ---- paths, checked at the boundary --------------------------------------------------------------


class InputFile(click.Path):
    """A file to read: it must exist, be a file and be readable; one ``Error:`` line otherwise."""

    def __init__(self):
        super().__init__(path_type=Path, dir_okay=False)

    def convert(self, value, param, ctx):
        path = Path(value)
        name = param.opts[0] if param is not None and param.opts else "file"
        if not path.exists():
            raise click.ClickException(f"{name} {path}: no such file")
        if path.is_dir():
            raise click.ClickException(f"{name} {path}: is a folder; expected a file")
        if not os.access(path, os.R_OK):
            raise click.ClickException(f"{name} {path}: no permission to read it")
        return path


class MusicSource(click.ParamType):
    """A music file or folder that exists, the name of a shipped corpus (wjd, jazz), or ``music21:NAME``."""

    name = "source"

    def convert(self, value, param, ctx):
        shipped = paths.shipped_music_corpus(str(value)) if not Path(value).exists() else None
        if shipped is not None:
            return str(shipped)
        if not str(value).startswith("music21:") and not Path(value).exists():
            name = param.opts[0] if param is not None and param.opts and param.opts[0].startswith("-") else "source"
            raise click.ClickException(f"{name} {value}: no such file or folder")
        return str(value)


OUT_FOLDER = click.Path(path_type=Path)


def _model_option(kind: str, default: str):
    return click.option("--model", "model_dir", type=OUT_FOLDER,
                        help=f"Model bundle folder to read, or the name of a shipped model [default: {default}].")


# ---- the options every trainer shares, from genapp.config --------------------------------------


def _config_option(cls, name: str, value, opt: str | None = None):
    """A click option for a config field: its type and bounds from the field, its default shown from the preset."""
    field = next(f for f in dataclasses.fields(cls) if f.name == name)
    meta = field.metadata
    if isinstance(value, bool):  # --name/--no-name; None: left out
        flag = name.replace("_", "-")
        return click.option(f"--{flag}/--no-{flag}", name, default=None, help=f"{meta['help']} [default: {value}]")
    if "choices" in meta:
        kind = click.Choice(meta["choices"])
    elif meta.get("share"):
        kind = click.FloatRange(0, 1, max_open=True)
    elif isinstance(value, float):
        kind = click.FloatRange(min=0, min_open=True, max=meta.get("max"))
    elif meta.get("min", 1) is None:  # any integer
        kind = click.INT
    else:
        kind = click.IntRange(min=meta.get("min", 1))
    return click.option(opt or "--" + name.replace("_", "-"), name, type=kind,
                        help=f"{meta['help']} [default: {value}]")


def training_options(product: str, corpus_option):
    """Every trainer's options: corpus, --out, preset, the model's shape and data options, TrainSettings, --force/--resume."""
    options = configs.preset(product)
    s = options.settings
    own = [_config_option(type(options), f.name, getattr(options, f.name))
           for f in dataclasses.fields(options) if f.name != "settings"]
    return _options([
        corpus_option,
        click.option("--out", "out_dir", type=OUT_FOLDER, help=f"Bundle folder to write [default: {DEFAULT_OUT[product]}]."),
        click.option("--preset", type=click.Choice(list(configs.PRESETS[product])), default="default",
                     show_default=True, help="Named defaults for every option left out (tiny: trains in seconds)."),
        *own,
        _config_option(configs.TrainSettings, "epochs", s.epochs),
        _config_option(configs.TrainSettings, "batch_size", s.batch_size),
        _config_option(configs.TrainSettings, "learning_rate", s.learning_rate),
        _config_option(configs.TrainSettings, "clipvalue", s.clipvalue, "--clip"),
        click.option("--no-clip", is_flag=True, help="Train without gradient clipping."),
        _config_option(configs.TrainSettings, "patience", s.patience),
        _config_option(configs.TrainSettings, "lr_drop", s.lr_drop),
        _config_option(configs.TrainSettings, "lr_patience", s.lr_patience),
        _config_option(configs.TrainSettings, "seed", s.seed),
        click.option("--force", is_flag=True,
                     help="Replace the model already in the output folder (only ever a genapp model of this kind)."),
        click.option("--resume", is_flag=True,
                     help="Continue training the model in the output folder: weights, optimizer state, epoch count; "
                          "options left out keep the model's own."),
        click.option("--init-from", type=OUT_FOLDER,
                     help="Fine-tune this model (a bundle folder of the same kind, or a shipped model's name) on the "
                          "corpus: its weights and shape, its vocabulary grown by the corpus's new symbols."),
        click.option("--devices", metavar="all|N",
                     help="Train data-parallel on every visible device (all) or the first N, splitting each batch "
                          "(JAX backend) [default: one device]."),
        click.option("--coordinator", metavar="HOST:PORT",
                     help="Train across hosts: process 0's address, the same on every host "
                          "[env: KERAS_DISTRIBUTION_JOB_ADDRESSES]."),
        click.option("--num-processes", type=click.IntRange(min=1),
                     help="Train across hosts: how many processes (hosts) in all [env: KERAS_DISTRIBUTION_NUM_PROCESSES]."),
        click.option("--process-id", type=click.IntRange(min=0),
                     help="Train across hosts: this host's number, 0 to N-1; 0 writes the bundle "
                          "[env: KERAS_DISTRIBUTION_PROCESS_ID]."),
    ])


def _placement(options: dict) -> dict:
    """Take the device and cluster options out of ``options``: train_bundle's ``devices`` and ``cluster``."""
    from genapp.distribute import Cluster, parse_devices

    cluster = Cluster.from_options(options.pop("coordinator"), options.pop("num_processes"), options.pop("process_id"))
    return {"devices": parse_devices(options.pop("devices")), "cluster": cluster}


def _given(no_clip: bool, **options) -> dict:
    """The options a user gave (None: left out), in the library's names."""
    if no_clip:
        if options.get("clipvalue") is not None:
            raise click.UsageError("--clip and --no-clip exclude each other")
        options["clipvalue"] = 0  # genapp.config: clipvalue 0 given means no clipping
    return options


def _train(product: str, out_dir: Path | None, force: bool, resume: bool, init_from: Path | None, train):
    """Check the folders (before Keras), run ``train(out_dir, init_from)``, then say how to use the model."""
    from genapp import targets

    out_dir = out_dir or Path(DEFAULT_OUT[product])
    if resume and init_from is not None:
        raise click.UsageError("--resume and --init-from exclude each other")
    targets.bundle_target(out_dir, product, replace=force, resume=resume)
    if init_from is not None:
        init_from = targets.model_source(init_from, product, "", f"genapp train-{product} --out DIR", param_name("init_from"))
    if train(out_dir, init_from) is not None:  # None: a cluster's process other than 0, which writes nothing
        _say(f"sample from it with: genapp {SAMPLERS[product]} --model {out_dir}")


def _model_source(model_dir: Path | None, kind: str, default: str) -> Path:
    from genapp import targets

    return targets.model_source(model_dir, kind, default, f"genapp train-{kind} --out DIR")


# ---- sampling options ------------------------------------------------------------------------------


def sampling_option(product: str, name: str, *decls: str, **kwargs):
    """A sampler's option, its default and help from ``genapp.config.SAMPLING``."""
    defaults = configs.SAMPLING[product]
    field = next(f for f in dataclasses.fields(defaults) if f.name == name)
    value = getattr(defaults, name)
    if "choices" in field.metadata:
        kind = click.Choice(field.metadata["choices"])
    elif isinstance(value, float):
        kind = click.FloatRange(field.metadata.get("min", 0), field.metadata.get("max"))
    elif isinstance(value, int):
        kind = click.IntRange(field.metadata.get("min", 1), field.metadata.get("max"))
    else:
        kind = click.STRING
    return click.option(*decls or ("--" + name.replace("_", "-"),), name, type=kind, default=value, show_default=True,
                        help=field.metadata["help"])


class Temperatures(click.ParamType):
    """One temperature or several, comma-separated ("0.5,0.8,1.0"): a tuple of floats >= 0."""

    name = "T[,T...]"
    MAX = 8

    def convert(self, value, param, ctx):
        if isinstance(value, tuple):
            return value
        if isinstance(value, (int, float)):
            return (float(value),)
        parts = [p.strip() for p in str(value).split(",")]
        try:
            out = tuple(float(p) for p in parts)
        except ValueError:
            self.fail(f"{value!r}: expected a number >= 0, or several separated by commas (0.5,0.8,1.0)", param, ctx)
        if any(not t >= 0 or t == float("inf") for t in out):
            self.fail(f"{value!r}: every temperature must be a finite number >= 0", param, ctx)
        if len(out) > self.MAX:
            self.fail(f"{value!r}: at most {self.MAX} temperatures in one call", param, ctx)
        return out


def temperatures_option(product: str):
    """-t/--temperature for names and text: one value, or several for a labelled sample each."""
    field = next(f for f in dataclasses.fields(configs.SAMPLING[product]) if f.name == "temperature")
    default = getattr(configs.SAMPLING[product], "temperature")
    return click.option("--temperature", "-t", "temperatures", type=Temperatures(), default=str(default),
                        show_default=True, help=f"{field.metadata['help']} Several, comma-separated (0.5,0.8,1.0): "
                                                "one labelled sample per value, each from the same --seed.")


TOP_K = click.option("--top-k", type=click.IntRange(min=1), help="Sample only among the K likeliest symbols.")


def seed_option(what: str):
    return click.option("--seed", type=int, help=f"Same seed and model give the same {what}.")


class Moved(click.Option):
    """A dropped option kept only to say, in one line, what replaced it."""

    def __init__(self, decls, moved_to: str, **kwargs):
        super().__init__(decls, hidden=True, expose_value=False, callback=self._refuse, **kwargs)
        self.moved_to = moved_to

    def _refuse(self, ctx, param, value):
        if value:
            raise click.ClickException(f"{param.opts[0]} was dropped in genapp 0.2: {self.moved_to}")


@click.group(context_settings=CONTEXT)
@click.version_option(package_name="genapp")
def cli():
    """genapp: generate music and text with recurrent networks.

    \b
    Train (write a model):   train-names, train-text, train-jazz   --corpus ... --out DIR
    Sample (read a model):   dino-names, write, generate            --model DIR
    Measure:                 score (names and texts), evaluate (jazz models), corpus and stats (music files)

    \b
    Examples:
      genapp dino-names
      genapp dino-names --count 5 --prefix tyr --seed 1
      genapp score --model dinos Tyrannosaurus Velociraptor
      genapp corpus wjd
      genapp train-jazz --preset tiny
      genapp generate --out solo.mid --out solo.wav --out solo.png
      genapp render solo.mid solo.musicxml
      genapp write --prompt "The for statement"
    """


# ---- names ----------------------------------------------------------------------------------------


@cli.command("train-names", context_settings=CONTEXT)
@training_options("names", click.option(
    "--corpus", type=InputFile(), help="Names list to train on, UTF-8, one per line [default: the shipped corpora/dinos.txt]."))
@library_errors
def train_names_command(corpus, out_dir, preset, force, resume, init_from, **options):
    """Train a character model on a list of names (one per line).

    Shows per-epoch loss, writes the model bundle whenever the validation
    loss improves (so Ctrl-C or a crash keeps the best model so far), and
    stops early when it stops improving.  Options left out take the
    preset's values, or with --resume the model's own.

    \b
    Examples:
      genapp train-names --corpus my_names.txt --out my_model --cell gru
      genapp train-names --corpus my_names.txt --out my_model --resume --epochs 120
      genapp train-names --corpus my_names.txt --out small --members 1 --units 64   # one model, not an ensemble of 3
      genapp train-names --corpus roman_emperors.txt --init-from dinos --out emperors --preset tiny
    """

    where = _placement(options)
    given = _given(**options)
    corpus = corpus or paths.default_names_corpus()

    def train(out, base):
        from genapp.products.names import train_names  # imports Keras

        return train_names(corpus, out, given, preset, _say, replace=force, resume=resume, init_from=base, **where)

    _train("names", out_dir, force, resume, init_from, train)


@cli.command("dino-names", context_settings=CONTEXT, short_help="Invent dinosaur names (or names like your list).")
@sampling_option("names", "count", "--count", "-n")
@temperatures_option("names")
@TOP_K
@seed_option("names")
@click.option("--prefix", default="", help="Names start with these letters.")
@click.option("--novel", is_flag=True, help="Only names absent from the training corpus.")
@click.option("--mark", is_flag=True, help="Tag each name 'new' or 'known' (in the training corpus).")
@sampling_option("names", "max_length")
@_model_option("names", "dinos")
@click.option("--train", cls=Moved, is_flag=True,
              moved_to="train with `genapp train-names --corpus FILE --out DIR`, then `genapp dino-names --model DIR`")
@click.option("--score", cls=Moved, is_flag=True, moved_to="score names with `genapp score --model dinos NAME...`")
@library_errors
def dino_names(count, temperatures, top_k, seed, prefix, novel, mark, max_length, model_dir):
    """Invent dinosaur names (or names like any list you train a model on).

    Prints one name per line, capitalised.

    \b
    Examples:
      genapp dino-names --count 5 --seed 7
      genapp dino-names --prefix ptero --novel
      genapp dino-names --model my_model --temperature 0.7
      genapp dino-names --temperature 0.5,1.0,1.5 --count 5 --seed 1
    """
    model_dir = _model_source(model_dir, "names", "dinos")
    from genapp.products.names import NamesModel, display  # imports Keras

    model = NamesModel.load(model_dir)
    for i, temperature in enumerate(temperatures):
        generated = model.generate(
            count, temperature=temperature, top_k=top_k, seed=seed, prefix=prefix, novel=novel, max_length=max_length
        )
        if len(temperatures) > 1:
            click.echo(("\n" if i else "") + f"temperature {temperature:g}:")
        for g in generated:
            click.echo(f"{display(g.name)}\t{'new' if g.is_new else 'known'}" if mark else display(g.name))


# ---- text -----------------------------------------------------------------------------------------


@cli.command("train-text", context_settings=CONTEXT)
@training_options("text", click.option(
    "--corpus", "corpus_files", multiple=True, type=InputFile(),
    help="UTF-8 text file; repeat for several [default: the Python documentation's help topics]."))
@library_errors
def train_text_command(corpus_files, out_dir, preset, force, resume, init_from, **options):
    """Train a character- or word-level language model on any text.

    Reads the corpus a chunk at a time and streams windows from it (a text of
    hundreds of megabytes is fine), clips
    gradients, writes the bundle whenever the validation loss improves (so
    Ctrl-C or a crash keeps the best model so far) and stops early.  Options
    left out take the preset's values, or with --resume the model's own.

    \b
    Examples:
      genapp train-text
      genapp train-text --corpus sonnets.txt --out sonnets --epochs 20
      genapp train-text --corpus recipes.txt --level word --vocab-size 3000 --embedding 64 --out recipes
      genapp train-text --corpus sonnets.txt --out sonnets --resume --epochs 40
      genapp train-text --corpus novel.txt --out novel --carry   # the state carried through the text
      genapp train-text --corpus books.txt --out books --devices all --batch-size 256   # every GPU
    """
    where = _placement(options)
    given = _given(**options)

    def train(out, base):
        from genapp.text.corpus import TextFiles

        TextFiles(list(corpus_files)).check()  # a photo given as text is refused before Keras loads
        from genapp.products.text import train_text  # imports Keras

        return train_text(None, out, given, preset, _say, files=list(corpus_files), replace=force, resume=resume,
                          init_from=base, **where)

    _train("text", out_dir, force, resume, init_from, train)


@cli.command("write", context_settings=CONTEXT)
@_model_option("text", "text")
@click.option("--prompt", default="", help="Text to continue (its last Tx tokens are used).")
@sampling_option("text", "length")
@click.option("--exact", is_flag=True, help="Stop at exactly --length tokens, even mid-word.")
@temperatures_option("text")
@TOP_K
@seed_option("text")
@library_errors
def write_command(model_dir, prompt, length, exact, temperatures, top_k, seed):
    """Continue a prompt with a text model, printing as it writes.

    The text ends at the end of a sentence, else of a word, near --length
    tokens (within a fifth of it either way); --exact stops at --length.

    \b
    Examples:
      genapp write --prompt "The for statement"
      genapp write --model sonnets --prompt "Shall I compare thee" --length 400 --seed 1
      genapp write --prompt "The for statement" --temperature 0.5,0.8,1.0 --seed 2
    """
    model_dir = _model_source(model_dir, "text", "text")
    from genapp.products.text import TextModel  # imports Keras

    model = TextModel.load(model_dir)
    for i, temperature in enumerate(temperatures):
        if len(temperatures) > 1:
            click.echo(("\n" if i else "") + f"temperature {temperature:g}:")
        pieces = model.write(prompt, length, temperature, top_k, seed, say=_say if i == 0 else None, whole=not exact)
        click.echo(prompt, nl=False)
        for piece in pieces:
            click.echo(piece, nl=False)
            sys.stdout.flush()
        click.echo()


@cli.command("score", context_settings=CONTEXT, short_help="Score names or texts: log P and nats per symbol.")
@click.argument("texts", nargs=-1, required=True)
@_model_option("names or text", "text")
@library_errors
def score_command(texts, model_dir):
    """Print log P(TEXT) and mean nats per token for each TEXT, under a text or a names model.

    \b
    Examples:
      genapp score "the return statement" "the retrun statement"
      genapp score --model dinos Tyrannosaurus Pizzasaurus
      genapp score --model recipes "pear salad" "pair salad"
    """
    from genapp import bundle, targets

    kind = "text"
    if model_dir is not None:
        path = targets.resolve_model(model_dir)
        kind = bundle.read_bundle_config(path)["kind"] if path.is_dir() else "text"
    model_dir = _model_source(model_dir, kind if kind in ("names", "text") else "text", "text")
    if kind == "names":
        from genapp.products.names import NamesModel, display  # imports Keras

        click.echo("name\tlog_prob\tnats_per_char")
        for s in NamesModel.load(model_dir).score(list(texts)):
            click.echo(f"{display(s.name)}\t{s.log_prob:.3f}\t{s.nats_per_char:.3f}")
        return
    from genapp.products.text import TextModel  # imports Keras

    click.echo("text\tlog_prob\tnats_per_token\ttokens")
    for s in TextModel.load(model_dir).score(list(texts)):
        unk = f" ({s.unknown} as <unk>)" if s.unknown else ""
        click.echo(f"{s.text}\t{s.log_prob:.3f}\t{s.nats_per_token:.3f}\t{s.tokens}{unk}")


# ---- music ----------------------------------------------------------------------------------------


@cli.command("corpus", context_settings=CONTEXT, short_help="Show what genapp reads in music files.")
@click.argument("sources", nargs=-1, required=True, type=MusicSource())
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
      genapp corpus wjd
      genapp corpus my_midi_folder --melody-track sax
      genapp corpus music21:joplin/maple_leaf_rag
    """
    from genapp.products.jazz import corpus_report

    for line in corpus_report(list(sources), melody_track, use_cache=not no_cache, say=_say):
        click.echo(line)


@cli.command("stats", context_settings=CONTEXT, short_help="What a musician checks in solos, as numbers.")
@click.argument("sources", nargs=-1, required=True, type=MusicSource())
@click.option("--compare", multiple=True, type=MusicSource(),
              help="Files, folders, music21:NAME or a shipped corpus (wjd, jazz) to print beside SOURCES (repeat for "
                   "several).")
@click.option("--melody-track", help="Take this track as the melody in SOURCES (a name, or part of one, or its number).")
@library_errors
def stats_command(sources, compare, melody_track):
    """Print statistics of the melodies in SOURCES (generated or real), optionally beside a corpus.

    Range, pitch-class entropy, notes in the chord's scale, chord tones on
    beats, onsets on the eighth grid, notes per bar, leaps over an octave,
    recurring 4-note interval patterns and the longest repeated pitch, pooled
    over the pieces (see genapp/music/stats.py).

    \b
    Examples:
      genapp stats solo.mid --compare wjd
      genapp stats take-1.mid take-2.mid take-3.mid
    """
    from genapp.music.corpus import load_corpus
    from genapp.music.stats import solo_stats

    ours = solo_stats(load_corpus(list(sources), melody_track=melody_track, say=_say).pieces).rows()
    theirs = solo_stats(load_corpus(list(compare), say=_say).pieces).rows() if compare else None
    click.echo("statistic\tsources" + ("\tcompare" if theirs else ""))
    for i, (name, value) in enumerate(ours):
        click.echo(f"{name}\t{value}" + (f"\t{theirs[i][1]}" if theirs else ""))


@cli.command("evaluate", context_settings=CONTEXT, short_help="Score a jazz model on pieces it did not learn from.")
@click.argument("sources", nargs=-1, required=True, type=MusicSource())
@_model_option("jazz", "jazz")
@click.option("--train", "train_sources", multiple=True, type=MusicSource(),
              help="The corpus the model learned from, for the n-grams [default: the sources its training.json names].")
@library_errors
def evaluate_command(sources, model_dir, train_sources):
    """Nats per note event of a jazz model on SOURCES, beside Kneser-Ney n-grams of orders 1-5 fitted on its training pieces.

    Both score the same events: notes and rests in the model's representation
    (a classic model's values).

    Give pieces the model did not learn from: a piece it trained on is named,
    since its score flatters the model.

    \b
    Examples:
      genapp evaluate my_held_out_solos/
      genapp evaluate --model my_jazz --train my_midi/ other_solos/
    """
    model_dir = _model_source(model_dir, "jazz", "jazz")
    from genapp.products.jazz import JazzModel, evaluate  # imports Keras

    result = evaluate(JazzModel.load(model_dir), list(sources), list(train_sources) or None, _say)
    for name in result.trained_on:
        _say(f"note: the model trained on {name}; its score there flatters the model")
    what = result.symbol
    click.echo(f"model: {result.model_nats:.3f} nats/{what} on {result.events} {what}s of {result.pieces} pieces"
               + (f" ({result.unknown} {what}s unknown to the model left out)" if result.unknown else ""))
    for order, nats in result.ngram_nats.items():
        click.echo(f"kneser-ney {order}-gram: {nats:.3f} nats/{what}")
    best = result.ngram_nats[result.best_order]
    click.echo(f"model / best n-gram ({result.best_order}-gram) = {result.model_nats / best:.3f} (below 1: the model is "
               "better)")


@cli.command("train-jazz", context_settings=CONTEXT)
@training_options("jazz", click.option(
    "--corpus", "sources", multiple=True, type=MusicSource(),
    help="MIDI/MusicXML/ABC file, folder, music21:NAME, or a shipped corpus: wjd (410 real solos), jazz (14 composed "
         "pieces); repeat for several [default: wjd]."))
@click.option("--melody-track", help="Take this track as the melody in every file (name or number).")
@library_errors
def train_jazz_command(sources, out_dir, preset, force, resume, init_from, melody_track, **options):
    """Train the jazz LSTM on MIDI, MusicXML or ABC files.

    Shows per-epoch loss, writes the model bundle whenever the validation
    loss improves (so Ctrl-C or a crash keeps the best model so far), and
    stops early when it stops improving.  Options left out take the
    preset's values, or with --resume the model's own.

    \b
    Examples:
      genapp train-jazz
      genapp train-jazz --corpus my_midi/ --out my_jazz --epochs 50
      genapp train-jazz --corpus solos/ --melody-track sax --resume --out my_jazz
      genapp train-jazz --corpus my_few_solos/ --init-from jazz --out mine
      genapp train-jazz --representation classic --out course    # the course's grammar and model
      genapp train-jazz --corpus my_few_solos/ --units 64 --tx 32 --out small   # a smaller model for a few files
      genapp train-jazz --lr-drop 1 --out steady               # never drop the learning rate
      genapp train-jazz --corpus big/ --out big --devices all --coordinator 10.0.0.1:1234 --num-processes 2 --process-id 0
    """

    where = _placement(options)
    given = _given(**options)
    corpus = list(sources) or [str(paths.shipped_music_corpus(paths.MUSIC_CORPORA[0]))]

    def train(out, base):
        from genapp.products.jazz import train_jazz  # imports Keras

        return train_jazz(corpus, out, given, preset, _say, melody_track=melody_track, replace=force, resume=resume,
                          init_from=base, **where)

    _train("jazz", out_dir, force, resume, init_from, train)


OUT_FORMATS = ".mid, .midi (MIDI), .wav (audio), .png (piano roll), .musicxml, .mxl (notation)"


@cli.command("generate", context_settings=CONTEXT)
@click.option("--out", "outs", type=click.Path(path_type=Path, dir_okay=False), multiple=True,
              help=f"File to write, its format by extension: {OUT_FORMATS}; repeat for several formats of the same take "
                   "[default: solo.mid]. With --count N: NAME-1 ... NAME-N. An existing file is kept and the next free "
                   "name (NAME-2 ...) is used instead.")
@click.option("--force", is_flag=True, help="Overwrite existing files of the --out names instead.")
@_model_option("jazz", "jazz")
@click.option("--chords", help='Chord symbols as lead sheets write them: "Dm7 G7 Cmaj7 Cmaj7" (a bar each), '
                               '"D-7 G7(b9) | CΔ7" ("|": bar lines), "Dm7:2 G7:2 C6/9" (lengths in beats), N.C.')
@click.option("--time-signature", help="Meter of --chords [default: 4/4].")
@click.option("--backing", type=MusicSource(), help="Take the chords (and meter, tempo) from a MIDI/MusicXML/ABC file.")
@sampling_option("jazz", "bars")
@click.option("--choruses", type=click.IntRange(1, 100), help="Play the progression this many times (instead of --bars).")
@click.option("--tempo", type=click.FloatRange(min=20, max=400), help="Beats per minute [default: the backing's, or 120].")
@sampling_option("jazz", "temperature", "--temperature", "-t")
@sampling_option("jazz", "rhythm_temperature")
@TOP_K
@seed_option("solo and band")
@sampling_option("jazz", "count", "--count", "-n")
@click.option("--primer", type=MusicSource(), help="Start from the phrase in this MIDI/MusicXML/ABC file.")
@sampling_option("jazz", "band")
@click.option("--two-feel", is_flag=True, help="The bass plays half notes (root and fifth) instead of walking.")
@sampling_option("jazz", "swing")
@sampling_option("jazz", "humanize")
@sampling_option("jazz", "instrument")
@sampling_option("jazz", "comping_instrument")
@sampling_option("jazz", "bass_instrument")
@click.option("--soundfont", type=click.Path(path_type=Path),
              help="SoundFont (.sf2) for .wav files [default: the General MIDI one installed with pretty_midi].")
@library_errors
def generate_command(outs, force, model_dir, chords, time_signature, backing, bars, choruses, tempo, temperature,
                     rhythm_temperature, top_k, seed, count, primer, band, two_feel, swing, humanize, instrument,
                     comping_instrument, bass_instrument, soundfont):
    """Improvise a jazz solo over chords with a band; write it as MIDI, audio, a piano roll or notation.

    Every file of a take holds the solo, the comping and (with --band trio)
    walking bass and drums, exactly --bars bars long, swung as --swing says.
    With no options it uses the shipped model and the progression of
    corpora/jazz/two_five_etudes.abc.

    \b
    Examples:
      genapp generate --out solo.mid
      genapp generate --out solo.mid --out solo.wav --out solo.png --out solo.musicxml
      genapp generate --chords "D-7 G7(b9) | CΔ7 | CΔ7" --choruses 4 --seed 3 --out ii-v-i.mid
      genapp generate --chords "Cm7:3 | F7:3 | BbΔ7:3 | BbΔ7:3" --time-signature 3/4 --swing 1.5 --out waltz.mid
      genapp generate --backing tune.mid --count 3 --temperature 0.8 --band comp --out take.mid
      genapp generate --temperature 0.6 --rhythm-temperature 0.9 --out calmer.mid
      genapp generate --primer lick.mid --instrument Trumpet --out solo.wav --soundfont better.sf2
    """
    from genapp import targets
    from genapp.music.arrangement import program
    from genapp.music.outputs import check_suffix
    from genapp.music.progression import choose_progression

    if chords and backing:
        raise click.UsageError("--chords and --backing exclude each other")
    bars_given = click.get_current_context().get_parameter_source("bars") == click.core.ParameterSource.COMMANDLINE
    if choruses and bars_given:
        raise click.UsageError("--choruses and --bars exclude each other")
    outs = list(outs) or [Path("solo.mid")]
    for out in outs:
        check_suffix(out)
    programs = {"program": program(instrument, "instrument"),
                "comping_program": program(comping_instrument, "comping_instrument"),
                "bass_program": program(bass_instrument, "bass_instrument")}
    progression = choose_progression(chords, backing, tempo, time_signature)  # chords are checked before any model
    if choruses:
        bars = choruses * len(progression.bars)
    elif not bars_given:
        bars = progression.whole_choruses(bars)  # --bars left out: whole choruses of at least that many bars
    model_dir = _model_source(model_dir, "jazz", "jazz")
    sf = _soundfont(soundfont, outs)
    files, note = targets.file_targets(outs, count, replace=force)
    if note:
        _say(note)
    from genapp.music.outputs import Renderer

    with Renderer({o.suffix for o in outs}, sf) as renderer:  # starts loading the drawing libraries now
        from genapp.products.jazz import JazzModel, takes  # imports Keras

        model = JazzModel.load(model_dir)
        phrase = model.primer(primer, say=_say) if primer else []
        band_options = {"band": band, "two_feel": two_feel, "swing": swing, "humanize": humanize, **programs}
        for line in takes(model, files, progression, bars, renderer, temperature=temperature, top_k=top_k, seed=seed,
                          rhythm_temperature=rhythm_temperature, primer=phrase, **band_options):
            click.echo(line)


def _soundfont(path: Path | None, outs: list[Path]) -> bytes | None:
    """The SoundFont's bytes when a .wav is asked for (checked before any heavy work), else None."""
    if not any(o.suffix.lower() == ".wav" for o in outs):
        if path is not None:
            raise click.UsageError("--soundfont applies only to .wav outputs")
        return None
    from genapp.music.audio import read_soundfont

    return read_soundfont(path)


@cli.command("render", context_settings=CONTEXT, short_help="Turn a music file into audio, a piano roll or notation.")
@click.argument("source", type=MusicSource())
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
    from genapp.errors import param
    from genapp.music.outputs import check_suffix

    for out in outs:
        check_suffix(out, param("output"))
    sf = _soundfont(soundfont, list(outs))
    [files], note = targets.file_targets(list(outs), 1, replace=force, what=param("output"))
    if note:
        _say(note)
    from genapp.music.outputs import Renderer, render_file

    with Renderer({o.suffix for o in outs}, sf) as renderer:
        for line in render_file(source, files, renderer, melody_track, say=_say):
            click.echo(line)


def main() -> None:
    """Console entry point: run the CLI, quietly when stdout is closed early (``| head``)."""
    try:
        cli(prog_name="genapp")
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)


if __name__ == "__main__":
    main()
