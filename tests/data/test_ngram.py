"""Interpolated Kneser-Ney: a distribution over the whole vocabulary, and better with context when there is some."""

import math

import pytest

from genapp.data.ngram import KneserNey

TRAIN = [list("abcabcabcabd"), list("abcabcaabc"), list("cabcab")]
VOCAB = list("abcde")  # e is never seen


@pytest.mark.parametrize("order", [1, 2, 3, 4])
def test_probabilities_sum_to_one_in_every_context(order):
    lm = KneserNey(TRAIN, order, len(VOCAB))
    for history in ([], list("a"), list("ab"), list("ca"), list("ee"), list("abcab")):
        assert sum(lm.prob(history, s) for s in VOCAB) == pytest.approx(1.0)
    assert lm.prob(list("ab"), "e") > 0  # never seen, still possible


def test_context_helps_on_a_patterned_sequence():
    test = [list("abcabcabc")]
    nats = {order: KneserNey(TRAIN, order, len(VOCAB)).nats(test)[0] for order in (1, 2, 3)}
    assert nats[3] < nats[2] < nats[1]
    assert nats[1] < 9 * math.log(len(VOCAB))  # the unigram already beats the uniform distribution


def test_keep_leaves_events_out():
    lm = KneserNey(TRAIN, 2, len(VOCAB))
    total, events = lm.nats([list("abcd")], keep=lambda s: s != "d")
    assert events == 3 and total == pytest.approx(lm.nats([list("abc")])[0])


def test_adapting_predicts_each_symbol_from_the_training_sequences_and_all_read_before_it():
    test = list("dedede") + list("abcde")
    lm = KneserNey(TRAIN, 3, len(VOCAB))
    total, events = lm.nats([test], adapt=True)
    # the same as a model trained afresh on the training sequences plus the prefix read so far
    fresh = -sum(math.log(KneserNey(TRAIN + [test[:i]], 3, len(VOCAB)).prob(test[:i], test[i])) for i in range(len(test)))
    assert events == len(test) and total == pytest.approx(fresh)
    assert total < KneserNey(TRAIN, 3, len(VOCAB)).nats([test])[0]  # "dede..." is new to the training sequences
    for history in ([], list("de"), list("ed"), list("ab")):  # the counts it kept are a distribution still
        assert sum(lm.prob(history, s) for s in VOCAB) == pytest.approx(1.0)


def test_scoring_without_adapting_changes_nothing():
    lm = KneserNey(TRAIN, 3, len(VOCAB))
    first = lm.nats([list("dedede")])
    assert lm.nats([list("dedede")]) == first
