"""Shared fixtures: a private embedding cache for every test, and the kk/ru seed article."""

from __future__ import annotations

from pathlib import Path

import pytest

# The seed article in Kazakh (17 sentences) and Russian (26 sentences). CI checks the shared data
# out next to the repository: <root>/../shared/seeds.
SEEDS_DIR = Path(__file__).resolve().parents[2] / "shared" / "seeds"


@pytest.fixture(autouse=True)
def egiz_cache_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Point EGIZ_CACHE_DIR at a fresh temporary directory: no test ever writes to ~/.cache.

    Subprocesses started by a test inherit it through os.environ; a test that needs the path
    asks for this fixture by name.
    """
    path = tmp_path_factory.mktemp("egiz-cache")
    monkeypatch.setenv("EGIZ_CACHE_DIR", str(path))
    return path


@pytest.fixture(scope="session")
def seeds() -> tuple[Path, Path]:
    """(kk_path, ru_path) of the seed article."""
    kk = sorted(SEEDS_DIR.glob("000_*.txt"))
    ru = sorted(SEEDS_DIR.glob("001_*.txt"))
    assert len(kk) == 1 and len(ru) == 1, f"seed files 000_*.txt and 001_*.txt not in {SEEDS_DIR}"
    return kk[0], ru[0]
