"""Language models on any text: train, write (continue a prompt), score.

The library behind ``genapp train-text``, ``genapp write`` and ``genapp score``.
It shares everything with the names product (the model ``nn.charlm``, the
training path, sampling, the bundle format); what is its own:

    TextRecipe      text chunks (``text.corpus``) -> tokens (``text.tokens``) -> one index array on disk
                    -> streamed windows (``text.windows``)
    TextModel       continue a prompt token by token, as readable text; log P(text)

The text is never in memory whole: a first pass over its chunks counts the
tokens (the vocabulary) and hashes it, a second writes every token's index to
a memory-mapped file (``data.rows``; one byte per token when the vocabulary
has at most 256 symbols), and ``WindowStream`` cuts each batch of windows
from it when Keras asks.  With ``carry`` the batches are laid out in
streams through the text (``CarriedWindows``) and a stateful copy of the graph
over the same cells (``nn.charlm.carried_trainee``) carries its state from
each window to the next, as char-rnn trains; otherwise each window of Tx
tokens is read from zero states exactly as a name.  Validation is the end of
the corpus (by position, ``validation`` of it).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass

import numpy as np

from genapp.config import CharLMConfig, TextConfig, TextOptions, TextSampling
from genapp.data.sequences import shift_right
from genapp.data.vocab import PAD, UNK, Vocabulary, never_seen
from genapp.errors import GenappError, param
from genapp.inference import CharLMModel
from genapp.text.corpus import OneText, TextFiles, default_text
from genapp.sampling import sample_sequence
from genapp.text.tokens import (WORD_SPECIALS, CharCodes, Detokenizer, detokenize, encode, ending, tokenize,
                                vocab_from_counts)
from genapp.text.windows import CarriedWindows, WindowStream
from genapp.training import Batches, Recipe, TrainingData, train_bundle

KIND = "text"


@dataclass
class CountedText:
    """A text source (``text.corpus``: chunks of text) and what the first pass over it counted."""

    source: object
    counts: Counter  # token -> count
    tokens: int


class TextRecipe(Recipe):
    kind, symbol = KIND, "token"

    def __init__(self, source, max_batches: int | None = None):
        self.source, self.max_batches = source, max_batches
        self.streams = 0  # rows of a carried-state batch, once ``batches`` has cut them
        self.loaded = TextModel

    def read(self, options: TextOptions) -> TrainingData:
        """One pass over the text, a chunk at a time: each token's count and the text's digest."""
        if options.level == "word" and options.vocab_size <= len(WORD_SPECIALS):
            raise GenappError(
                f"{param('vocab_size')} {options.vocab_size}: must be larger than the {len(WORD_SPECIALS)} reserved "
                f"tokens ({', '.join(WORD_SPECIALS)})"
            )
        counts, digest, total = Counter(), hashlib.sha256(), 0
        for chunk in self.source.chunks():
            digest.update(chunk.encode("utf-8"))
            tokens = chunk if options.level == "char" else tokenize(chunk, options.level)
            counts.update(tokens)
            total += len(tokens)
        facts = {"corpus": self.source.name, "validation_split": f"the last {options.validation:.0%} of the corpus"}
        # characters must all be known to a resumed model; unknown words are read as <unk>
        symbols = list(counts) if options.level == "char" else None
        return TrainingData(CountedText(self.source, counts, total), symbols, digest.hexdigest(), facts)

    def vocabulary(self, corpus: TrainingData, options: TextOptions) -> Vocabulary:
        return vocab_from_counts(corpus.data.counts, options.level,
                                 options.vocab_size if options.level == "word" else None)

    def model_args(self, vocab: Vocabulary, options: TextOptions) -> dict:
        cfg = CharLMConfig.of(vocab.size, options)
        return {**cfg.to_json(), **asdict(TextConfig(options.level, options.tx))}

    def batches(self, corpus: TrainingData, vocab: Vocabulary, options: TextOptions, args: dict, say) -> Batches:
        level, tx, settings = args["level"], args["tx"], options.settings
        ids, unknown = token_ids(corpus.data.source, vocab, level)  # (N,), memory-mapped
        cut = len(ids) - int(len(ids) * options.validation) if options.validation > 0 else len(ids)
        if cut < tx + 1:
            raise GenappError(f"corpus too small: {len(ids)} {level} tokens; {param('tx')} {tx} needs at least "
                              f"{tx + 1} for training")
        has_val = len(ids) - cut >= tx
        cfg = CharLMConfig.from_json(TextModel.model_args(args))
        facts = {"tokens": len(ids), "validation_tokens": int(len(ids) - cut), "unknown_tokens": unknown}
        summary = (f"{cfg.describe()} on {cut:,} {level} tokens "
                   f"({vocab.size - len(vocab.specials)} distinct), {len(ids) - cut:,} held out; Tx {tx}")
        if options.carry:
            streams = self.streams = carried_streams(cut, len(ids) - cut if has_val else None, tx, settings.batch_size)
            train = CarriedWindows(ids[:cut], tx, streams, True, settings.seed, self.max_batches)
            val = CarriedWindows(ids[cut:], tx, streams, False) if has_val else None
            summary += f", the state carried through {streams} streams"
            facts["carried_streams"] = streams
        else:
            train = WindowStream(ids[:cut], tx, settings.batch_size, True, settings.seed, self.max_batches)
            val = WindowStream(ids[cut:], tx, settings.batch_size, False) if has_val else None
            summary += ", every window from a zero state"
        return Batches(train=train, val=val, symbols_per_val_seq=tx if has_val else None, summary=summary, facts=facts)

    def graphs(self, args: dict, options):
        from genapp.nn.charlm import training_graphs

        cfg = CharLMConfig.from_json(TextModel.model_args(args))
        return training_graphs(cfg, self.streams if options.carry else None)  # self.streams: set by batches

    def measure(self, args: dict, options):
        from genapp.nn.charlm import measure

        return measure(CharLMConfig.from_json(TextModel.model_args(args)))

    def samples(self, model, args: dict, vocab: Vocabulary, corpus: TrainingData, options: TextOptions):
        """A line of text from the model after each epoch (80 characters or 16 words; line breaks shown as " / ")."""
        from genapp.nn.charlm import stepper

        step = stepper(model, CharLMConfig.from_json(TextModel.model_args(args)))
        banned = [vocab.index(PAD)] + ([vocab.index(UNK)] if UNK in vocab else [])
        length = 80 if args["level"] == "char" else 16

        def line(epoch: int) -> list[str]:
            rng = np.random.default_rng([options.settings.seed, epoch])
            ids = sample_sequence(step, rng, lambda t: banned, temperature=TextSampling.temperature)
            tokens = [vocab.symbols[int(i[0])] for _, i in zip(range(length), ids)]
            return [repr(detokenize(tokens, args["level"]).replace("\n", " / "))]

        return line


def carried_streams(train: int, val: int | None, tx: int, batch_size: int) -> int:
    """Rows of a carried-state batch: ``batch_size``, fewer when the training or held-out tokens cannot fill that many
    windows of Tx (each stream needs one window at least)."""
    return max(1, min(batch_size, train // tx, val // tx if val is not None else batch_size))


def token_ids(source, vocab: Vocabulary, level: str) -> tuple[np.ndarray, int]:
    """(every token's index, (N,) memory-mapped (``data.rows``), and how many were <unk>), a chunk at a time.

    Stored in the narrowest unsigned type the vocabulary fits (one byte per
    character for most texts), so a corpus of 500 MB costs 500 MB of disk and
    little memory.
    """
    from genapp.data.rows import RowWriter
    from genapp.paths import scratch_dir

    dtype = np.uint8 if vocab.size <= 1 << 8 else np.uint16 if vocab.size <= 1 << 16 else np.int32
    writer, unknown = RowWriter(scratch_dir(), {"ids": (dtype, 1)}), 0
    chars = CharCodes(vocab) if level == "char" else None
    for chunk in source.chunks():
        ids = chars(chunk) if chars else np.asarray(encode(tokenize(chunk, level), vocab), np.int64)  # (n,)
        if UNK in vocab:
            unknown += int((ids == vocab.index(UNK)).sum())
        writer.append("text", ids=ids[:, None])
    return writer.close().columns["ids"].reshape(-1), unknown


def train_text(texts: list[str] | None, out_dir, given: dict | None = None, preset: str = "default",
               say: Callable[[str], None] | None = None, *, corpus_name: str = "", max_batches: int | None = None,
               files: list | None = None, replace: bool = False, resume: bool = False, init_from=None,
               **placement) -> TextModel:
    """Train on the texts, or on UTF-8 ``files`` read a chunk at a time (neither: the Python documentation's
    help topics), and write a text bundle.

    ``given``, ``preset``, ``out_dir``, ``replace``, ``resume``, ``init_from`` and
    the placement (``devices``, ``cluster``) as for ``training.train_bundle``;
    ``max_batches`` caps the batches per epoch.
    """
    if (given or {}).get("carry") and (placement.get("devices") is not None or placement.get("cluster") is not None):
        raise GenappError(f"{param('carry')} trains on one device (its batch rows carry their state from batch to "
                          f"batch); leave out {param('carry')} or {param('devices')}")
    if files:
        source = TextFiles(files)
    elif texts is not None:
        source = OneText("\n\n".join(texts), corpus_name)
    else:
        source = OneText(*default_text())
    return train_bundle(TextRecipe(source, max_batches), out_dir, given, preset, say, replace=replace, resume=resume,
                        init_from=init_from, **placement)


@dataclass(frozen=True)
class TextScore:
    text: str
    log_prob: float  # natural log of P(text)
    nats_per_token: float
    tokens: int
    unknown: int  # words scored as <unk>


class TextModel(CharLMModel):
    """A loaded text bundle, ready to write and score."""

    KIND = KIND

    def __init__(self, bundle):
        super().__init__(bundle)
        self.text_config = TextConfig(bundle.config["level"], bundle.config["tx"])

    @classmethod
    def model_args(cls, args: dict) -> dict:
        return {k: v for k, v in args.items() if k not in ("level", "tx")}

    @property
    def level(self) -> str:
        return self.text_config.level

    def prompt_ids(self, prompt: str) -> tuple[list[int], str | None]:
        """The prompt's last Tx-1 token indices, and a note on what was dropped or mapped, if anything."""
        note = None
        tokens = tokenize(prompt, self.level)
        unknown = self.vocab.unknown(tokens)
        if unknown and self.level == "char":
            note = f"{param('prompt')}: {never_seen(unknown)} were left out"
            tokens = [t for t in tokens if t in self.vocab]
        elif unknown:
            note = f"{param('prompt')}: {never_seen(unknown, 'words')} are read as <unk>"
        ids = encode(tokens, self.vocab)
        return ids[-(self.text_config.tx - 1):], note

    def tokens(self, prompt: str, length: int = TextSampling.length, temperature: float = TextSampling.temperature,
               top_k: int | None = None,
               seed: int | None = None, say: Callable[[str], None] | None = None) -> Iterator[str]:
        """Yield ``length`` tokens continuing ``prompt``, one at a time; <unk> and PAD are never chosen."""
        if length < 1:
            raise GenappError(f"{param('length')} {length}: expected a positive number of tokens")
        ids, note = self.prompt_ids(prompt)
        if note and say:
            say(note)
        banned = [self.vocab.index(PAD)] + ([self.vocab.index(UNK)] if UNK in self.vocab else [])
        steps = self.sample(np.random.default_rng(seed), lambda t: banned, primer=ids, temperature=temperature,
                            top_k=top_k)
        for _, chosen in zip(range(length), steps):
            yield self.vocab.symbols[int(chosen[0])]

    def write(self, prompt: str, length: int = TextSampling.length, temperature: float = TextSampling.temperature,
              top_k: int | None = None, seed: int | None = None, say: Callable[[str], None] | None = None,
              whole: bool = True) -> Iterator[str]:
        """``tokens`` as readable text to print after the prompt: spacing and capitals follow on from it.

        ``whole``: end at the end of a sentence, else of a word, nearest
        ``length`` tokens (within a fifth of it, 10 tokens at least, either
        way; ``text.tokens.ending``); otherwise stop at exactly ``length``.
        """
        detokenize = Detokenizer.after(tokenize(prompt, self.level), self.level)
        slack = max(10, length // 5) if whole else 0
        held: list[str] = []  # the tokens near the end, printed once the cut is chosen
        for i, token in enumerate(self.tokens(prompt, length + slack, temperature, top_k, seed, say)):
            if i < length - slack:
                yield detokenize(token)
            else:
                held.append(token)
        keep = ending(held, length, self.level, start=max(length - slack, 0)) if whole else length
        for token in held[: keep - max(length - slack, 0)]:
            yield detokenize(token)

    def score(self, texts: list[str]) -> list[TextScore]:
        """log P(text) for each text; characters outside the vocabulary are an error."""
        scores = []
        for text in texts:
            tokens = tokenize(text, self.level)
            if self.level == "char":
                unknown = self.vocab.unknown(tokens)
                if unknown:
                    raise GenappError(f"{param('texts')} {text!r}: {never_seen(unknown)}; P(text) would be zero")
            if not tokens:
                raise GenappError(f"{param('texts')} {text!r}: no tokens to score")
            y = np.array([encode(tokens, self.vocab)], np.int32)  # (1, T)
            logp = float(self.log_probs(shift_right(y), y)[0])
            n_unk = sum(t not in self.vocab for t in tokens) if self.level == "word" else 0
            scores.append(TextScore(text, logp, -logp / len(tokens), len(tokens), n_unk))
        return scores
