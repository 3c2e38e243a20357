"""The one exception type genapp raises for bad input.

Its message is a single line meant for the user: it names the file or option,
says what was wrong and what is accepted.  The CLI prints it as
``Error: <message>`` and exits 1; library users catch ``GenappError``.
"""


class GenappError(Exception):
    """Bad input or a bad bundle, explained in one line."""
