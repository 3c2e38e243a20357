"""The one exception type genapp raises for bad input.

Its message is a single line meant for the user: it names the file or option,
says what was wrong and what is accepted.  The CLI prints it as
``Error: <message>`` and exits 1; library users catch ``GenappError``.
"""


class GenappError(Exception):
    """Bad input or a bad bundle, explained in one line."""


class Interrupted(Exception):
    """The user stopped a long run (Ctrl-C); the message says what was kept and how to go on.

    The CLI prints it and exits 130, the shell's code for an interrupted command.
    """
