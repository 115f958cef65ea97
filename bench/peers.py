"""Bertalign and Vecalign, run by the benchmark itself with egiz's encoder (../shared/peers).

The peers live in their own virtual environment (`bash ../shared/peers/setup.sh` builds it in
/tmp/peers-venv): this module only writes a set's documents to a folder, calls the harness's
`run_set.py` on it, and reads the beads back, so egiz's benchmark can score them with its own
scorer. Run as a script in the peers venv (`python bench/peers.py bertalign-dp DIR`), it times
Bertalign's alignment step alone on vectors that are ready, one run per request
(`BertalignTimer`).

Only the standard library and numpy at the top: the script part runs in the peers venv.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

PEERS = Path(os.environ.get("EGIZ_PEERS", Path(__file__).resolve().parents[2] / "shared" / "peers"))
VENV = Path(os.environ.get("PEERS_VENV", "/tmp/peers-venv"))
OUT = Path(os.environ.get("EGIZ_PEERS_OUT", "/tmp/peers-out-bench"))
SYSTEMS = ("bertalign", "vecalign-a4", "vecalign-a8")
LABELS = {
    "bertalign": "Bertalign (defaults, same encoder)",
    "vecalign-a4": "Vecalign -a 4 (same encoder)",
    "vecalign-a8": "Vecalign -a 8, n=8 overlaps (same encoder)",
}

Beads = list[tuple[tuple[int, ...], tuple[int, ...]]]


def available() -> str | None:
    """None if the peers can run here, else one line saying why not."""
    if not (PEERS / "run_set.py").exists():
        return f"peers not found ({PEERS}/run_set.py missing)"
    if not (VENV / "bin" / "python").exists():
        return f"peers not set up ({VENV} missing: bash {PEERS}/setup.sh)"
    probe = subprocess.run(
        [str(VENV / "bin" / "python"), "-c", "import bertalign, vecalign.dp_core, cached_e5"],
        capture_output=True,
        text=True,
        cwd=PEERS,
    )
    if probe.returncode != 0:
        return f"peers venv {VENV} is broken: {probe.stderr.strip().splitlines()[-1:]}"
    return None


@dataclass
class PeerRun:
    """One system on one set: beads per document, and what run_set.py measured."""

    system: str
    beads: list[Beads] = field(default_factory=list)
    strict_f1: float | None = None  # run_set.py's own score (score.py), for the agreement check
    embed_s: float = 0.0
    align_s: float = 0.0
    total_s: float = 0.0
    new_strings: int = 0
    failed: str | None = None


def _bead_line(s: Sequence[int], t: Sequence[int]) -> str:
    return f"{list(s)}:{list(t)}"


def _parse_bead(line: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    left, right = line.split(":")[:2]
    return tuple(int(v) for v in left.strip()[1:-1].split(",") if v.strip()), tuple(
        int(v) for v in right.strip()[1:-1].split(",") if v.strip()
    )


def write_set(folder: Path, docs: Sequence) -> list[str]:
    """Documents as NAME.src / NAME.tgt / NAME.gold (the harness's layout); returns the names in
    the order run_set.py reads them (sorted)."""
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for k, doc in enumerate(docs):
        name = f"d{k:05d}"  # sortable, so run_set.py's order is the set's order
        # a line break inside a sentence would shift every later line
        (folder / f"{name}.src").write_text(
            "".join(s.replace("\n", " ") + "\n" for s in doc.src), encoding="utf-8"
        )
        (folder / f"{name}.tgt").write_text(
            "".join(t.replace("\n", " ") + "\n" for t in doc.tgt), encoding="utf-8"
        )
        (folder / f"{name}.gold").write_text(
            "".join(_bead_line(s, t) + "\n" for s, t in doc.gold), encoding="utf-8"
        )
        names.append(name)
    return names


def run_peers(
    label: str,
    docs: Sequence,
    src_lang: str,
    tgt_lang: str,
    systems: Sequence[str],
    log=lambda msg: None,
) -> dict[str, PeerRun]:
    """Run `systems` on `docs` (objects with src, tgt, gold) with run_set.py; beads read back
    from its .align files in document order."""
    set_name = "".join(c if c.isalnum() or c in "-_" else "-" for c in label)
    with tempfile.TemporaryDirectory(prefix="egiz-peers-set-") as tmp:
        names = write_set(Path(tmp) / set_name, docs)
        cmd = [
            "python3",  # run_set.py re-executes itself in the venv
            str(PEERS / "run_set.py"),
            str(Path(tmp) / set_name),
            "src",
            "tgt",
            "gold",
            "--systems",
            ",".join(systems),
            "--src-lang",
            src_lang,
            "--tgt-lang",
            tgt_lang,
            "--name",
            set_name,
            "--out",
            str(OUT),
        ]
        env = {**os.environ, "PEERS_VENV": str(VENV)}
        env.pop("ALIGN_SET_PREFIX", None)
        log(f"peers on {label}: {', '.join(systems)} ({len(docs)} documents) ...")
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=PEERS)
    results_path = OUT / set_name / "results.json"
    rows = json.loads(results_path.read_text(encoding="utf-8")) if results_path.exists() else []
    by_system = {r["system"]: r for r in rows}
    out: dict[str, PeerRun] = {}
    for system in systems:
        run = PeerRun(system)
        row = by_system.get(system)
        if row is None or "failed" in row:
            tail = proc.stderr.strip().splitlines()[-1:] if proc.stderr else []
            run.failed = (row or {}).get("failed") or f"no result (exit {proc.returncode}) {tail}"
            out[system] = run
            continue
        run.strict_f1 = float(row["strict"]["f1"])
        run.embed_s = float(row.get("embed_seconds", 0.0))
        run.align_s = float(row.get("align_seconds", 0.0))
        run.total_s = float(row.get("seconds", 0.0))
        run.new_strings = int(row.get("new_strings", 0))
        for name in names:
            path = OUT / set_name / system / f"{name}.align"
            lines = path.read_text(encoding="utf-8").splitlines()
            run.beads.append([_parse_bead(line) for line in lines if line.strip()])
        if row.get("lost_or_duplicated"):
            run.failed = f"lost or duplicated sentences in {len(row['lost_or_duplicated'])} docs"
        out[system] = run
    return out


# -- Bertalign's alignment step alone, embeddings ready -------------------------------------------


def overlap_inputs(
    vecs: np.ndarray, texts: Sequence[str], num_overlaps: int
) -> tuple[np.ndarray, np.ndarray]:
    """Bertalign's (num_overlaps, n, dim) overlap vectors and (num_overlaps, n) byte lengths,
    laid out as its `Encoder.transform` does (layer k holds, at position p, the k sentences that
    end at p; the first k-1 positions are padding). The vectors are normalised sums of the
    sentence vectors, not re-embedded joined texts: for timing the DP, not for its accuracy."""
    n, dim = vecs.shape
    out = np.zeros((num_overlaps, n, dim), np.float32)
    lens = np.zeros((num_overlaps, n), np.int64)
    nbytes = np.array([len(t.encode("utf-8")) for t in texts], np.int64)
    csum = np.vstack([np.zeros((1, dim), np.float32), np.cumsum(vecs, axis=0, dtype=np.float32)])
    bsum = np.concatenate([[0], np.cumsum(nbytes)])
    for k in range(1, num_overlaps + 1):
        p = np.arange(n)
        start = np.maximum(p - k + 1, 0)
        v = csum[p + 1] - csum[start]
        out[k - 1] = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-9)
        lens[k - 1] = bsum[p + 1] - bsum[start] + (p - start)  # + the joining spaces
        lens[k - 1, : min(k - 1, n)] = 3  # "PAD"
    return out, lens


class BertalignTimer:
    """Bertalign's `align_sents` (first pass, window, second pass; defaults) on ready overlap
    vectors, in the peers venv, timed one run at a time: a run of egiz and a run of Bertalign
    can then take turns, so that a busy spell of a shared machine slows both alike.

        with BertalignTimer(x, y, src_texts, tgt_texts) as timer:
            seconds = timer.run()

    `warmup`: seconds of the first, untimed call (numba compiles or loads its cache)."""

    def __init__(
        self, x: np.ndarray, y: np.ndarray, src_texts: Sequence[str], tgt_texts: Sequence[str]
    ) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="egiz-bertalign-dp-")
        folder = Path(self._tmp.name)
        np.save(folder / "x.npy", x)
        np.save(folder / "y.npy", y)
        (folder / "texts.json").write_text(
            json.dumps({"src": list(src_texts), "tgt": list(tgt_texts)}), encoding="utf-8"
        )
        # stderr to a file, not a pipe: warnings that nobody reads could fill a pipe and stall
        with (folder / "stderr.txt").open("w", encoding="utf-8") as err:
            self._proc = subprocess.Popen(
                [
                    str(VENV / "bin" / "python"),
                    str(Path(__file__).resolve()),
                    "bertalign-dp",
                    str(folder),
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=err,
                text=True,
                cwd=PEERS,
            )
        self.warmup = float(self._reply()["warmup"])

    def run(self) -> float:
        """Seconds of one `align_sents` call."""
        assert self._proc.stdin is not None
        self._proc.stdin.write("run\n")
        self._proc.stdin.flush()
        return float(self._reply()["seconds"])

    def _reply(self) -> dict:
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline()
        if not line:
            self._proc.wait()
            err = (Path(self._tmp.name) / "stderr.txt").read_text(encoding="utf-8")
            self.close()
            raise RuntimeError(f"Bertalign DP timing failed: {err[-800:]}")
        return json.loads(line)

    def close(self) -> None:
        if self._proc.stdin is not None and not self._proc.stdin.closed:
            with contextlib.suppress(OSError):
                self._proc.stdin.close()  # the script's loop over its input ends
        try:
            self._proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        if self._proc.stdout is not None:
            self._proc.stdout.close()
        self._tmp.cleanup()

    def __enter__(self) -> BertalignTimer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _bertalign_dp_main(folder: Path) -> None:
    """In the peers venv: build a Bertalign object with ready vectors, call align_sents once
    (untimed), then time one call per line read from stdin; each answer is a JSON line."""
    import io

    from bertalign import Bertalign

    spec = json.loads((folder / "texts.json").read_text(encoding="utf-8"))
    x, y = np.load(folder / "x.npy"), np.load(folder / "y.npy")
    max_align = 5  # Bertalign's default; it embeds overlaps of max_align - 1 sentences
    al = Bertalign.__new__(Bertalign)  # skip __init__: it would embed the texts
    al.max_align, al.top_k, al.win, al.skip = max_align, 3, 5, -0.1
    al.margin, al.len_penalty = True, True
    al.src_vecs, al.src_lens = overlap_inputs(x, spec["src"], max_align - 1)
    al.tgt_vecs, al.tgt_lens = overlap_inputs(y, spec["tgt"], max_align - 1)
    al.src_num, al.tgt_num = len(x), len(y)
    al.src_lang = al.tgt_lang = "xx"
    al.char_ratio = float(np.sum(al.src_lens[0]) / np.sum(al.tgt_lens[0]))
    out = sys.stdout
    with contextlib.redirect_stdout(io.StringIO()):  # Bertalign prints as it goes
        t0 = time.perf_counter()
        al.align_sents()  # numba compiles (or loads its cache) on the first call
        print(json.dumps({"warmup": time.perf_counter() - t0}), file=out, flush=True)
        for _ in sys.stdin:
            t0 = time.perf_counter()
            al.align_sents()
            seconds = time.perf_counter() - t0
            print(json.dumps({"seconds": seconds, "beads": len(al.result)}), file=out, flush=True)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "bertalign-dp":
        _bertalign_dp_main(Path(sys.argv[2]))
    else:
        sys.exit("usage: python bench/peers.py bertalign-dp DIR  (in the peers venv)")
