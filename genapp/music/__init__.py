"""Music side of genapp: read pieces, find melody and harmony, encode to the jazz grammar, write MIDI.

Data flows one way: limits -> reading (files -> Piece) -> grammar (Piece -> values) ->
dataset (values -> windows) ... sampling over a progression (chords) -> grammar
decoding (values -> notes) -> arrangement (solo + comping) -> outputs (MIDI, WAV,
piano roll, MusicXML).
Nothing here imports Keras.
"""
