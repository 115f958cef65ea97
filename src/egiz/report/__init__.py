"""Divergence report of an alignment: what one version of an article has and the other lacks.

from egiz import align
from egiz.report import divergences, render_html

alignment = align(kk_text, ru_text)
report = divergences(alignment)
open("diff.html", "w").write(render_html(report, alignment))
"""

from egiz.report.diverge import (
    BeadIssue,
    Block,
    NameMismatch,
    NumberMismatch,
    Report,
    bead_divergence,
    divergences,
    name_mismatch,
    number_mismatch,
)
from egiz.report.render import bead_kinds, render_html, render_json, render_rich, render_text

__all__ = [
    "BeadIssue",
    "Block",
    "NameMismatch",
    "NumberMismatch",
    "Report",
    "bead_divergence",
    "bead_kinds",
    "divergences",
    "name_mismatch",
    "number_mismatch",
    "render_html",
    "render_json",
    "render_rich",
    "render_text",
]
