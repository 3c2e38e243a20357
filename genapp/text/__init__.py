"""Text side of genapp: corpus readers (names lists, any text) -> tokens (characters or words) -> windows.

The vocabulary, the held-out split and the input shift are shared with the
music side and live in ``genapp.data``.
"""
