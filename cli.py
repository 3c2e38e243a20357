"""The ``genapp`` command line: a thin click layer over the ``genapp`` library.

Options are checked here (ranges, paths); everything else is the library's.
A ``GenappError`` from the library becomes ``Error: <one line>`` and exit 1,
never a traceback.  Heavy imports (Keras) happen inside the commands, so
``genapp --help`` answers at once.
"""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

import click

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
CELLS = ("rnn", "gru", "lstm")


def _say(line: str) -> None:
    """Progress and notes go to stderr, so stdout stays ready to pipe."""
    click.echo(line, err=True)


def library_errors(command):
    """Turn the library's one-line errors into click's ``Error: ...`` and exit 1."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from genapp.errors import GenappError

        try:
            return command(*args, **kwargs)
        except GenappError as e:
            raise click.ClickException(str(e)) from None

    return wrapper


def training_options(command):
    """Options shared by every command that trains a model."""
    options = [
        click.option("--epochs", type=click.IntRange(min=1), help="Most epochs to train (early stop may end sooner)."),
        click.option("--cell", type=click.Choice(CELLS), help="Recurrent cell."),
        click.option("--units", type=click.IntRange(min=1), help="Hidden units per recurrent layer (n_a)."),
        click.option("--layers", type=click.IntRange(min=1), help="Stacked recurrent layers (deep RNN)."),
        click.option(
            "--clip", type=click.FloatRange(min=0, min_open=True), help="Clip each gradient entry to [-CLIP, CLIP]."
        ),
        click.option("--no-clip", is_flag=True, help="Train without gradient clipping."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _training_choices(epochs, cell, units, layers, clip, no_clip):
    """(model arguments, TrainSettings) from the shared training options; None keeps defaults."""
    from dataclasses import replace

    from genapp.names import DEFAULT_CONFIG, DEFAULT_SETTINGS

    if clip is not None and no_clip:
        raise click.UsageError("--clip and --no-clip exclude each other")
    config = dict(DEFAULT_CONFIG)
    config.update({k: v for k, v in {"cell": cell, "units": units, "layers": layers}.items() if v is not None})
    settings = DEFAULT_SETTINGS
    if epochs is not None:
        settings = replace(settings, epochs=epochs)
    if clip is not None or no_clip:
        settings = replace(settings, clipvalue=None if no_clip else clip)
    return config, settings


@click.group(context_settings=CONTEXT)
@click.version_option(package_name="genapp")
def cli():
    """genapp: generate music and text with recurrent networks.

    \b
    Examples:
      genapp dino-names
      genapp dino-names --count 5 --prefix tyr --seed 1
      genapp dino-names --score Tyrannosaurus Velociraptor
    """


@cli.command("dino-names", context_settings=CONTEXT)
@click.argument("names", nargs=-1)
@click.option("--count", "-n", type=click.IntRange(min=1), default=10, show_default=True, help="How many names.")
@click.option(
    "--temperature", "-t", type=click.FloatRange(min=0, min_open=True), default=1.0, show_default=True,
    help="Above 1: wilder names; below 1: safer ones.",
)
@click.option("--top-k", type=click.IntRange(min=1), help="Sample only among the K likeliest characters.")
@click.option("--seed", type=int, help="Same seed and model give the same names.")
@click.option("--prefix", default="", help="Names start with these letters.")
@click.option("--novel", is_flag=True, help="Only names absent from the training corpus.")
@click.option("--mark", is_flag=True, help="Tag each name 'new' or 'known' (in the training corpus).")
@click.option("--max-length", type=click.IntRange(min=1), default=30, show_default=True, help="Longest name.")
@click.option("--score", is_flag=True, help="Print log P(NAME) and nats per character for each NAME instead.")
@click.option(
    "--model", "model_dir", type=click.Path(path_type=Path),
    help="Model bundle folder [default: the shipped models/dinos].",
)
@click.option("--train", is_flag=True, help="(Re)train the model first, on --corpus.")
@click.option(
    "--corpus", type=click.Path(path_type=Path),
    help="Names list to train on, UTF-8, one per line [default: the shipped corpora/dinos.txt].",
)
@training_options
@library_errors
def dino_names(names, count, temperature, top_k, seed, prefix, novel, mark, max_length, score, model_dir, train,
               corpus, **training):
    """Invent dinosaur names (or names like any list you train it on).

    Prints one name per line, capitalised. Trains the model first, with a
    progress display, when the model folder does not exist yet.

    \b
    Examples:
      genapp dino-names --count 5 --seed 7
      genapp dino-names --prefix ptero --novel
      genapp dino-names --score Tyrannosaurus Pizzasaurus
      genapp dino-names --train --corpus my_names.txt --model my_model --cell gru
    """
    from genapp import paths
    from genapp.names import NamesModel, display, train_names

    if names and not score:
        raise click.UsageError(f"unexpected argument {names[0]!r}; names to score need --score")
    if score and not names:
        raise click.UsageError("--score needs at least one NAME")
    model_dir = model_dir or paths.default_names_model()
    given = [f"--{k.replace('_', '-')}" for k, v in training.items() if v not in (None, False)]
    if (given or corpus) and not train and model_dir.is_dir():
        raise click.UsageError(f"{(given or ['--corpus'])[0]} applies only when training; add --train")
    if model_dir.exists() and not model_dir.is_dir():
        raise click.ClickException(f"--model {model_dir}: is a file; expected a model bundle folder")
    if train or not model_dir.exists():
        config, settings = _training_choices(**training)
        if not train:
            _say(f"no model at {model_dir}; training one first")
        model = train_names(corpus or paths.default_names_corpus(), model_dir, config, settings, _say)
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


def main() -> None:
    """Console entry point: run the CLI, quietly when stdout is closed early (``| head``)."""
    try:
        cli(prog_name="genapp")
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)


if __name__ == "__main__":
    main()
