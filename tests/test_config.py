"""The single source of defaults: presets, and how a run's options are resolved."""

import dataclasses

import pytest

from genapp import config
from genapp.config import NamesOptions, TextOptions, TrainSettings, preset, resolve
from genapp.errors import GenappError


def test_every_product_has_a_default_and_a_tiny_preset():
    for product, named in config.PRESETS.items():
        assert set(named) == {"default", "tiny"}, product
        assert named["tiny"].units < named["default"].units
    with pytest.raises(GenappError, match=r"preset 'huge': no such jazz preset; expected one of default, tiny"):
        preset("jazz", "huge")


def test_given_options_win_over_the_preset():
    options = resolve(preset("names"), {"units": 8, "epochs": 3, "cell": None, "clipvalue": None})
    assert (options.units, options.cell, options.settings.epochs) == (8, "lstm", 3)
    assert options.settings.learning_rate == preset("names").settings.learning_rate


def test_clipvalue_zero_means_no_clipping():
    assert resolve(preset("text"), {"clipvalue": 0}).settings.clipvalue is None
    assert resolve(preset("text"), {"clipvalue": 2.0}).settings.clipvalue == 2.0


def test_a_resumed_model_keeps_its_shape_and_settings():
    saved_model = {"vocab_size": 30, "cell": "gru", "units": 16, "layers": 2, "level": "word", "tx": 20}
    saved_settings = TrainSettings(epochs=5, batch_size=4, learning_rate=0.002).to_json()
    options = resolve(preset("text"), {"epochs": 9}, saved_model, saved_settings)
    assert (options.cell, options.units, options.layers, options.level, options.tx) == ("gru", 16, 2, "word", 20)
    assert (options.settings.epochs, options.settings.batch_size, options.settings.learning_rate) == (9, 4, 0.002)
    with pytest.raises(GenappError, match=r"units 32: the model in m/ has units 16; resume keeps the model's shape"):
        resolve(preset("text"), {"units": 32}, saved_model, saved_settings, where="in m/")
    assert resolve(preset("text"), {"units": 16}, saved_model, saved_settings).units == 16  # the same value is fine


def test_a_resumed_model_keeps_its_regularisation_unless_given():
    """An older names bundle (no dropout, one-hot, one member) resumes as it was trained, not with today's preset."""
    old = {"vocab_size": 30, "cell": "lstm", "units": 128, "layers": 1, "dropout": 0.0, "embedding": 0,
           "input_dropout": 0.0, "members": 1}
    options = resolve(preset("names"), {}, old, None)
    assert (options.dropout, options.input_dropout, options.embedding, options.members) == (0.0, 0.0, 0, 1)
    assert preset("names").dropout > 0  # (the preset itself would have changed it)
    assert resolve(preset("names"), {"dropout": 0.2}, old, None).dropout == 0.2  # given: changed, not refused


def test_unknown_options_are_refused():
    with pytest.raises(ValueError, match=r"unknown option 'vocab_size'; expected some of cell, units, layers"):
        resolve(NamesOptions(), {"vocab_size": 3})


def test_every_option_has_help():
    for cls in (NamesOptions, TextOptions, config.JazzOptions, TrainSettings):
        for f in dataclasses.fields(cls):
            assert f.name == "settings" or f.metadata.get("help"), (cls.__name__, f.name)
