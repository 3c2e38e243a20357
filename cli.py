"""The ``genapp`` command line, at the top of the repository as the design card lays it out.

The command line itself lives in ``genapp/cli.py`` (installed as ``genapp.cli``;
the ``genapp`` console script runs ``genapp.cli:main``).  This file only lets a
clone run it as ``python cli.py ...``; it is not installed, so no top-level
``cli`` module can collide with another package's.
"""

from genapp.cli import cli, main  # noqa: F401

if __name__ == "__main__":
    main()
