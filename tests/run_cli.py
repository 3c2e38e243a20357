"""Run the command line in-process, the one helper every CLI test uses."""

from click.testing import CliRunner

from genapp.cli import cli


def run(*args):
    """``genapp ARGS`` in-process; arguments may be paths or numbers."""
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def one_line_error(result, code=1):
    """The single ``Error: ...`` line of a failed command, after checking the exit code and that stdout stayed empty."""
    assert result.exit_code == code, result.output
    assert result.stdout == "" and len(result.stderr.strip().splitlines()) == 1, result.stderr
    return result.stderr.strip()
