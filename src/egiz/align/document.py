"""One document pair being aligned: its bead cosines, its unrelated-pair statistics, its priors.

`DocumentScorer` computes once what every DP pass needs (the band, bead cosines, null cosines and
spreads, per-sentence signals) and then runs passes with different document priors: first the
calibration's, then the ones the document's own path says (`estimate_priors`), so a faithful
translation ends with almost no omissions and a comparable news pair keeps them. Statistics come
from the whole document (or a fixed-seed sample of it), never from the band.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from egiz.align import dp, score
from egiz.align.calibration import Calibration
from egiz.align.score import NULL_PRIOR_STRENGTH
from egiz.alignment import Bead, Sentence
from egiz.text.split import continues_previous

ALIGNED_RANGE = (0.01, 0.995)  # the estimate never reaches certainty either way
# A sentence has a counterpart if a bead that holds it, ending this many sentences or fewer from
# the path, has evidence for one (`estimate_priors`; a long comparable document's share of them
# came out near 1 when any bead of the band counted, its gold share ~0.77)
MATCH_WINDOW = 2
RATIO_RANGE = (0.33, 3.0)  # expected target/source length (wide characters count 3)
# Pseudo-pairs behind the generic calibration's unrelated-pair cosine and spread: vectors of an
# encoder without a calibration of its own are judged by their document, unless it has no pairs.
GENERIC_PRIOR_STRENGTH = 0.5
# Neighbouring 1-1 beads whose sentences match across by more than this many spreads get their
# 2-2 bead re-checked with joined texts.
CROSSING_Z = 3.0
# Pseudo-beads behind the prior length ratio 1.0: a document of a few sentences cannot say what
# its ratio is (the total ratio of a 1-sentence document is its one pair's, whatever it is).
RATIO_PRIOR_STRENGTH = 5.0


@dataclass(frozen=True)
class DocumentPriors:
    """What the DP assumes about a document before looking at a bead's evidence."""

    log_odds: float  # that a sentence has a counterpart (per sentence of a bead, on average)
    shape: np.ndarray  # (max_bead, max_bead): log prior of each bead shape relative to 1-1
    ratio: float  # expected target/source length in characters
    aligned: float = 0.0  # sentences with a counterpart in the pass the estimate came from
    total: float = 0.0  # sentences of the document
    prior: float = 0.5  # the calibration's share of sentences with a counterpart ...
    strength: float = 1.0  # ... and the pseudo-sentences behind it

    def same_as(self, other: DocumentPriors) -> bool:
        """Exactly the same priors: a DP pass on them finds exactly the same path."""
        scalars = ("log_odds", "ratio", "aligned", "total", "prior", "strength")
        return all(getattr(self, k) == getattr(other, k) for k in scalars) and np.array_equal(
            self.shape, other.shape
        )

    def log_odds_without(self, sentences: int) -> float:
        """The prior log-odds as the document says it without one aligned bead of `sentences`:
        what a bead's probability may rest on, so that a document of a few sentences does not
        vouch for itself."""
        if self.total == 0:
            return self.log_odds
        share = (self.aligned - sentences + self.strength * self.prior) / (
            self.total - sentences + self.strength
        )
        share = min(max(share, ALIGNED_RANGE[0]), ALIGNED_RANGE[1])  # np.clip, but cheaper
        return float(np.log(share / (1 - share)))


@dataclass(frozen=True)
class BandCosines:
    """Bead cosines inside a band, with the null cosine of every span (see `score.span_nulls`)."""

    lo: np.ndarray
    hi: np.ndarray
    off: np.ndarray
    cos: np.ndarray
    src_null: np.ndarray
    tgt_null: np.ndarray
    src_means: np.ndarray  # (max_bead, d) mean unit vector of the source spans of each size
    tgt_means: np.ndarray
    src_norm: np.ndarray  # (n, max_bead) norms of summed spans (`dp.span_norms`)
    tgt_norm: np.ndarray
    cband: np.ndarray  # sentence similarities in the band (`dp.band_dots`) ...
    clo: np.ndarray  # ... for the target sentences clo[r] <= t < chi[r] of source sentence r
    chi: np.ndarray
    # (max_bead, max_bead) spread of unrelated span pairs and the pairs behind it
    # (`score.null_spread`), computed here with the span norms the span means use too
    spread: np.ndarray
    spread_count: np.ndarray


def band_cosines(
    x: np.ndarray,
    y: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    max_bead: int,
    max_total: int | None = None,
) -> BandCosines:
    """What the scores of every bead in the band rest on: beads of up to `max_bead` sentences a
    side and `max_total` in all (default: no limit but max_bead)."""
    n, m = len(x), len(y)
    clo, chi = dp.sentence_band(lo, hi, n, m, max_bead)
    off = dp.offsets(lo, hi)
    # per side (0 source, 1 target; the vectors stand in until `own` and `nulls` fill them in)
    vecs = (x, y)
    trans: list[np.ndarray] = [x, y]  # each side transposed, once for three kernels
    norm: list[np.ndarray] = [x, y]  # span norms from neighbour dots (`dp.span_norms`)
    summed: list[np.ndarray] = [x, y]  # ... and from prefix sums (the span means', the spread's)
    means: list[np.ndarray] = [x, y]
    null: list[np.ndarray] = [x, y]

    def own(k: int) -> None:  # what a side needs of itself alone (the two side by side)
        trans[k] = np.ascontiguousarray(vecs[k].T)
        norm[k] = dp.span_norms(vecs[k], max_bead, trans[k])
        summed[k] = score.summed_norms(vecs[k], max_bead)
        means[k] = score.span_means(vecs[k], max_bead, summed[k])

    def nulls(k: int) -> None:  # against the other side's span means
        null[k] = score.span_nulls(vecs[k], means[1 - k], norm[k], trans[k])

    dp.share(own, 2)
    dp.share(nulls, 2)
    src_norm, tgt_norm = norm
    src_summed, tgt_summed = summed
    src_means, tgt_means = means
    src_null, tgt_null = null
    cband = dp.band_dots(x, y, clo, chi, trans[1])
    cos = dp.bead_cosines(cband, clo, chi, src_norm, tgt_norm, lo, hi, off, max_bead, max_total)
    spread, count = score.null_spread(
        x, y, src_null, tgt_null, max_bead, norms=(src_summed, tgt_summed), max_total=max_total
    )
    return BandCosines(
        lo, hi, off, cos, src_null, tgt_null, src_means, tgt_means, src_norm, tgt_norm, cband,
        clo, chi, spread, count,
    )  # fmt: skip


def null_sigma(bc: BandCosines, prior: np.ndarray, prior_count: float) -> np.ndarray:
    """Spread of unrelated span pairs per shape: the document's, shrunk towards `prior`."""
    spread, count = bc.spread, bc.spread_count
    var = (count * spread**2 + prior_count * prior**2) / (count + prior_count)
    return np.sqrt(np.maximum(var, 1e-8))


class DocumentScorer:
    def __init__(
        self,
        src: Sequence[Sentence],
        tgt: Sequence[Sentence],
        src_vecs: np.ndarray,
        tgt_vecs: np.ndarray,
        src_lang: str,
        tgt_lang: str,
        params: object,
        calibration: Calibration,
        own_calibration: bool = True,
    ) -> None:
        from egiz.align import AlignParams
        from egiz.align.search import find_band
        from egiz.align.signals import side_signals

        assert isinstance(params, AlignParams)
        self.params = params
        self.src, self.tgt = src, tgt
        self.n, self.m = len(src), len(tgt)
        self.x = np.ascontiguousarray(src_vecs, np.float32)
        self.y = np.ascontiguousarray(tgt_vecs, np.float32)
        mb = self.mb = params.max_bead
        self.max_total = min(params.max_bead_total, 2 * mb)  # sentences of a bead, both sides
        self.cal = calibration
        null_prior, sigma_prior, shape_prior = calibration.shaped(mb)
        self.shape_prior = shape_prior / shape_prior.sum()
        lo, hi = find_band(self.x, self.y)
        self.bc = band_cosines(self.x, self.y, lo, hi, mb, self.max_total)
        bc = self.bc
        self.joined = np.zeros(bc.cos.shape, np.int8)
        # the calibration's null directions are this encoder's only if the calibration is
        dirs = calibration.null_directions if own_calibration else None
        if dirs is not None and dirs.shape[1] != self.x.shape[1]:
            dirs = None
        self.dirs = None if dirs is None else _sized(dirs, mb)
        stacks = [bc.src_null, bc.tgt_null]
        sides = (
            (bc.src_null, self.x, bc.src_norm, self.dirs, null_prior),
            (bc.tgt_null, self.y, bc.tgt_norm, self.dirs, null_prior.transpose(0, 2, 1)),
        )

        def stack(k: int) -> None:  # the two sides side by side
            stacks[k] = _null_stack(*sides[k])

        dp.share(stack, 2)
        self.src_nulls, self.tgt_nulls = stacks
        k0 = self.prior_count = NULL_PRIOR_STRENGTH if own_calibration else GENERIC_PRIOR_STRENGTH
        # each sentence's null cosine as a 1-1 pair, for the weakest-link feature
        n, m = self.n, self.m
        sn, tn = self.src_nulls[0, :, 1:, 0, 0], self.tgt_nulls[0, :, 1:, 0, 0]
        self.src_mu = np.ascontiguousarray((sn[0] * (m - 1) + sn[1] * k0) / (m - 1 + k0))
        self.tgt_mu = np.ascontiguousarray((tn[0] * (n - 1) + tn[1] * k0) / (n - 1 + k0))
        sigma = null_sigma(bc, sigma_prior[0], k0)
        # joined texts: the encoder's typical spread, scaled as this document's 1-1 spread is
        joined_sigma = sigma_prior[1] * (sigma[0, 0] / sigma_prior[0, 0, 0])
        self.sigma = np.ascontiguousarray(np.stack([sigma, joined_sigma]))
        s_sig, t_sig = side_signals(src, src_lang), side_signals(tgt, tgt_lang)
        self.s_sig, self.t_sig = s_sig, t_sig
        # one sentence per paragraph (presegmented input) carries no paragraph information
        n, m = self.n, self.m
        self.s_par = s_sig.paragraphs if len(set(s_sig.paragraphs.tolist())) < n else np.zeros(n)
        self.t_par = t_sig.paragraphs if len(set(t_sig.paragraphs.tolist())) < m else np.zeros(m)
        self.s_par = self.s_par.astype(np.int64)
        self.t_par = self.t_par.astype(np.int64)
        # characters of joined text sent to the encoder (the budget: work grows with length)
        self.joined_chars = 0
        self._span_memo: dict[tuple[int, int, int], np.ndarray] = {}
        self.src_cum = np.concatenate([[0.0], np.cumsum(s_sig.lengths)])
        self.tgt_cum = np.concatenate([[0.0], np.cumsum(t_sig.lengths)])
        self.evidence: np.ndarray | None = None
        self.evidence = self._evidence()
        self.temperature = 1.0  # of the evidence in the DP and the scores (`temper`)

    # -- priors -----------------------------------------------------------------------------------

    def _shape_log_prior(self, q: np.ndarray) -> np.ndarray:
        logq = np.log(np.maximum(q, 1e-12))
        return np.ascontiguousarray(logq - logq[0, 0])

    def _ratio(self, src_len: float, tgt_len: float, beads: int) -> float:
        """Target/source length ratio of `beads` beads of these lengths, shrunk towards 1.0."""
        if src_len <= 0 or tgt_len <= 0:
            return 1.0
        log_ratio = np.log(tgt_len / src_len) * beads / (beads + RATIO_PRIOR_STRENGTH)
        return float(np.clip(np.exp(log_ratio), *RATIO_RANGE))

    def _total_ratio(self) -> float:
        beads = min(self.n, self.m)
        return self._ratio(self.s_sig.lengths.sum(), self.t_sig.lengths.sum(), beads)

    def initial_priors(self) -> DocumentPriors:
        """The first pass's: even odds that a sentence has a counterpart (a permissive start the
        document's own estimate then corrects), the calibration's bead shapes."""
        return DocumentPriors(
            0.0, self._shape_log_prior(self.shape_prior), self._total_ratio(),
            prior=self.cal.prior_aligned,
        )  # fmt: skip

    def ratio_of(self, shapes: np.ndarray) -> float:
        """Target/source length ratio of the aligned beads of a path, shrunk towards 1.0."""
        ls = lt = 0.0
        beads = i = j = 0
        for a, b in shapes:
            if a and b:
                ls += self.s_sig.lengths[i : i + a].sum()
                lt += self.t_sig.lengths[j : j + b].sum()
                beads += 1
            i, j = i + a, j + b
        return self._ratio(ls, lt, beads) if beads else self._total_ratio()

    def estimate_priors(
        self, shapes: np.ndarray, odds: np.ndarray, used: DocumentPriors
    ) -> DocumentPriors:
        """The priors this document says: the share of sentences with a counterpart (a bead near
        the path that holds them, whatever the path chose, has evidence for a translation) and
        the bead-shape frequencies of the path `shapes` (each shrunk towards the calibration's),
        and the length ratio of its aligned beads. `odds` and `used`: the pass that found it."""
        p, bc = self.params, self.bc
        aligned = shapes[(shapes[:, 0] > 0) & (shapes[:, 1] > 0)]
        total = self.n + self.m
        near_lo, near_hi = _path_columns(shapes, self.n, MATCH_WINDOW)
        src_best, tgt_best = score.best_evidence(
            odds, bc.lo, bc.hi, bc.off, self.m, used.log_odds, near_lo, near_hi
        )
        matched = float((src_best > 0).sum() + (tgt_best > 0).sum())
        rho = self.cal.prior_aligned
        share = (matched + p.aligned_prior_strength * rho) / (total + p.aligned_prior_strength)
        share = float(np.clip(share, *ALIGNED_RANGE))
        counts = np.zeros((self.mb, self.mb))
        sizes = np.minimum(aligned, self.mb) - 1
        np.add.at(counts, (sizes[:, 0], sizes[:, 1]), 1)
        q = (counts + p.shape_prior_strength * self.shape_prior) / (
            len(aligned) + p.shape_prior_strength
        )
        # the ratio of what has a counterpart: a path's partial beads would bend it their way
        ls, lt = self.s_sig.lengths[src_best > 0].sum(), self.t_sig.lengths[tgt_best > 0].sum()
        beads = min(int((src_best > 0).sum()), int((tgt_best > 0).sum()))
        ratio = self._ratio(ls, lt, beads) if beads else self._total_ratio()
        return DocumentPriors(
            float(np.log(share / (1 - share))), self._shape_log_prior(q), ratio,
            matched, float(total), rho, p.aligned_prior_strength,
        )  # fmt: skip

    # -- the DP -----------------------------------------------------------------------------------

    def _evidence(self) -> np.ndarray:
        """Every bead's calibrated evidence but its length term (see `score.bead_evidence`).
        Once there is one, only beads scored with joined texts are recomputed: joined texts
        change nothing else (their cosines, and the null cosines of embedded spans, kind 1)."""
        bc = self.bc
        first = self.evidence is None
        out = np.full(bc.cos.shape, np.nan, np.float32) if first else self.evidence
        score.bead_evidence(
            bc.cos, bc.cband, bc.clo, bc.chi, bc.src_norm, bc.tgt_norm, self.src_mu, self.tgt_mu,
            self.joined, bc.lo, bc.hi, bc.off, self.src_nulls, self.tgt_nulls, self.sigma,
            self.prior_count, self.s_sig.lengths, self.t_sig.lengths, self.s_sig.numbers,
            self.t_sig.numbers, self.s_sig.names, self.t_sig.names, self.s_sig.marks,
            self.t_sig.marks, self.cal.weights, out, not first,
        )  # fmt: skip
        return out

    def solve(self, priors: DocumentPriors) -> tuple[np.ndarray, np.ndarray]:
        """Best path (bead shapes in order) and the log-odds of every bead in the band."""
        p, bc = self.params, self.bc
        gain, odds = score.bead_gains(
            self.evidence, self.joined, bc.lo, bc.hi, bc.off, self.m, self.src_cum, self.tgt_cum,
            self.s_par, self.t_par, priors.ratio, self.cal.weights, priors.log_odds,
            priors.shape, p.evidence_weight, p.size_exponent, p.merge_bonus,
            p.paragraph_penalty, self.temperature,
        )  # fmt: skip
        return dp.best_path(gain, bc.lo, bc.hi, bc.off, self.m)[::-1], odds

    def temper(self, shapes: np.ndarray, odds: np.ndarray, priors: DocumentPriors) -> bool:
        """Scale the document's evidence down where its own unrelated pairs say it claims too
        much (`evidence_temperature` of the 1-1 cells of the band away from the path `shapes`,
        found on `priors` with `odds`). Returns whether it did (the path is then found again)."""
        null = self._null_evidence(shapes, odds, priors.log_odds)
        self.temperature = evidence_temperature(null, self.params.min_temperature)
        return self.temperature < 1.0

    def _null_evidence(self, shapes: np.ndarray, odds: np.ndarray, log_odds: float) -> np.ndarray:
        """Evidence of the 1-1 beads of the band whose two sentences are each at least
        NULL_DISTANCE sentences from the other's bead on the path (or from where the path
        leaves it out), the target at most NULL_FAR from the source's: pairs the path says are
        unrelated, its nearest competitors. Rows in a fixed stride once the band holds more
        than NULL_SAMPLE cells."""
        bc = self.bc
        sizes, starts = _sizes_and_starts(shapes)
        # each sentence's bead span on the other side; a sentence left out: where the path is
        src_bead = np.repeat(np.arange(len(sizes)), sizes[:, 0])
        tgt_bead = np.repeat(np.arange(len(sizes)), sizes[:, 1])
        src_lo = starts[src_bead, 1]
        src_hi = src_lo + np.maximum(sizes[src_bead, 1], 1)
        tgt_lo = starts[tgt_bead, 0]
        tgt_hi = tgt_lo + np.maximum(sizes[tgt_bead, 0], 1)
        rows = np.arange(1, self.n + 1)
        stride = max(1, -(-int(bc.off[-1]) // NULL_SAMPLE))
        rows = rows[::stride]
        widths = bc.hi[rows] - bc.lo[rows] + 1
        i = np.repeat(rows, widths)
        j = bc.lo[i] + (np.arange(len(i)) - np.repeat(np.cumsum(widths) - widths, widths))
        keep = j >= 1
        i, j = i[keep], j[keep]
        s, t = i - 1, j - 1  # the 1-1 bead of source sentence s and target sentence t
        across = np.maximum(src_lo[s] - t, t - src_hi[s] + 1)
        far = (across >= NULL_DISTANCE) & (across <= NULL_FAR)
        far &= np.maximum(tgt_lo[t] - s, s - tgt_hi[t] + 1) >= NULL_DISTANCE
        cells = bc.off[i[far]] + j[far] - bc.lo[i[far]]
        ev = odds[cells, 0, 0].astype(np.float64) - log_odds
        return ev[~np.isnan(ev)]

    def beads(self, shapes: np.ndarray, odds: np.ndarray, priors: DocumentPriors) -> list[Bead]:
        """Beads of the path; an aligned bead's score is its probability, on the prior the rest
        of the document gives (`DocumentPriors.log_odds_without`)."""
        # every aligned bead's probability at once, as `_probability` computes each
        sizes = shapes.astype(np.int64)
        ends = np.cumsum(sizes, axis=0)
        a, b = sizes[:, 0], sizes[:, 1]
        aligned = (a > 0) & (b > 0)
        ni, nj = ends[aligned, 0], ends[aligned, 1]
        own = odds[self.bc.off[ni] + nj - self.bc.lo[ni], a[aligned] - 1, b[aligned] - 1]
        without = {k: priors.log_odds_without(k) for k in set((a + b)[aligned].tolist())}
        shift = np.array([without[k] for k in (a + b)[aligned].tolist()], np.float64)
        x = own.astype(np.float64) - priors.log_odds + shift
        probs = np.zeros(len(sizes))
        probs[aligned] = 1.0 / (1.0 + np.exp(-np.minimum(np.maximum(x, -60.0), 60.0)))
        out: list[Bead] = []
        i = j = 0
        for (a_, b_), p in zip(sizes.tolist(), probs.tolist(), strict=True):
            ni_, nj_ = i + a_, j + b_
            out.append(Bead(tuple(range(i, ni_)), tuple(range(j, nj_)), round(p, 6)))
            i, j = ni_, nj_
        return out

    # -- joined texts -----------------------------------------------------------------------------

    def use_joined_embeddings(
        self, shapes: np.ndarray, embed_texts: Callable[[Sequence[str]], np.ndarray]
    ) -> bool:
        """Embed the joined sentences of the spans where merges compete with their parts (all
        spans with `refine="all"`), within the budget, and re-score the beads they make.
        Returns whether anything was embedded."""
        p, mb = self.params, self.mb
        if p.refine == "all":
            src_spans = _spans(set(range(self.n)), self.n, mb)
            tgt_spans = _spans(set(range(self.m)), self.m, mb)
        else:
            src_spans, tgt_spans = _spans_to_recheck(shapes, self.n, self.m, mb)
            cross_src, cross_tgt = self._crossing_pairs(shapes)
            src_spans = list(dict.fromkeys(src_spans + cross_src))
            tgt_spans = list(dict.fromkeys(tgt_spans + cross_tgt))
            budget = int(self.joined_budget() * REFINE_SHARE)
            src_spans, tgt_spans = _within_budget(
                src_spans, tgt_spans, budget, self._span_cost(0), self._span_cost(1)
            )
        if not src_spans and not tgt_spans:
            return False
        src_index, src_vecs = self._embed_spans(0, src_spans, embed_texts)
        tgt_index, tgt_vecs = self._embed_spans(1, tgt_spans, embed_texts)
        bc = self.bc
        dp.override_cosines(
            bc.cos, self.joined, bc.lo, bc.hi, bc.off, src_index, tgt_index, src_vecs, tgt_vecs,
            self.cal.joined_weight,
        )  # fmt: skip
        w = self.cal.joined_weight
        _mix_joined_nulls(
            self.src_nulls, src_index, src_vecs, src_spans, bc.tgt_means, self.dirs, w
        )
        _mix_joined_nulls(
            self.tgt_nulls, tgt_index, tgt_vecs, tgt_spans, bc.src_means, self.dirs, w
        )
        self.evidence = self._evidence()
        return True

    def joined_budget(self) -> int:
        """Characters of joined text this document may send to the encoder: `joined_budget`
        times the characters of its sentences (the encoder's work grows with the length of what
        it reads, not with the number of texts), and a few sentences' worth more in a short
        document (where a handful of texts costs nothing)."""
        if self.params.joined_budget <= 0:
            return 0
        chars = sum(len(s.text) for s in self.src) + sum(len(t.text) for t in self.tgt)
        least = MIN_JOINED_SENTENCES * chars / (self.n + self.m)
        return int(max(least, self.params.joined_budget * chars))

    def _span_cost(self, side: int) -> Callable[[tuple[int, int]], int]:
        """What embedding a (start, size) span of one side costs: its characters, or nothing if
        it is embedded already."""
        sentences = self.src if side == 0 else self.tgt

        def cost(span: tuple[int, int]) -> int:
            if (side, *span) in self._span_memo:
                return 0
            return len(_joined_text(sentences, *span))

        return cost

    def absorb_omissions(
        self,
        shapes: np.ndarray,
        odds: np.ndarray,
        priors: DocumentPriors,
        embed_texts: Callable[[Sequence[str]], np.ndarray],
    ) -> np.ndarray:
        """Merge a sentence the path left out into the aligned bead next to it when the joined
        text says the bead is at least as good a translation with it (Bertalign's test: the
        cosine of real embeddings of the joined sides). Summed vectors barely move when a short
        piece of a split sentence is added, so the DP tends to leave such pieces out; only a
        real embedding of the joined text shows that they belong. A piece may also cost the
        joined cosine a little (up to `absorb_tolerance` null spreads per unit of the
        document's prior log-odds) when the bead's lengths fit the document's ratio better with
        it: a short piece moves even the joined text's embedding little, its length plainly, and
        the more faithful the document, the rarer a sentence without counterpart. Only beads
        that are more likely a translation than not take sentences in, so unrelated text stays
        out. Within what is left of the joined-text budget."""
        budget = self.joined_budget()
        # a faithful document (a high prior that a sentence has a counterpart) tolerates more
        faithful = max(priors.log_odds, 0.0)
        tolerance = self.params.absorb_tolerance * float(self.sigma[0, 0, 0]) * faithful
        beads = [(a, b) for a, b in shapes.tolist()]
        starts = _starts(beads)
        # the spans the first sweep will ask for, embedded in one batch (one text per call
        # would cost the encoder's per-call overhead each time); half of what is left, so that
        # beads grown by a merge can still be checked
        wanted: list[tuple[int, int, int]] = []
        for k, (a, b) in enumerate(beads):
            if not (a and b):
                for nb, merged in self._absorbers(beads, starts, k, odds, priors):
                    (si, sj), (na, nbb) = starts[nb], beads[nb]
                    wanted += [(0, si, na), (1, sj, nbb), (0, *merged[0]), (1, *merged[1])]
        self._prefetch_spans(wanted, (budget - self.joined_chars) // 2, embed_texts)
        k = 0
        while k < len(beads) and self.joined_chars < budget:
            if beads[k][0] and beads[k][1]:
                k += 1
                continue
            best: tuple[float, int] | None = None
            for nb, (src_span, tgt_span) in self._absorbers(beads, starts, k, odds, priors):
                (si, sj), (na, nbb) = starts[nb], beads[nb]
                before = self._joined_cosine(si, na, sj, nbb, embed_texts)
                after = self._joined_cosine(*src_span, *tgt_span, embed_texts)
                ok = after >= before or (
                    after >= before - tolerance
                    and self._length_deviation(*src_span, *tgt_span, priors.ratio)
                    < self._length_deviation(si, na, sj, nbb, priors.ratio)
                )
                if ok and (best is None or after - before > best[0]):
                    best = (after - before, nb)
            if best is None:
                k += 1
                continue
            nb = best[1]
            beads[nb] = (beads[nb][0] + beads[k][0], beads[nb][1] + beads[k][1])
            del beads[k]
            del starts[max(k, nb)]  # the merged bead starts where the first of the two did
            k = max(0, min(k, nb) - 1)
        return np.array(beads, np.int64).reshape(-1, 2)

    def attach_fragments(self, shapes: np.ndarray) -> np.ndarray:
        """Join a sentence left out to the aligned bead just before it when the sentence starts in
        lower case: it continues the sentence before it (a line broken inside a sentence, a
        piece the splitter cut off), so it cannot be a sentence of its own without counterpart.
        The joined text's cosine barely moves for such a piece; its case says it belongs."""
        beads = [(a, b) for a, b in shapes.tolist()]
        starts = _starts(beads)
        k = 1
        while k < len(beads):
            a, b = beads[k]
            pa, pb = beads[k - 1]
            if (a and b) or not (pa and pb) or not self._fits(pa + a, pb + b):
                k += 1
                continue
            sentence = self.src[starts[k][0]] if a else self.tgt[starts[k][1]]
            ni, nj = starts[k - 1][0] + pa + a, starts[k - 1][1] + pb + b
            if not self.bc.lo[ni] <= nj <= self.bc.hi[ni] or not continues_previous(sentence.text):
                k += 1
                continue
            beads[k - 1] = (pa + a, pb + b)
            del beads[k], starts[k]
        return np.array(beads, np.int64).reshape(-1, 2)

    def pair_omissions(
        self, shapes: np.ndarray, odds: np.ndarray, priors: DocumentPriors
    ) -> np.ndarray:
        """Pair two sentences the path left out side by side at one place when they are each
        other's best match among the sentences left out there, the bead's log-odds plus
        `omission_pair_weight` times the document's prior log-odds is positive, and -- in a
        document with at least `pair_check_min_pairs` 1-1 beads -- one of them is the other's
        closest counterpart in the whole document. In a faithful translation such a pair is
        most often a loose one (an idiom rendered by its sense); two unrelated sentences left
        at one place (an edited text) are rarely either's closest match. (Asking that each be
        the other's closest left out loose pairs whose one side resembles a sentence aligned
        elsewhere: short documents 0.991 -> 0.996 on the tune parts, 0.988 -> 0.991 on five
        more shuffles of them; edited documents 0.979 -> 0.977.) A document of a few lines
        (dialogue, interface strings) is asked no closeness: one of its loose pairs often
        resembles another line more than its own, and edited text is what larger documents
        hold, where the pair check (`leave_out_atypical_pairs`) also judges what is paired
        (five more shuffles of the short tune documents 0.991 -> 0.993; the larger documents
        of the tune parts and development sets unchanged).
        A cost of side-by-side omissions inside the DP cannot ask this: the DP would order the
        run so that the sentences that meet are not the pair."""
        weight = self.params.omission_pair_weight
        if weight <= 0 or priors.log_odds <= 0:
            return shapes
        bonus = weight * priors.log_odds
        pairs_1_1 = int(((shapes[:, 0] == 1) & (shapes[:, 1] == 1)).sum())
        closeness = pairs_1_1 >= self.params.pair_check_min_pairs  # 0: always asked
        partners = None  # each sentence's closest counterpart, found once a run asks for it
        out: list[tuple[int, int]] = []
        i = j = k = 0
        beads = [(a, b) for a, b in shapes.tolist()]
        while k < len(beads):
            a, b = beads[k]
            if a and b:
                out.append((a, b))
                i, j, k = i + a, j + b, k + 1
                continue
            end = k  # a run of omissions: source i..i1-1 and target j..j1-1 left out
            while end < len(beads) and not (beads[end][0] and beads[end][1]):
                end += 1
            i1 = i + sum(x[0] for x in beads[k:end])
            j1 = j + sum(x[1] for x in beads[k:end])
            pairs: list[tuple[int, int]] = []
            if i1 > i and j1 > j:  # sentences left out on both sides here
                bc = self.bc
                if closeness and partners is None:
                    partners = score.closest_partners(
                        odds, bc.lo, bc.hi, bc.off, 0, self.n, 0, self.m
                    )
                # each other's best match among the sentences left out here
                run_src, run_tgt = score.closest_partners(odds, bc.lo, bc.hi, bc.off, i, i1, j, j1)
                pairs = [
                    (s, t)
                    for s, t in enumerate(run_src.tolist(), i)
                    if t >= 0
                    and run_tgt[t - j] == s
                    and (partners is None or partners[0][s] == t or partners[1][t] == s)
                    and self._log_odds(odds, s + 1, t + 1, 1, 1) + bonus > 0
                ]
            if not pairs:
                out += beads[k:end]
            else:
                si, sj = i, j
                for s, t in pairs:  # in source order; one that crosses the previous is skipped
                    if t < sj:
                        continue
                    out += [(1, 0)] * (s - si) + [(0, 1)] * (t - sj) + [(1, 1)]
                    si, sj = s + 1, t + 1
                out += [(1, 0)] * (i1 - si) + [(0, 1)] * (j1 - sj)
            i, j, k = i1, j1, end
        return np.array(out, np.int64).reshape(-1, 2)

    def leave_out_atypical_pairs(self, shapes: np.ndarray, priors: DocumentPriors) -> np.ndarray:
        """Leave out (as two omissions) each 1-1 bead whose sentences are more likely unrelated
        than a translation by the document's own measure: the z of its cosine (against the two
        sentences' null cosines, in null spreads) is likelier under unrelated pairs (standard
        normal) than under the document's 1-1 beads (a Student-t around their median, scaled
        by their lower quartile), by more than the document's prior log-odds.

        The calibrated evidence is fitted across documents and encoders' typical pairs; it cannot
        say that a pair at z 1 is far off in a document whose translations sit at z 5 with a
        spread of 1, and a faithful document's prior (log-odds ~4) then pairs two unrelated
        sentences left at one place. Only below the median: a pair better than the document's
        typical one is never in doubt. Needs `pair_check_min_pairs` 1-1 beads."""
        least = self.params.pair_check_min_pairs
        sizes = shapes.astype(np.int64)
        if least <= 0 or len(sizes) == 0:
            return shapes
        starts = np.cumsum(sizes, axis=0) - sizes
        pairs = np.flatnonzero((sizes[:, 0] == 1) & (sizes[:, 1] == 1))
        if len(pairs) < least:
            return shapes
        i, j = starts[pairs, 0], starts[pairs, 1]
        bc = self.bc  # a path's 1-1 bead lies in the band: its cosine is among the band's dots
        cos = bc.cband[dp.offsets(bc.clo, bc.chi - 1)[i] + j - bc.clo[i]].astype(np.float64)
        z = (cos - 0.5 * (self.src_mu[i] + self.tgt_mu[j])) / float(self.sigma[0, 0, 0])
        pairs_z = TypicalPairs.of(z)
        atypical = (z < pairs_z.middle) & (pairs_z.log_ratio(z) + priors.log_odds < 0)
        if not atypical.any():
            return shapes
        left_out = set(pairs[atypical].tolist())
        out: list[tuple[int, int]] = []
        for k, (a, b) in enumerate(sizes.tolist()):
            out += [(1, 0), (0, 1)] if k in left_out else [(a, b)]
        return np.array(out, np.int64).reshape(-1, 2)

    def pair_moved(self, beads: list[Bead], odds: np.ndarray, priors: DocumentPriors) -> list[Bead]:
        """Pair a source sentence and a target sentence at different places when the passage
        moved: one version tells it elsewhere (a quote given later, a paragraph an editor
        moved, columns read out of order). An alignment in order can only leave both out, or
        join one to the bead next to where its translation was. So one of the two is a
        sentence left out, the other left out too or the first or last sentence of a merge.
        Both must be each other's closest counterpart within `MOVED_WINDOW` sentences of where
        the path stands (the z of their cosine against each sentence of the other side there),
        and the pair must be more likely a translation than not: its z weighed under the
        document's own 1-1 beads and under the closest of as many unrelated sentences
        (`TypicalPairs.log_ratio_of_closest`: the best of a hundred unrelated sentences sits
        near z 2.5), on the document's prior that a sentence has a counterpart spread over
        every pair of sentences that could meet (an edited text leaves unrelated sentences out
        at several places; the closest of them to each other is no translation). The bead
        stands at its source position, crossing the beads in between
        (`egiz.alignment.moved_beads`); its score is that probability. A sentence left out
        right next to one of the pair joins it when its own closest counterpart is the pair's
        other sentence, by the same test (`_grown`: a moved quote of one Kazakh sentence is
        often two Russian ones; the seed pair's Kazakh 4, Russian 10-11). What stands at one
        place (omissions side by side, and the merges next to them) is `pair_omissions`' and
        `absorb_omissions`' call, not this one's. Needs `pair_check_min_pairs` 1-1 beads.

        Tune parts: FLORES moved 0.904 -> 1.000, Text+Berg 0.842 -> 0.847, every other type
        and development set unchanged. Asking instead for z of at least the 1-1 beads' lower
        quartile found 16 of the 26 moved pairs; weighing z against a single unrelated pair
        (not the closest of many) paired two unrelated sentences of an edited development
        document; only sentences left out: FLORES moved 0.995 (a merge kept one), Text+Berg
        0.842; asking also that a merge give up only a sentence that is no translation there
        (by the document's 1-1 check): Text+Berg 0.842."""
        least = self.params.pair_check_min_pairs
        ones = [(b.src[0], b.tgt[0]) for b in beads if len(b.src) == 1 and len(b.tgt) == 1]
        if not self.params.pair_moved or least <= 0 or len(ones) < least:
            return beads
        # who may meet: sentences left out, and the first or last sentence of a merge (the DP
        # may join a sentence whose translation moved to its neighbour's bead); one left out
        src_side = _moved_candidates(beads, 0)
        tgt_side = _moved_candidates(beads, 1)
        if not src_side or not tgt_side or all(c[2] for c in [*src_side, *tgt_side]):
            return beads
        sigma = float(self.sigma[0, 0, 0])
        i, j = np.array(ones, np.int64).T
        z11 = np.einsum("ij,ij->i", self.x[i], self.y[j]) - 0.5 * (self.src_mu[i] + self.tgt_mu[j])
        pairs_z = TypicalPairs.of(z11 / sigma)
        src_of = {c[1]: c for c in src_side}
        tgt_of = {c[1]: c for c in tgt_side}
        # where the path stands at each bead: the middle of a sentence's search window
        sizes = np.array([(len(b.src), len(b.tgt)) for b in beads], np.int64)
        starts = np.cumsum(sizes, axis=0) - sizes
        near_src = {c[1]: int(starts[c[0], 1]) for c in src_side}
        near_tgt = {c[1]: int(starts[c[0], 0]) for c in tgt_side}

        def closest(side: int, rows: Sequence[int]) -> dict[int, tuple[int, float]]:
            x, y, x_mu, y_mu, near = (
                (self.x, self.y, self.src_mu, self.tgt_mu, near_src)
                if side == 0
                else (self.y, self.x, self.tgt_mu, self.src_mu, near_tgt)
            )
            ids = np.array(rows, np.int64)
            centers = np.array([near[i] for i in rows], np.int64)
            best, v = score.closest_nearby(x, y, ids, centers, MOVED_WINDOW, x_mu, y_mu)
            return {
                i: (j, z / sigma) for i, j, z in zip(rows, best.tolist(), v.tolist(), strict=True)
            }

        # a pair holds a sentence left out: the closest counterparts of those first, then of the
        # merges' sentences that one of them finds closest (far fewer than every merge's)
        best_tgt = closest(0, [c[1] for c in src_side if not c[2]])
        best_src = closest(1, [c[1] for c in tgt_side if not c[2]])
        best_tgt.update(
            closest(0, sorted({i for i, _ in best_src.values() if i in src_of} - best_tgt.keys()))
        )
        best_src.update(
            closest(1, sorted({j for j, _ in best_tgt.values() if j in tgt_of} - best_src.keys()))
        )
        # where each bead stands among the aligned ones: omissions side by side, and the merges
        # around them, are at one place (`pair_omissions` and `absorb_omissions` judge those)
        aligned = np.array([bool(b.src and b.tgt) for b in beads])
        after = np.cumsum(aligned)
        before = after - aligned
        # the prior that a sentence has a counterpart, spread over every pair of sentences that
        # could meet (edited text leaves unrelated sentences out at several places)
        prior = priors.log_odds - math.log(len(src_side) * len(tgt_side))
        among = min(2 * MOVED_WINDOW + 1, max(self.n, self.m))  # sentences a search compares
        used: set[int] = set()
        pairs: list[tuple[tuple[int, int, int], tuple[int, int, int], float]] = []
        for cand in src_side:
            k, s, edge = cand
            if s not in best_tgt:
                continue
            t, z = best_tgt[s]
            other = tgt_of.get(t)
            if other is None or best_src.get(t, (-1, 0.0))[0] != s or (edge and other[2]):
                continue  # not each other's closest, or two merges (not what moved passages do)
            ko = other[0]
            if {k, ko} & used or not (before[k] > after[ko] or before[ko] > after[k]):
                continue  # one place, or a bead already changed
            log_odds = pairs_z.log_ratio_of_closest(z, among) + prior
            if log_odds >= 0:
                pairs.append((cand, other, log_odds))
                used |= {k, ko}
        if not pairs:
            return beads

        def accept(z: float) -> bool:
            return pairs_z.log_ratio_of_closest(z, among) + prior >= 0

        grown = self._grown(beads, pairs, used, closest, accept)
        return self._with_moved(beads, grown, odds, priors)

    def _grown(
        self,
        beads: list[Bead],
        pairs: list[tuple[tuple[int, int, int], tuple[int, int, int], float]],
        used: set[int],
        closest: Callable[[int, Sequence[int]], dict[int, tuple[int, float]]],
        accept: Callable[[float], bool],
    ) -> list[MovedPair]:
        """Each pair with the sentences left out right next to its own that find its other
        sentence closest: a moved quote of one Kazakh sentence is often two Russian ones.
        (pair, source ids, target ids, positions of the omissions it takes in); the positions
        taken are added to `used`."""
        out = []
        for (ks, s, s_edge), (kt, t, t_edge), log_odds in pairs:
            ids: list[list[int]] = [[s], [t]]
            taken: set[int] = set()
            for side, k, edge, partner in ((0, ks, s_edge, t), (1, kt, t_edge, s)):
                if not edge:  # taken from a merge: the merge keeps its neighbours
                    for step in (-1, 1):
                        most = min(self.mb, self.max_total - len(ids[1 - side]))
                        taken |= self._grow(
                            beads, k, step, side, ids[side], most, partner, used, closest, accept
                        )
            used |= taken
            out.append(
                ((ks, s, s_edge), (kt, t, t_edge), log_odds, tuple(ids[0]), tuple(ids[1]), taken)
            )
        return out

    def _grow(
        self,
        beads: list[Bead],
        k: int,
        step: int,
        side: int,
        ids: list[int],
        most: int,
        partner: int,
        used: set[int],
        closest: Callable[[int, Sequence[int]], dict[int, tuple[int, float]]],
        accept: Callable[[float], bool],
    ) -> set[int]:
        """Extend `ids` (one side of a moved pair, in place, to `most` sentences at most) with
        the sentences left out at the positions after bead `k` in direction `step` that find
        `partner` closest; returns those positions."""
        taken: set[int] = set()
        nb = k + step
        while 0 <= nb < len(beads) and nb not in used and len(ids) < most:
            own, other = (
                (beads[nb].src, beads[nb].tgt) if side == 0 else (beads[nb].tgt, beads[nb].src)
            )
            nxt = ids[-1] + 1 if step > 0 else ids[0] - 1
            if other or own != (nxt,):
                break
            found, z = closest(side, [nxt])[nxt]
            if found != partner or not accept(z):
                break
            ids.insert(len(ids) if step > 0 else 0, nxt)
            taken.add(nb)
            nb += step
        return taken

    def _with_moved(
        self,
        beads: list[Bead],
        pairs: list[MovedPair],
        odds: np.ndarray,
        priors: DocumentPriors,
    ) -> list[Bead]:
        """`beads` with each pair ((position, source sentence, edge), (position, target
        sentence, edge), log-odds, source ids, target ids, omissions taken in) made a moved bead
        at its source position; the merge a sentence left (edge: -1 first, 1 last, 0 an
        omission) is re-scored without it."""
        out_of: dict[int, list[Bead]] = {}
        for (ks, s, s_edge), (kt, t, t_edge), log_odds, src_ids, tgt_ids, taken in pairs:
            bead = Bead(src_ids, tgt_ids, round(score.sigmoid(log_odds), 6))
            out_of.update({k: [] for k in taken})
            if s_edge:
                rest = self._rescored(beads[ks], odds, priors, drop_src=s)
                out_of[ks] = [bead, rest] if s_edge < 0 else [rest, bead]
            else:
                out_of[ks] = [bead]
            out_of[kt] = [self._rescored(beads[kt], odds, priors, drop_tgt=t)] if t_edge else []
        return [b for k, bead in enumerate(beads) for b in out_of.get(k, [bead])]

    def _rescored(
        self,
        bead: Bead,
        odds: np.ndarray,
        priors: DocumentPriors,
        *,
        drop_src: int = -1,
        drop_tgt: int = -1,
    ) -> Bead:
        """`bead` without the source sentence `drop_src` or the target one `drop_tgt` (at an
        end), with the probability the last DP pass gives the rest (its old one if the rest is
        outside the band)."""
        src = tuple(i for i in bead.src if i != drop_src)
        tgt = tuple(j for j in bead.tgt if j != drop_tgt)
        ni, nj = src[0] + len(src), tgt[0] + len(tgt)
        p = float("nan")
        if self.bc.lo[ni] <= nj <= self.bc.hi[ni]:
            p = self._probability(odds, ni, nj, len(src), len(tgt), priors)
        return Bead(src, tgt, round(p, 6) if p == p else bead.score)

    def split_merges(
        self, shapes: np.ndarray, odds: np.ndarray, priors: DocumentPriors
    ) -> np.ndarray:
        """Split an n-m bead (both sides of 2 or more sentences) into two consecutive beads
        where each of them is a translation on its own (probability >= `split_min_probability`,
        0.5 by default: more likely a translation than not). Evidence grows
        with a span's length, so the sum of log-odds the DP maximises can prefer one bead of
        two short translations over the two: a dialogue's lines would come out in pairs."""
        out: list[tuple[int, int]] = []
        i = j = 0
        for a, b in shapes.tolist():  # (Python ints: no numpy scalar per bead)
            if a < 2 or b < 2:  # nothing to split (`_split` would say so)
                out.append((a, b))
            else:
                out += self._split(i, j, a, b, odds, priors)
            i, j = i + a, j + b
        return np.array(out, np.int64).reshape(-1, 2)

    def _split(
        self, i: int, j: int, a: int, b: int, odds: np.ndarray, priors: DocumentPriors
    ) -> list[tuple[int, int]]:
        if a < 2 or b < 2:
            return [(a, b)]
        least = self.params.split_min_probability
        best: tuple[float, int, int] | None = None
        for a1 in range(1, a):
            for b1 in range(1, b):
                if not self.bc.lo[i + a1] <= j + b1 <= self.bc.hi[i + a1]:
                    continue  # where the two would meet is outside the band: no score
                p1 = self._probability(odds, i + a1, j + b1, a1, b1, priors)
                p2 = self._probability(odds, i + a, j + b, a - a1, b - b1, priors)
                if min(p1, p2) >= least and (best is None or min(p1, p2) > best[0]):
                    best = (min(p1, p2), a1, b1)
        if best is None:
            return [(a, b)]
        _, a1, b1 = best
        return self._split(i, j, a1, b1, odds, priors) + self._split(
            i + a1, j + b1, a - a1, b - b1, odds, priors
        )

    def _absorbers(
        self,
        beads: list[tuple[int, int]],
        starts: list[tuple[int, int]],
        k: int,
        odds: np.ndarray,
        priors: DocumentPriors,
    ) -> Iterator[tuple[int, tuple[tuple[int, int], tuple[int, int]]]]:
        """The neighbours of the omission `k` that may take it in, with the (start, size) of
        the source and target spans of the bead they would become."""
        a, b = beads[k]
        bc = self.bc
        for nb in (k - 1, k + 1):
            if not 0 <= nb < len(beads):
                continue
            na, nbb = beads[nb]
            if not (na and nbb) or not self._fits(na + a, nbb + b):
                continue
            i0, j0 = starts[min(nb, k)]  # where the merged bead would start and end
            ni, nj = i0 + na + a, j0 + nbb + b
            if not bc.lo[ni] <= nj <= bc.hi[ni]:
                continue  # outside the band: no score for it
            ci, cj = starts[nb][0] + na, starts[nb][1] + nbb
            # (written `not >=` so that a cell without a score, NaN, is refused too)
            if not self._probability(odds, ci, cj, na, nbb, priors) >= 0.5:
                continue  # the bead itself is not a translation: it takes nothing in
            if not self._probability(odds, ni, nj, na + a, nbb + b, priors) >= 0.5:
                continue  # nor is what it would become: the score it would get says so
            yield nb, ((i0, na + a), (j0, nbb + b))

    def _prefetch_spans(
        self,
        spans: list[tuple[int, int, int]],
        limit: int,
        embed_texts: Callable[[Sequence[str]], np.ndarray],
    ) -> None:
        """Embed the multi-sentence (side, start, size) spans not embedded yet, in one call, in
        order while their characters stay within `limit`."""
        sides = (self.src, self.tgt)
        todo: list[tuple[int, int, int]] = []
        texts: list[str] = []
        chars = 0
        for sp in dict.fromkeys(spans):
            if sp[2] > 1 and sp not in self._span_memo:
                text = _joined_text(sides[sp[0]], sp[1], sp[2])
                if chars + len(text) > limit:
                    break
                chars += len(text)
                todo.append(sp)
                texts.append(text)
        if not todo:
            return
        self.joined_chars += chars
        vecs = np.asarray(embed_texts(texts), np.float32)
        for sp, vec in zip(todo, vecs, strict=True):
            self._span_memo[sp] = vec

    def _fits(self, a: int, b: int) -> bool:
        """Whether a bead of a x b sentences may be made (`max_bead`, `max_bead_total`)."""
        return a <= self.mb and b <= self.mb and a + b <= self.max_total

    def _length_deviation(self, i: int, a: int, j: int, b: int, ratio: float) -> float:
        """How far the lengths of src[i:i+a] and tgt[j:j+b] are from the expected ratio."""
        ls = self.src_cum[i + a] - self.src_cum[i]
        lt = self.tgt_cum[j + b] - self.tgt_cum[j]
        return float(score.length_deviation(ls, lt, ratio))

    def _log_odds(self, odds: np.ndarray, i: int, j: int, a: int, b: int) -> float:
        """The log-odds of the bead of a x b sentences ending before (i, j), on the document's
        prior."""
        return float(odds[self.bc.off[i] + j - self.bc.lo[i], a - 1, b - 1])

    def _probability(
        self, odds: np.ndarray, i: int, j: int, a: int, b: int, priors: DocumentPriors
    ) -> float:
        """The reported probability of the bead of a x b sentences ending before (i, j)."""
        own = self._log_odds(odds, i, j, a, b)
        return score.sigmoid(own - priors.log_odds + priors.log_odds_without(a + b))

    def _joined_cosine(
        self, i: int, a: int, j: int, b: int, embed_texts: Callable[[Sequence[str]], np.ndarray]
    ) -> float:
        """Cosine of the real embeddings of src[i:i+a] and tgt[j:j+b] joined (memoised)."""
        src = self._span_vector(0, i, a, embed_texts)
        return float(src @ self._span_vector(1, j, b, embed_texts))

    def _span_vector(
        self, side: int, start: int, size: int, embed_texts: Callable[[Sequence[str]], np.ndarray]
    ) -> np.ndarray:
        if size == 1:
            return (self.x if side == 0 else self.y)[start]
        self._prefetch_spans([(side, start, size)], np.iinfo(np.int64).max, embed_texts)
        return self._span_memo[(side, start, size)]

    def _crossing_pairs(
        self, shapes: np.ndarray, min_z: float = CROSSING_Z
    ) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
        """Two-sentence spans of neighbouring 1-1 beads whose sentences also match across
        (x[i] ~ y[j+1] or x[i+1] ~ y[j]): where a 2-2 bead may be the translation."""
        sizes, starts = _sizes_and_starts(shapes)
        one = (sizes[:, 0] == 1) & (sizes[:, 1] == 1)
        # beads k and k + 1 both 1-1: (pi, pj) the first's sentences, (i, j) the second's
        both = np.flatnonzero(one[:-1] & one[1:])
        pi, pj = starts[both, 0], starts[both, 1]
        i, j = pi + 1, pj + 1
        # (float32 products summed in float64: close enough for a threshold in spreads)
        ahead = np.einsum("kd,kd->k", self.x[pi], self.y[j], dtype=np.float64)
        behind = np.einsum("kd,kd->k", self.x[i], self.y[pj], dtype=np.float64)
        cross = np.maximum(
            ahead - 0.5 * (self.src_mu[pi] + self.tgt_mu[j]),
            behind - 0.5 * (self.src_mu[i] + self.tgt_mu[pj]),
        )
        keep = cross / self.sigma[0, 0, 0] > min_z
        src = [(int(k), 2) for k in pi[keep]]
        tgt = [(int(k), 2) for k in pj[keep]]
        return src, tgt

    def _embed_spans(
        self,
        side: int,
        spans: list[tuple[int, int]],
        embed_texts: Callable[[Sequence[str]], np.ndarray],
    ) -> tuple[np.ndarray, np.ndarray]:
        """For one side (0 source, 1 target): index[end, a-1] -> row of the returned vectors for
        the span of `a` sentences ending before `end` (-1 if it has no real embedding); single
        sentences use their own vectors."""
        vecs = self.x if side == 0 else self.y
        n = len(vecs)
        index = np.full((n + 1, self.mb), -1, np.int64)
        index[1:, 0] = np.arange(n)
        if not spans:
            return index, vecs
        self._prefetch_spans([(side, *span) for span in spans], np.iinfo(np.int64).max, embed_texts)
        joined = np.stack([self._span_memo[(side, *span)] for span in spans])
        for k, (start, a) in enumerate(spans):
            index[start + a, a - 1] = n + k
        return index, np.vstack([vecs, joined])


# The document's unrelated pairs behind its evidence temperature (`evidence_temperature`):
# 1-1 cells of the band at least this many sentences from both sentences' beads on the path ...
NULL_DISTANCE = 3
# ... and at most this many from the source sentence's: the DP's nearest competitors, which a band
# (8 sentences or more around its coarse path) holds as a full DP does, so that the temperature
# does not depend on the document's size ...
NULL_FAR = 6
# ... at least this many of them, or the document says too little to temper its evidence ...
NULL_MIN_CELLS = 100
# ... the highest share of them left out (true pairs the path does not hold: a repeated line, a
# passage told twice) ...
NULL_TRIM = 0.01
# ... and rows in a stride once the band holds more cells than this (linear time stays linear).
NULL_SAMPLE = 50_000


def evidence_temperature(null: np.ndarray, least: float) -> float:
    """The factor t in [least, 1] that makes the mean of exp(t * evidence) over unrelated pairs
    `null` 1, as it is for a calibrated log-likelihood ratio (the likelihood ratio's expectation
    under the null). 1 if the pairs already average at most that, or are too few to say; `least`
    if no factor does (their evidence averages above 0: nothing but a flat 0 would)."""
    if len(null) < NULL_MIN_CELLS:
        return 1.0
    ev = np.sort(null)[: len(null) - int(len(null) * NULL_TRIM)]
    log_n = math.log(len(ev))

    def excess(t: float) -> float:  # log mean exp(t * ev): convex in t, 0 at t = 0
        top = t * ev[-1]
        return top + math.log(float(np.exp(t * ev - top).sum())) - log_n

    if excess(1.0) <= 0:
        return 1.0
    if ev.mean() >= 0:
        return least
    lo, hi = 0.0, 1.0  # excess(lo) <= 0 < excess(hi): the one root in between
    for _ in range(40):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if excess(mid) <= 0 else (lo, mid)
    return max(least, lo)


# Share of the joined-text budget for re-scoring the spans around merges and omissions; the
# rest goes to `absorb_omissions` (measured on the tune parts: half and half beat either alone).
REFINE_SHARE = 0.5
# A short document may always embed this many sentences' worth of joined text.
MIN_JOINED_SENTENCES = 16


# Degrees of freedom of the Student-t that stands for a document's 1-1 beads: heavier tails than
# a normal, as loose translations (an idiom, a recast sentence) sit well below the typical pair.
TYPICAL_PAIR_TAILS = 4.0


def _typical_log_density(t: np.ndarray, nu: float = TYPICAL_PAIR_TAILS) -> np.ndarray:
    """Log density of Student's t with `nu` degrees of freedom."""
    const = math.lgamma((nu + 1) / 2) - math.lgamma(nu / 2) - 0.5 * math.log(nu * math.pi)
    return const - (nu + 1) / 2 * np.log1p(t**2 / nu)


@dataclass(frozen=True)
class TypicalPairs:
    """What a document's own 1-1 beads look like, as the z of their cosines (against their
    sentences' null cosines, in null spreads): a Student-t around their median, scaled by their
    lower quartile and never narrower than unrelated pairs' spread (1)."""

    middle: float
    lower: float  # the lower quartile
    spread: float

    @classmethod
    def of(cls, z: np.ndarray) -> TypicalPairs:
        middle, lower = float(np.median(z)), float(np.percentile(z, 25))
        # the lower quartile of a normal lies 0.674 spreads below its median
        return cls(middle, lower, max(1.0, (middle - lower) / 0.674))

    def log_ratio(self, z: np.ndarray) -> np.ndarray:
        """Log-likelihood of `z` under the document's pairs against unrelated pairs (a standard
        normal)."""
        typical = _typical_log_density((z - self.middle) / self.spread) - np.log(self.spread)
        return typical - (-0.5 * z**2 - 0.5 * math.log(2 * math.pi))

    def log_ratio_of_closest(self, z: float, among: int) -> float:
        """`log_ratio` for the highest z of a sentence against `among` others: were they all
        unrelated, the highest of `among` standard normals (a closest match is found among
        many, so an unrelated one sits well above 0)."""
        typical = _typical_log_density(np.array([(z - self.middle) / self.spread]))[0]
        log_cdf = math.log(max(0.5 * math.erfc(-z / math.sqrt(2)), 1e-300))
        unrelated = math.log(among) - 0.5 * z**2 - 0.5 * math.log(2 * math.pi)
        return float(typical - math.log(self.spread) - unrelated - (among - 1) * log_cdf)


# How far from where the path stands `pair_moved` looks for a moved passage's counterpart, in
# sentences each way: a window keeps the search linear in the document's length.
MOVED_WINDOW = 50

Ids = tuple[int, ...]
# ((position, source sentence, edge), (position, target sentence, edge), log-odds, source ids,
# target ids, positions of the omissions it takes in): a moved bead before it is placed
MovedPair = tuple[tuple[int, int, int], tuple[int, int, int], float, Ids, Ids, set[int]]


def _moved_candidates(beads: Sequence[Bead], side: int) -> list[tuple[int, int, int]]:
    """(position, sentence, edge) of the sentences of one side (0 source, 1 target) that
    `pair_moved` may pair: those left out (edge 0), and the first (-1) and last (1) sentence of
    an aligned bead with two or more on that side."""
    out: list[tuple[int, int, int]] = []
    for k, bead in enumerate(beads):
        own, other = (bead.src, bead.tgt) if side == 0 else (bead.tgt, bead.src)
        if own and not other:
            out.append((k, own[0], 0))
        elif other and len(own) >= 2:
            out += [(k, own[0], -1), (k, own[-1], 1)]
    return out


def _joined_text(sentences: Sequence[Sentence], start: int, size: int) -> str:
    """The text of `size` sentences from `start`, as the encoder sees a joined span."""
    return " ".join(s.text for s in sentences[start : start + size])


def _starts(beads: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """(src, tgt) index where each bead of a path starts."""
    out, i, j = [], 0, 0
    for a, b in beads:
        out.append((i, j))
        i, j = i + a, j + b
    return out


def _sized(dirs: np.ndarray, max_bead: int) -> np.ndarray:
    """Null directions for spans of 1..max_bead sentences (larger ones reuse the last)."""
    idx = np.minimum(np.arange(max_bead), len(dirs) - 1)
    return np.ascontiguousarray(dirs[idx], np.float32)


def _null_stack(
    doc_null: np.ndarray,
    v: np.ndarray,
    span_norm: np.ndarray,
    dirs: np.ndarray | None,
    prior: np.ndarray,
) -> np.ndarray:
    """[kind, which, end, own size-1, other size-1]: which 0 = the document's null cosine of each
    span, 1 = the calibration's (from its null directions, else a constant per shape); kind 1 =
    spans with a joined-text embedding (filled in by `_mix_joined_nulls`)."""
    out = np.empty((2, 2, *doc_null.shape))
    out[:, 0] = doc_null
    if dirs is None:
        out[0, 1] = prior[0][None]
        out[1, 1] = prior[1][None]
    else:
        out[0, 1] = out[1, 1] = score.span_nulls(v, dirs, span_norm)
    return out


def _mix_joined_nulls(
    nulls: np.ndarray,
    index: np.ndarray,
    vecs: np.ndarray,
    spans: list[tuple[int, int]],
    other_means: np.ndarray,
    dirs: np.ndarray | None,
    weight: float,
) -> None:
    """Null cosines of embedded spans, mixed with the summed ones as their cosines are."""
    for start, a in spans:
        end = start + a
        vec = vecs[index[end, a - 1]].astype(np.float64)
        nulls[1, 0, end, a - 1] = (
            weight * (vec @ other_means.T) + (1 - weight) * nulls[0, 0, end, a - 1]
        )
        if dirs is not None:
            prior = vec @ dirs.T.astype(np.float64)
            nulls[1, 1, end, a - 1] = weight * prior + (1 - weight) * nulls[0, 1, end, a - 1]


def _spans(rows: set[int], n: int, max_bead: int) -> list[tuple[int, int]]:
    """(start, size) of every multi-sentence span made only of `rows`."""
    run: dict[int, int] = {}  # rows in a row from each row on (at most max_bead)
    for start in sorted(rows, reverse=True):
        run[start] = min(max_bead, 1 + run.get(start + 1, 0))
    return [
        (start, a) for start in sorted(rows) for a in range(2, run[start] + 1) if start + a <= n
    ]


def _path_columns(shapes: np.ndarray, n: int, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Per DP row 0..n, the columns of the path's beads that span it (a bead from (i0, j0) to
    (i1, j1) spans rows i0..i1 at columns j0..j1), `window` more on either side: lo, hi."""
    sizes, starts = _sizes_and_starts(shapes)
    ends = starts + sizes
    rows = np.arange(n + 1)
    # the path is monotone: the first bead that reaches a row and the last one that starts in it
    first = np.searchsorted(ends[:, 0], rows, side="left")
    last = np.searchsorted(starts[:, 0], rows, side="right") - 1
    return starts[first, 1] - window, ends[last, 1] + window


def _sizes_and_starts(shapes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A path's bead sizes (k, 2) and where each bead starts on both sides (`_starts` for
    arrays)."""
    sizes = shapes.astype(np.int64).reshape(-1, 2)
    return sizes, np.cumsum(sizes, axis=0) - sizes


def _spans_to_recheck(
    shapes: np.ndarray, n: int, m: int, max_bead: int
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Spans in and next to every bead that is not 1-1 (where merges and omissions compete),
    the path's own merged spans first."""
    src_rows: set[int] = set()
    tgt_rows: set[int] = set()
    src_own: list[tuple[int, int]] = []
    tgt_own: list[tuple[int, int]] = []
    i = j = 0
    for a, b in shapes.tolist():  # (Python ints: no numpy scalar per bead)
        if (a, b) != (1, 1):
            src_rows.update(range(max(0, i - 1), min(n, i + a + 1)))
            tgt_rows.update(range(max(0, j - 1), min(m, j + b + 1)))
            if a > 1:
                src_own.append((i, a))
            if b > 1:
                tgt_own.append((j, b))
        i, j = i + a, j + b
    src = list(dict.fromkeys(src_own + _spans(src_rows, n, max_bead)))
    tgt = list(dict.fromkeys(tgt_own + _spans(tgt_rows, m, max_bead)))
    return src, tgt


def _within_budget(
    src: list[tuple[int, int]],
    tgt: list[tuple[int, int]],
    budget: int,
    src_cost: Callable[[tuple[int, int]], int],
    tgt_cost: Callable[[tuple[int, int]], int],
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The spans that fit in `budget`, taken alternately from both sides, in order (most wanted
    first), until the next one would not fit."""
    keep: tuple[list[tuple[int, int]], list[tuple[int, int]]] = ([], [])
    queues = [(src, src_cost, keep[0]), (tgt, tgt_cost, keep[1])]
    spent = 0
    for k in range(max(len(src), len(tgt))):
        for spans, cost, kept in queues:
            if k < len(spans):
                spent += cost(spans[k])
                if spent > budget:
                    return keep
                kept.append(spans[k])
    return keep
