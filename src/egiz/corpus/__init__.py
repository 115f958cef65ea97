"""A parallel corpus from a whole crawl: `mine()` into a corpus store, `export_corpus()` out of it.

    >>> from egiz.corpus import mine, export_corpus
    >>> summary = mine(["crawl/kk", "crawl/ru"], "corpus.db")          # doctest: +SKIP
    >>> export_corpus("corpus.db", "corpus.parquet", "parquet")        # doctest: +SKIP

The store is one SQLite file (egiz.corpus.store); pyarrow (parquet export) and dask[distributed]
(`dask_address=`) load only when used. Like `egiz.align`, the function `mine` shadows its module
here: reach the module with `importlib.import_module("egiz.corpus.mine")`.
"""

from __future__ import annotations

from egiz.corpus.export import CORPUS_FORMATS, export_corpus
from egiz.corpus.mine import FilterParams, MineSummary, mine
from egiz.corpus.store import BeadRecord, Store

__all__ = [
    "CORPUS_FORMATS",
    "BeadRecord",
    "FilterParams",
    "MineSummary",
    "Store",
    "export_corpus",
    "mine",
]
