"""Errors name parameters; the library shows their names, the command line their flags."""

from genapp.errors import GenappError, param, render


def test_a_parameter_is_shown_by_name_or_as_a_flag():
    e = GenappError(f"{param('max_length')} 3: must be longer than the prefix 'abc'; raise {param('temperature')}")
    assert str(e) == "max_length 3: must be longer than the prefix 'abc'; raise temperature"
    assert e.render(lambda p: "--" + p.replace("_", "-")) == (
        "--max-length 3: must be longer than the prefix 'abc'; raise --temperature")
    assert render("no parameter here {braces} stay") == "no parameter here {braces} stay"


def test_the_cli_maps_parameters_to_its_flags():
    from genapp.cli import flag

    assert [flag(p) for p in ("replace", "clipvalue", "out", "learning_rate", "names")] == [
        "--force", "--clip", "--out", "--learning-rate", "NAME"]
