"""Keras building blocks shared by genapp's models (backend-agnostic, ``keras.ops`` only)."""
