"""genapp: generate music and text with recurrent networks (Keras 3).

Importing the package first settles the Keras backend (see ``genapp._backend``),
so every module below may ``import keras`` freely.
"""

from genapp import _backend

_backend.configure()

__version__ = "0.4.0"
