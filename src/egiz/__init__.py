"""egiz: align the Kazakh and Russian versions of the same text, and show where they differ.

    >>> import egiz
    >>> result = egiz.align(kazakh_text, russian_text)          # doctest: +SKIP
    >>> for bead, kk, ru in result.pairs(): ...                  # doctest: +SKIP

Heavy modules (numba kernels, encoders) load on first use, never at import.
"""

from __future__ import annotations

# `align` the function shadows `egiz.align` the subpackage on purpose: bind it eagerly (the
# subpackage is light; numba kernels and encoders load inside the function).
from egiz.align import AlignParams, align
from egiz.alignment import Alignment, Bead, Sentence

__version__ = "0.1.0"
__all__ = ["AlignParams", "Alignment", "Bead", "Sentence", "__version__", "align", "split"]


def split(text: str, lang: str) -> list[Sentence]:
    """Split a text into sentences (Kazakh and Russian rules; generic rules for other languages)."""
    from egiz.text.split import split_sentences

    return split_sentences(text, lang)
