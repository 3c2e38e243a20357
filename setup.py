"""Package discovery; the rest of the metadata is in pyproject.toml.

Every package under ``genapp/`` is found (a new subpackage cannot be left out
of a wheel), and the shipped data folders ``corpora/`` and ``models/``, which
sit beside ``genapp/`` as the design card lays the repository out, are mapped
into the installed package as ``genapp/corpora`` and ``genapp/models``, where
``genapp.paths`` looks first.
"""

from setuptools import find_packages, setup

DATA = {"genapp.corpora": "corpora", "genapp.models": "models"}

setup(
    packages=find_packages(include=["genapp", "genapp.*"]) + list(DATA),
    package_dir=DATA,
    package_data={name: ["**/*"] for name in DATA},
)
