"""Music side of genapp: read pieces, find melody and harmony, encode to the jazz grammar, write MIDI.

Data flows one way: reading (files -> Piece) -> grammar (Piece -> values) ->
dataset (values -> windows) ... sampling -> grammar decoding (values -> notes) -> midi_out.
Nothing here imports Keras.
"""
