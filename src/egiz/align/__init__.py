"""Sentence alignment of two versions of one document: `align()`.

Steps: split -> embed every sentence once -> find the DP band -> score every bead shape in the band
with the calibrated evidence model (`score.py`: cosine against the document's unrelated pairs,
length, numbers, names) -> DP -> re-estimate the document's priors (how many sentences have a
counterpart, how often beads merge, the length ratio) from that path and run the DP again -> embed
the joined sentences of the merges the path considers, where the budget allows, and run it again.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, fields
from typing import TYPE_CHECKING

import numpy as np

from egiz.alignment import Alignment, Bead, Sentence
from egiz.embed.base import Encoder

if TYPE_CHECKING:
    from egiz.align.calibration import Calibration

REFINE_MODES = ("none", "local", "all")
# A bead's score is the probability that its two sides are translations of each other; below
# this, `--min-score` drops it from corpora and exports by default.
DEFAULT_MIN_SCORE = 0.5


@dataclass(frozen=True)
class AlignParams:
    """Every setting that changes an alignment (all of them appear in the signature).

    The evidence model itself (what a cosine, a length ratio, a shared number is worth) is the
    encoder's calibration (`egiz.align.calibration`); these settings say how the DP weighs it
    against what the document says about itself. Chosen with `bench/tune.py` on the tuning pools
    only (bench/README.md).
    """

    max_bead: int = 4  # sentences per side of one bead
    # ... and of both sides together (Bertalign's max_align): a 3-4 or 4-4 block is a place
    # the aligner gave up on, not a translation unit. Chosen on the tuning and development
    # sets: 6 over 5, 7 and no limit (a little better on comparable news, the same elsewhere)
    max_bead_total: int = 6
    # Weight of the calibrated evidence (log-odds) against the document's priors in the DP ...
    evidence_weight: float = 1.0
    # ... times ((a + b) / 2) ** size_exponent for a bead of a + b sentences (0: per bead).
    size_exponent: float = 0.0
    # Log-odds per sentence beyond 1-1 in a bead. The calibration says how likely each bead is a
    # translation, group by group; whether a merge beats its part plus an omission is the DP's
    # question, and this is the one setting that weighs the groups against each other.
    merge_bonus: float = 0.0
    # Pseudo-sentences behind the prior share of sentences with a counterpart (0.5) when the
    # document re-estimates it: a few sentences say little, a long document speaks for itself.
    aligned_prior_strength: float = 2.4
    # Pseudo-beads behind the calibrated bead-shape frequencies when the document re-estimates
    # them from its own path.
    shape_prior_strength: float = 20.0
    # Passes that re-estimate the document's priors from the previous path.
    self_calibration: int = 3
    # Least temperature of the evidence (1: never tempered). A calibrated log-likelihood ratio
    # averages exp(evidence) = 1 over unrelated pairs; where the document's own unrelated pairs
    # (1-1 pairs 3 to 6 sentences off the first path) average more -- one- and two-word lines
    # such as interface strings, whose cosines say little -- the document's evidence is scaled
    # down until they do, by at most this factor, so its priors (a translation keeps its order)
    # weigh more.
    min_temperature: float = 0.5
    paragraph_penalty: float = 1.0  # a merge across a paragraph break (log-odds)
    # Two sentences the path leaves out side by side at one place are paired when they are each
    # other's best match there, their bead's log-odds plus this weight times the document's
    # prior log-odds is positive (0: never), and, in a document of `pair_check_min_pairs` 1-1
    # beads or more, one is the other's closest counterpart in the document. In a faithful
    # translation such a pair is a loose translation (an idiom rendered by its sense);
    # unrelated sentences left at one place (an edited text) are rarely either's closest match.
    # 3 over 1 and 2: the short tune documents 0.996 -> 1.000, five more shuffles of them 0.993
    # -> 0.995, every other tune part and development set the same (flat from 3 to 6).
    omission_pair_weight: float = 3.0
    # An n-m bead (2+ sentences on both sides) is split into two beads where both are this
    # likely a translation on their own (above 1: never).
    split_min_probability: float = 0.5
    # A sentence left out next to an aligned bead joins it when the real embedding of the joined
    # text says the bead is at least as good a translation with it, or when its lengths fit
    # better and the joined cosine drops by at most this many null spreads (the document's
    # standard deviation of unrelated pairs' cosines) per unit of the document's prior log-odds
    # that a sentence has a counterpart: a short piece of a split sentence barely moves the
    # cosine, while its length is plain to see, and in a faithful translation (log-odds ~4) a
    # sentence without counterpart is rarer than in a news pair (~2) or unrelated text (<= 0).
    absorb_tolerance: float = 0.12
    # A 1-1 bead whose sentences match so much worse than the document's other 1-1 beads that
    # they are more likely unrelated than a translation, on the document's prior, is left out
    # as two omissions (`DocumentScorer.leave_out_atypical_pairs`). The document needs this
    # many 1-1 beads to say what its translations look like (0: never).
    pair_check_min_pairs: int = 10
    # Pair a sentence left out on one side with one left out at another place on the other side
    # when each is the other's closest counterpart within 50 sentences and the pair looks like the
    # document's own 1-1 beads: a passage one version tells elsewhere. Such a bead crosses the
    # beads in between (`egiz.alignment.moved_beads`). Off in corpus stores (`egiz mine`), whose
    # review keeps both texts in order.
    pair_moved: bool = True
    # Re-score spans with real embeddings of their joined sentences: none | local (around the
    # merges the path considers) | all (every span, like Vecalign's and Bertalign's overlaps).
    refine: str = "local"
    # Most joined text "local" embeds, in characters per character of the input sentences: the
    # encoder is the bottleneck and its work grows with the length of what it reads.
    joined_budget: float = 0.3

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.type in ("int", "float") and not isinstance(value, int | float):
                raise ValueError(f"{f.name} must be a number, not {value!r}")
            if f.type == "bool" and not isinstance(value, bool):
                raise ValueError(f"{f.name} must be true or false, not {value!r}")
        checks = [
            (self.max_bead >= 1, "max_bead must be at least 1"),
            (self.max_bead_total >= 2, "max_bead_total must be at least 2"),
            (self.evidence_weight > 0, "evidence_weight must be positive"),
            (self.size_exponent >= 0, "size_exponent must be 0 or more"),
            (self.aligned_prior_strength > 0, "aligned_prior_strength must be positive"),
            (self.shape_prior_strength > 0, "shape_prior_strength must be positive"),
            (self.self_calibration >= 0, "self_calibration must be 0 or more"),
            (0 < self.min_temperature <= 1, "min_temperature must be above 0 and at most 1"),
            (self.paragraph_penalty >= 0, "paragraph_penalty must be 0 or more"),
            (self.omission_pair_weight >= 0, "omission_pair_weight must be 0 or more"),
            (self.absorb_tolerance >= 0, "absorb_tolerance must be 0 or more"),
            (self.split_min_probability >= 0, "split_min_probability must be 0 or more"),
            (self.pair_check_min_pairs >= 0, "pair_check_min_pairs must be 0 or more"),
            (self.refine in REFINE_MODES, f"refine must be one of {', '.join(REFINE_MODES)}"),
            (self.joined_budget >= 0, "joined_budget must be 0 or more"),
        ]
        for ok, message in checks:
            if not ok:
                raise ValueError(message)

    @classmethod
    def preset(cls, name: str, **overrides: object) -> AlignParams:
        """Settings by name (see PRESETS), with `overrides` (e.g. max_bead) on top."""
        if name not in PRESETS:
            raise ValueError(f"unknown preset {name!r}: expected one of {', '.join(PRESETS)}")
        unknown = set(overrides) - {f.name for f in fields(cls)}
        if unknown:
            raise ValueError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        return cls(**{**PRESETS[name], **overrides})  # type: ignore[arg-type]

    def signature(self) -> str:
        """Every setting, in field order: `max-bead:4|evidence_weight:1.0|...`."""
        items = asdict(self)
        return f"max-bead:{items.pop('max_bead')}" + "".join(f"|{k}:{v}" for k, v in items.items())

    @classmethod
    def from_signature(cls, signature: str) -> AlignParams:
        """The settings written in a signature (an alignment's or a store's; other parts such as
        `egiz:` or `enc:` are skipped, settings it lacks keep their defaults)."""
        defaults = asdict(cls())
        values: dict[str, object] = {}
        for part in signature.split("|"):
            key, _, text = part.partition(":")
            key = "max_bead" if key == "max-bead" else key
            if key in defaults:
                kind = type(defaults[key])
                if kind is bool:  # written True / False (bool("False") would be True)
                    if text not in ("True", "False"):
                        raise ValueError(f"signature has {part!r}: not True or False")
                    values[key] = text == "True"
                    continue
                try:
                    values[key] = text if kind is str else kind(text)
                except ValueError:
                    raise ValueError(f"signature has {part!r}: not a {kind.__name__}") from None
        return cls(**values)  # type: ignore[arg-type]


# "fast": the defaults (joined text within 0.3 of the input's characters). "accurate": joined
# texts for (nearly) every span the path considers.
PRESETS: dict[str, dict[str, object]] = {
    "fast": {},
    "accurate": {"joined_budget": 10.0},
}


def align(
    src: str | Sequence[str] | Sequence[Sentence],
    tgt: str | Sequence[str] | Sequence[Sentence],
    *,
    src_lang: str = "kk",
    tgt_lang: str = "ru",
    encoder: str | Encoder = "e5",
    presegmented: bool = False,
    params: AlignParams | None = None,
    cache: bool = True,
    show_progress: bool = False,
    src_script: str = "auto",
    tgt_script: str = "auto",
) -> Alignment:
    """Align two versions of one text.

    `src`/`tgt` are texts (split into sentences unless `presegmented`, where each line is one) or
    ready lists of sentences. Returns an `Alignment` in which every sentence is in exactly one bead;
    sentences with no counterpart are 1-0 / 0-1 beads. A bead's score is the probability that its
    two sides are translations of each other. Warnings (empty side, unexpected language, an
    encoder without a calibration) are in `Alignment.warnings`. Kazakh in Latin or Arabic script
    (`*_script`: detected, or one of `egiz.text.script.SCRIPTS`) is compared in Cyrillic; the
    alignment keeps the original text.
    """
    from egiz import __version__
    from egiz.align.calibration import calibration_for
    from egiz.embed import embed, get_encoder
    from egiz.text.lang import LANG_NAMES, detect_language
    from egiz.text.script import comparable_sentences

    params = params or AlignParams()
    enc = get_encoder(encoder) if isinstance(encoder, str) else encoder
    calibration, own = calibration_for(enc.name)
    warnings: list[str] = []
    if not own:
        warnings.append(
            f"encoder {enc.name} has no calibration of its own: scores are only roughly "
            "probabilities (the alignment itself is sound)"
        )
    src_sents = _as_sentences(src, src_lang, presegmented)
    tgt_sents = _as_sentences(tgt, tgt_lang, presegmented)
    # what is embedded and compared: Kazakh in Cyrillic, whatever script it came in
    src_cmp = comparable_sentences(src_sents, src_lang, src_script)
    tgt_cmp = comparable_sentences(tgt_sents, tgt_lang, tgt_script)
    sides = (("source", "src", src_cmp, src_lang), ("target", "tgt", tgt_cmp, tgt_lang))
    for side, flag, sents, lang in sides:
        text = " ".join(s.text for s in sents)
        if not sents:
            warnings.append(f"{side} text is empty: every other sentence is reported unaligned")
            continue
        found = detect_language(text)
        if lang in ("kk", "ru") and found in ("kk", "ru") and found != lang:
            looks, wanted = LANG_NAMES[found], LANG_NAMES[lang]
            warnings.append(f"{side} text looks {looks}, not {wanted} (--{flag}-lang {lang})")
        elif lang in ("kk", "ru") and found == "other":
            # the default languages applied to, say, English: its sentence rules are Kazakh's
            warnings.append(
                f"{side} text does not look {LANG_NAMES[lang]} (--{flag}-lang {lang}): name its "
                f"language with --{flag}-lang for its sentence rules"
            )

    def embed_texts(texts: Sequence[str]) -> np.ndarray:
        return embed(texts, enc, cache=cache, show_progress=show_progress)

    src_vecs = embed_texts([s.text for s in src_cmp])
    tgt_vecs = embed_texts([s.text for s in tgt_cmp])
    beads = align_embedded(
        src_cmp, tgt_cmp, src_vecs, tgt_vecs,
        src_lang=src_lang, tgt_lang=tgt_lang, params=params, embed_texts=embed_texts,
        calibration=calibration if own else None,
    )  # fmt: skip
    signature = (
        f"egiz:{__version__}|enc:{enc.name}|cal:{calibration.encoder}@{calibration.fingerprint}|"
        f"{params.signature()}|split:"
        + ("presegmented" if presegmented else f"{src_lang}-{tgt_lang}")
    )
    for flag, script in (("src", src_script), ("tgt", tgt_script)):
        signature += f"|{flag}-script:{script}" if script != "auto" else ""
    return Alignment(src_sents, tgt_sents, beads, src_lang, tgt_lang, signature, tuple(warnings))


def _as_sentences(
    text: str | Sequence[str] | Sequence[Sentence], lang: str, presegmented: bool
) -> list[Sentence]:
    from egiz.text import split_presegmented, split_sentences

    if isinstance(text, str):
        return split_presegmented(text) if presegmented else split_sentences(text, lang)
    return [s if isinstance(s, Sentence) else Sentence(str(s), i) for i, s in enumerate(text)]


def align_embedded(
    src: Sequence[Sentence],
    tgt: Sequence[Sentence],
    src_vecs: np.ndarray,
    tgt_vecs: np.ndarray,
    *,
    src_lang: str,
    tgt_lang: str,
    params: AlignParams,
    embed_texts: Callable[[Sequence[str]], np.ndarray] | None = None,
    calibration: Calibration | None = None,
) -> list[Bead]:
    """The aligner proper, on sentences whose vectors are ready. Pure apart from `embed_texts`,
    which the refinement pass calls for joined sentences (None disables refinement).
    `calibration`: the encoder's (`egiz.align.calibration.calibration_for`); None for vectors of
    an encoder without one: the generic calibration, leaning on the document's own statistics."""
    from egiz.align.calibration import calibration_for
    from egiz.align.document import DocumentScorer

    n, m = len(src), len(tgt)
    if n == 0 or m == 0:
        return [Bead((i,), ()) for i in range(n)] + [Bead((), (j,)) for j in range(m)]
    own = calibration is not None
    cal = calibration if calibration is not None else calibration_for("")[0]
    doc = DocumentScorer(src, tgt, src_vecs, tgt_vecs, src_lang, tgt_lang, params, cal, own)
    priors = doc.initial_priors()
    shapes, odds = doc.solve(priors)
    if doc.temper(shapes, odds, priors):
        shapes, odds = doc.solve(priors)
    for _ in range(params.self_calibration):
        estimate = doc.estimate_priors(shapes, odds, priors)
        if estimate.same_as(priors):
            break  # a fixed point: every further pass would find this path again
        priors = estimate
        shapes, odds = doc.solve(priors)
    refine = embed_texts is not None and params.refine != "none" and params.max_bead > 1
    if refine and doc.use_joined_embeddings(shapes, embed_texts):
        shapes, odds = doc.solve(priors)
        priors = doc.estimate_priors(shapes, odds, priors)
        shapes, odds = doc.solve(priors)
    shapes = doc.attach_fragments(shapes)
    if refine:
        shapes = doc.absorb_omissions(shapes, odds, priors, embed_texts)
    shapes = doc.pair_omissions(shapes, odds, priors)
    shapes = doc.split_merges(shapes, odds, priors)
    shapes = doc.leave_out_atypical_pairs(shapes, priors)
    return doc.pair_moved(doc.beads(shapes, odds, priors), odds, priors)


def probability(log_odds: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, log_odds))))
