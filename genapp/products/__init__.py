"""The three products, each only what is its own: how it reads its corpus, what its model is, how it samples.

    names.py   names list -> characters -> CharLM -> names, and log P(name)
    text.py    any text -> characters or words -> CharLM -> text continuing a prompt, and log P(text)
    jazz.py    music files -> grammar values -> jazz LSTM -> a solo over chords

The shared path is elsewhere: ``genapp.training.train_bundle`` trains every
product, ``genapp.inference.LoadedModel`` loads it, ``genapp.sampling.sample_sequence``
samples it, and ``genapp.config`` holds every default.
"""
