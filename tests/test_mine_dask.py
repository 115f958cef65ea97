"""Mining on a Dask cluster (two worker processes) builds the same corpus as mining locally."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

from egiz.corpus import mine

distributed = pytest.importorskip("distributed", reason="dask[distributed] is not installed")

FIXTURES = Path(__file__).parent / "fixtures" / "corpus"


def _load_crawl() -> Any:
    spec = importlib.util.spec_from_file_location("corpus_crawl", FIXTURES / "crawl.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


crawl = _load_crawl()


def test_dask_cluster_equals_local_run(tmp_path: Path) -> None:
    sources = crawl.build_crawl(tmp_path / "crawl")
    common: dict[str, Any] = dict(encoder="trigram", pair_fn=crawl.pair_by_stem, progress=False)
    local = mine(sources, tmp_path / "local.db", **common)
    with (
        distributed.LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
        ) as cluster,
    ):
        remote = mine(
            sources, tmp_path / "dask.db", dask_address=cluster.scheduler_address, **common
        )
        with distributed.Client(cluster.scheduler_address) as client:
            assert len(client.scheduler_info()["workers"]) == 2
    assert remote.aligned_now == local.aligned_now > 0
    assert remote.kept == local.kept and remote.filtered == local.filtered
    assert crawl.corpus_rows(tmp_path / "dask.db") == crawl.corpus_rows(tmp_path / "local.db")
    # a re-run has nothing to align, so it does not even contact the (unreachable) scheduler
    again = mine(sources, tmp_path / "dask.db", dask_address="tcp://127.0.0.1:1", **common)
    assert again.aligned_now == 0
