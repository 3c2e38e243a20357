"""Text side of genapp: vocabularies, corpus readers and datasets for language models."""
