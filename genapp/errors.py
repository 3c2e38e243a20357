"""The exceptions genapp raises, and how a message names a parameter.

A ``GenappError`` message is a single line meant for the user: it names the
file or parameter, says what was wrong and what is accepted.  The library
knows nothing of the command line, so a message names a parameter with
``param("max_length")``: the library's ``str(error)`` shows it as
``max_length``, and the CLI renders it as its flag (``--max-length``) with
``error.render(flag)``, then prints ``Error: <message>`` and exits 1.
"""

from __future__ import annotations

from collections.abc import Callable

_MARK = "\x1f"  # the unit separator: brackets a parameter name inside a message


def param(name: str) -> str:
    """A parameter named in an error message: ``name`` for library users, its flag on the command line."""
    return f"{_MARK}{name}{_MARK}"


def render(message: str, name: Callable[[str], str] = lambda p: p) -> str:
    """The message with each ``param(...)`` shown as ``name(parameter)``."""
    parts = message.split(_MARK)  # odd positions are parameter names
    return "".join(name(p) if i % 2 else p for i, p in enumerate(parts))


class GenappError(Exception):
    """Bad input or a bad bundle, explained in one line."""

    def render(self, name: Callable[[str], str] = lambda p: p) -> str:
        return render(str(self.args[0]) if self.args else "", name)

    def __str__(self) -> str:
        return self.render()


class Interrupted(Exception):
    """The user stopped a long run (Ctrl-C); the message says what was kept and how to go on.

    The CLI prints it and exits 130, the shell's code for an interrupted command.
    """

    def render(self, name: Callable[[str], str] = lambda p: p) -> str:
        return render(str(self.args[0]) if self.args else "", name)

    def __str__(self) -> str:
        return self.render()
