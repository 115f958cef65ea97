"""Text handling for alignment: sentence splitting and language detection.

Import-light on purpose: only razdel and the standard library load here.
"""

from __future__ import annotations

from egiz.text.lang import LANG_NAMES, detect_language, detect_sentence_language
from egiz.text.split import split_presegmented, split_sentences

__all__ = [
    "LANG_NAMES",
    "detect_language",
    "detect_sentence_language",
    "split_presegmented",
    "split_sentences",
]
