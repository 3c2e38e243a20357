"""Regenerate the pictures in docs/ from the shipped jazz model (run from a clone after any change to the model or
the piano roll):

    python docs/make_pictures.py

It runs the README's own command with a fixed seed, so the picture is a real generated solo, never drawn by hand.
"""

import subprocess
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent

if __name__ == "__main__":
    subprocess.run([sys.executable, "-m", "genapp.cli", "generate", "--seed", "7", "--force",
                    "--out", str(DOCS / "solo.png")], check=True)
