"""The command line: help texts, exact one-line errors, exit codes, nothing half-written."""

import re
import shutil

import pytest
from run_cli import one_line_error, run


def _commands():
    from genapp.cli import cli

    return sorted(cli.commands)


@pytest.mark.parametrize("args", [["--help"], ["-h"]] + [[c, flag] for c in _commands() for flag in ("--help", "-h")])
def test_every_command_has_help_with_examples(args):
    result = run(*args)
    assert result.exit_code == 0 and "Usage: " in result.output and "Example" in result.output, result.output


def test_the_commands_are_the_documented_ones():
    assert _commands() == ["corpus", "dino-names", "evaluate", "generate", "render", "score", "stats", "train-jazz",
                           "train-names", "train-text", "write"]


def test_prints_count_names_one_per_line_capitalised(tiny_bundle):
    result = run("dino-names", "--model", str(tiny_bundle), "--count", "4", "--seed", "2")
    lines = result.stdout.splitlines()
    assert result.exit_code == 0 and len(lines) == 4 and all(line[0].isupper() for line in lines)
    assert run("dino-names", "--model", str(tiny_bundle), "--count", "4", "--seed", "2").stdout == result.stdout


def test_mark_and_score(tiny_bundle):
    marked = run("dino-names", "--model", str(tiny_bundle), "--count", "3", "--mark", "--seed", "0").stdout
    assert all(line.split("\t")[1] in ("new", "known") for line in marked.splitlines())
    scored = run("score", "--model", str(tiny_bundle), "Stegosaurus", "rex")
    header, *rows = scored.stdout.splitlines()
    assert header == "name\tlog_prob\tnats_per_char"
    assert [r.split("\t")[0] for r in rows] == ["Stegosaurus", "Rex"]
    assert all(float(r.split("\t")[1]) < 0 for r in rows)


@pytest.mark.parametrize(
    "args, line",
    [
        (["--count", "0"], "Error: Invalid value for '--count' / '-n': 0 is not in the range x>=1."),
        (["--temperature", "-1"], "Error: Invalid value for '--temperature' / '-t': '-1': every temperature must be a "
                                  "finite number >= 0"),
        (["-t", "0.5,x"], "Error: Invalid value for '--temperature' / '-t': '0.5,x': expected a number >= 0, or several "
                          "separated by commas (0.5,0.8,1.0)"),
        (["-t", ",".join(["1"] * 9)], "Error: Invalid value for '--temperature' / '-t': '1,1,1,1,1,1,1,1,1': at most 8 "
                                      "temperatures in one call"),
        (["--top-k", "0"], "Error: Invalid value for '--top-k': 0 is not in the range x>=1."),
    ],
)
def test_bad_numbers(tiny_bundle, args, line):
    result = run("dino-names", "--model", str(tiny_bundle), *args)
    assert result.exit_code == 2 and result.stderr.strip().splitlines()[-1] == line


def test_several_temperatures_give_labelled_names_from_the_same_seed(tiny_bundle):
    result = run("dino-names", "--model", str(tiny_bundle), "-n", "2", "-t", "0.5,2", "--seed", "4")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "temperature 0.5:" and lines[3] == "" and lines[4] == "temperature 2:" and len(lines) == 7
    hot = run("dino-names", "--model", str(tiny_bundle), "-n", "2", "-t", "2", "--seed", "4")
    assert hot.stdout.splitlines() == lines[5:]


def test_unknown_prefix_and_score_characters(tiny_bundle):
    result = run("dino-names", "--model", str(tiny_bundle), "--prefix", "Ωf")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: --prefix 'ωf': 2 characters the model never saw ('ω' 'f'); it knows '")
    result = run("score", "--model", str(tiny_bundle), "T-rex")
    assert result.exit_code == 1 and result.stderr.startswith("Error: NAME 't-rex': 1 character the model never saw ('-')")


def test_temperature_zero_is_greedy(tiny_bundle):
    one = run("dino-names", "--model", "dinos", "-n", "1", "-t", "0", "--seed", "1")
    assert one.exit_code == 0 and one.stdout == run("dino-names", "--model", "dinos", "-n", "1", "-t", "0",
                                                    "--seed", "2").stdout
    line = one_line_error(run("dino-names", "--model", "dinos", "-n", "1", "-t", "0", "--max-length", "3"))
    assert line == "Error: --temperature 0: the likeliest name is longer than --max-length 3; raise the temperature or the length"
    line = one_line_error(run("dino-names", "--model", str(tiny_bundle), "-n", "3", "-t", "0"))
    assert line.startswith("Error: --count 3: --temperature 0 always picks the likeliest character, so it gives one name")


@pytest.mark.parametrize(
    "content, reason",
    [(None, "no such file"), (b"", "is empty; expected UTF-8 text"), (b"\n \n", "is empty; expected UTF-8 text"),
     (b"\xe9t\xe9\n", "not UTF-8 text (byte 0xe9 at offset 0); save it as UTF-8")],
    ids=["missing", "empty", "all_blank", "latin1"],
)
def test_bad_corpus_leaves_no_model(tmp_path, content, reason):
    corpus = tmp_path / "names.txt"
    if content is not None:
        corpus.write_bytes(content)
    out = tmp_path / "model"
    line = one_line_error(run("train-names", "--corpus", str(corpus), "--out", str(out), "--epochs", "1"))
    assert line == f"Error: --corpus {corpus}: {reason}"
    assert list(tmp_path.iterdir()) == ([corpus] if content is not None else [])


def test_model_path_that_is_a_file(tmp_path):
    f = tmp_path / "model.keras"
    f.write_text("")
    line = one_line_error(run("dino-names", "--model", str(f)))
    assert line == f"Error: --model {f}: is a file; expected a model bundle folder"


def test_partial_and_mismatched_bundles(tmp_path, tiny_bundle):
    partial = tmp_path / "partial"
    shutil.copytree(tiny_bundle, partial)
    (partial / "model.keras").unlink()
    line = one_line_error(run("dino-names", "--model", str(partial)))
    assert line == f"Error: model bundle {partial}: incomplete, missing model.keras; retrain it or point to another folder"
    mixed = tmp_path / "mixed"
    shutil.copytree(tiny_bundle, mixed)
    (mixed / "vocab.json").write_text((mixed / "vocab.json").read_text().replace('"a"', '"á"'))
    assert "vocab.json does not match config.json" in one_line_error(run("dino-names", "--model", str(mixed)))


def test_dropped_options_say_what_replaced_them(tiny_bundle):
    line = one_line_error(run("dino-names", "--train", "--model", str(tiny_bundle)))
    assert line == ("Error: --train was dropped in genapp 0.2: train with `genapp train-names --corpus FILE --out DIR`, "
                    "then `genapp dino-names --model DIR`")
    line = one_line_error(run("dino-names", "--score", "Rex"))
    assert line == "Error: --score was dropped in genapp 0.2: score names with `genapp score --model dinos NAME...`"
    result = run("dino-names", "--model", str(tiny_bundle), "--epochs", "3")
    assert result.exit_code == 2 and "No such option '--epochs'" in result.stderr


def test_a_missing_model_is_an_error_not_a_training_run(tmp_path, tiny_corpus):
    out = tmp_path / "dinoss"
    line = one_line_error(run("dino-names", "--model", str(out), "--count", "2"))
    assert line.startswith(f"Error: --model {out}: no such model folder; genapp's shipped models are in ")
    assert line.endswith("(dinos, jazz, text, words), and `genapp train-names --out DIR` trains a new one")
    assert not out.exists()


def test_train_then_generate(tmp_path, tiny_corpus):
    out = tmp_path / "new"
    result = run("train-names", "--out", str(out), "--corpus", str(tiny_corpus), "--epochs", "1",
                 "--units", "8", "--cell", "rnn", "--seed", "0")
    assert result.exit_code == 0 and result.stdout == ""
    assert "epoch   1/1" in result.stderr and f"sample from it with: genapp dino-names --model {out}" in result.stderr
    samples = result.stderr.splitlines()[result.stderr.splitlines().index(
        next(line for line in result.stderr.splitlines() if line.startswith("epoch   1/1"))) + 1]
    assert samples.startswith("    ") and re.search(r"\((in-train|held-out|new)\)", samples)
    result = run("dino-names", "--model", str(out), "--count", "2", "--seed", "0")
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 2
    assert (out / "model.keras").is_file()
