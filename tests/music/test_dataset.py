"""The jazz corpus's held-out split is by tune: every take of a tune on one side, about 10% of the solos held out."""

from pathlib import Path

import pytest

from genapp.data.split import split_by_hash
from genapp.music.corpus import expand
from genapp.music.dataset import split_sequences, tune_of

WJD = Path(__file__).resolve().parents[2] / "corpora" / "wjd"


@pytest.mark.parametrize("name, tune", [
    ("CharlieParker_Ko=Ko_Solo.mxl", "tune koko"),
    ("corpora/wjd/BenWebster_Stardust-2_Solo.mxl", "tune stardust"),
    ("ArtPepper_Stardust-1_Solo.mxl", "tune stardust"),
    ("/abs/path/BennyCarter_It'sAWonderfulWorld-1_Solo.mxl", "tune itsawonderfulworld"),
    ("C:\\solos\\ChrisPotter_PopTune#1_Solo.mxl", "tune poptune1"),
    ("JohnColtrane_BodyAndSoul_AlternateTake_Solo.mxl", "tune bodyandsoul"),
    ("CliffordBrown_I'llRememberApril_AlternateTake2_Solo.mxl", "tune illrememberapril"),
    ("FatsNavarro_Anthropology_No1_Solo.mxl", "tune anthropology"),
    ("JohnColtrane_Impressions_1961_Solo.mxl", "tune impressions"),
    ("WyntonMarsalis_CherokeeII_Solo.mxl", "tune cherokee"),
    ("EricDolphy_Aisha_solo.mxl", "tune aisha"),
])
def test_a_wjd_name_gives_its_tune(name, tune):
    assert tune_of(name) == tune


def test_one_tune_written_two_ways_is_one_tune():
    assert tune_of("BranfordMarsalis_Ummg_Solo.mxl") == tune_of("ClarkTerry_U.M.M.G._Solo.mxl")


def test_two_players_on_one_tune_share_it():
    assert tune_of("BenWebster_Stardust-2_Solo.mxl") == tune_of("ArtPepper_Stardust-1_Solo.mxl") \
        == tune_of("ArtPepper_Stardust_Solo.mxl") != tune_of("ArtPepper_Desafinado_Solo.mxl")


@pytest.mark.parametrize("name, key", [
    ("corpora/jazz/blues_for_keras.abc", "blues_for_keras.abc"),
    ("songs\\sub\\b.midi", "b.midi"),
    ("music21:joplin/maple_leaf_rag", "maple_leaf_rag"),
    ("Stardust_Solo.mxl", "Stardust_Solo.mxl"),  # no player: not a WJD name
    ("ArtPepper_Stardust_Solo.xml.bak", "ArtPepper_Stardust_Solo.xml.bak"),
    ("tune stardust", "tune stardust"),
])
def test_other_names_are_their_base_name(name, key):
    assert tune_of(name) == key


def test_split_sequences_keeps_the_takes_of_a_tune_together():
    players, tunes = ["ArtPepper", "BenWebster", "ChetBaker"], ["Oleo", "SoWhat", "Cherokee", "Solar", "Airegin",
                                                                 "Nardis", "Donna", "Stardust", "Yardbird", "Tenderly"]
    named = [(f"x/{p}_{t}-{k + 1}_Solo.mxl", [t] * 5) for t in tunes for k, p in enumerate(players)]
    train, held = split_sequences(named, 0.1)
    held_tunes = {s[0] for s in held}
    assert len(held) == 3 * len(held_tunes) >= 3 and held_tunes.isdisjoint({s[0] for s in train})


def test_the_wjd_split_holds_out_whole_tunes_and_about_a_tenth():
    files, skipped = expand([str(WJD)])
    assert len(files) == 410 and not skipped
    names = sorted(Path(f).name for f in files)
    train, held = split_by_hash(names, 0.1, key=tune_of)
    assert {tune_of(n) for n in train}.isdisjoint({tune_of(n) for n in held})
    assert sorted(train + held) == names and 0.08 <= len(held) / len(names) <= 0.14
    assert split_by_hash([str(f) for f in files], 0.1, key=tune_of)[1] == [str(WJD / n) for n in held]  # any folder
