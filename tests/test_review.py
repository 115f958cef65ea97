"""egiz review without a browser: the edit operations, the store's history, and the HTTP API
(Starlette's test client) on the seed article aligned with the trigram encoder."""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from egiz.alignment import Bead, Sentence, check_beads
from egiz.corpus import Store, export_corpus
from egiz.corpus.mine import measure_bead
from egiz.corpus.store import BeadRecord
from egiz.errors import EgizError
from egiz.review import (
    EditConflict,
    EditRejected,
    apply_edit,
    create_app,
    load_files,
    undo_edit,
)
from egiz.review.edits import PairText

KK = [
    "Жиын Алматы және Мәскеу облыстарының кәсіпкерлеріне арналған бизнес-форум қарсаңында өтті.",
    "Кездесуге Дәурен Абаев та қатысты.",
    "Өңірде 72 индустриялық парк бар.",
    "Бүгінгі форум осы бағыттағы нақты қадамдардың бірі.",
]
RU = [
    "Встреча прошла накануне бизнес-форума.",
    "Предпринимателей было много.",
    "На ней присутствовал Даурен Абаев.",
    "В регионе 72 индустриальных парка.",
    "Сегодняшний форум — один из конкретных шагов.",
]
TEXT = PairText([Sentence(t) for t in KK], [Sentence(t) for t in RU], "kk", "ru")


def _beads(spec: list[tuple[tuple[int, ...], tuple[int, ...]]]) -> list[BeadRecord]:
    """Aligner beads (score 0.95) over TEXT."""
    return [
        measure_bead(
            k,
            s,
            t,
            0.95 if s and t else 0.0,
            " ".join(KK[i] for i in s),
            " ".join(RU[j] for j in t),
            "kk",
            "ru",
        )
        for k, (s, t) in enumerate(spec)
    ]


# kk0~ru0+ru1 (1-2), kk1~ru2, kk2~ru3, kk3 alone, ru4 alone
START = _beads([((0,), (0, 1)), ((1,), (2,)), ((2,), (3,)), ((3,), ()), ((), (4,))])


def _shape(beads: list[BeadRecord]) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    check_beads([Bead(b.src_ids, b.tgt_ids) for b in beads], len(KK), len(RU))
    return [(b.src_ids, b.tgt_ids) for b in beads]


# ---------------------------------------------------------------------- pure edit operations


def test_link_two_lone_sentences_makes_a_hand_made_bead() -> None:
    beads, before, after = apply_edit(START, "link", {"src": [3], "tgt": [4]}, TEXT)
    assert _shape(beads) == [((0,), (0, 1)), ((1,), (2,)), ((2,), (3,)), ((3,), (4,))]
    assert beads[-1].origin == "review" and beads[-1].src_text == KK[3]
    assert [d["src_ids"] for d in before] == [[3], []]
    assert [(d["src_ids"], d["tgt_ids"]) for d in after] == [([3], [4])]


def test_unlink_leaves_every_sentence_in_its_own_bead() -> None:
    beads, _, after = apply_edit(START, "unlink", {"src": [1], "tgt": [2]}, TEXT)
    assert _shape(beads)[1:3] == [((1,), ()), ((), (2,))]
    assert len(after) == 2


def test_an_unlinked_pair_stays_where_it_was() -> None:
    beads = _beads([((), (0,)), ((0,), (1,)), ((1, 2, 3), (2, 3, 4))])
    unlinked, _, _ = apply_edit(beads, "unlink", {"src": [0], "tgt": [1]}, TEXT)
    # not kk 0 first (the plain order), but after ru 0, which came before it
    assert [(b.src_ids, b.tgt_ids) for b in unlinked[:3]] == [((), (0,)), ((0,), ()), ((), (1,))]


def test_taking_one_sentence_out_of_a_merge_keeps_the_rest_linked() -> None:
    beads, _, _ = apply_edit(START, "unlink", {"src": [], "tgt": [1]}, TEXT)
    assert _shape(beads)[:2] == [((0,), (0,)), ((), (1,))]
    assert beads[0].origin == "review" and beads[0].score == 0.95  # the aligner's evidence


def test_merge_and_split_are_inverse() -> None:
    merged, _, _ = apply_edit(
        START, "merge", {"beads": [{"src": [1], "tgt": [2]}, {"src": [2], "tgt": [3]}]}, TEXT
    )
    assert _shape(merged)[1] == ((1, 2), (2, 3))
    split, _, _ = apply_edit(
        merged, "split", {"src": [1, 2], "tgt": [2, 3], "at_src": 1, "at_tgt": 1}, TEXT
    )
    assert _shape(split) == _shape(START)


def test_split_at_the_edge_leaves_a_sentence_alone() -> None:
    beads, _, _ = apply_edit(
        START, "split", {"src": [0], "tgt": [0, 1], "at_src": 1, "at_tgt": 1}, TEXT
    )
    assert _shape(beads)[:2] == [((0,), (0,)), ((), (1,))]


def test_crossing_links_are_refused() -> None:
    with pytest.raises(EditRejected, match="would cross"):
        apply_edit(START, "link", {"src": [3], "tgt": [0]}, TEXT)


@pytest.mark.parametrize(
    ("action", "payload", "message"),
    [
        ("link", {"src": [0, 2], "tgt": [0]}, "consecutive"),
        ("link", {"src": [0], "tgt": []}, "each side"),
        ("link", {"src": [9], "tgt": [0]}, "does not exist"),
        ("link", {"src": ["0"], "tgt": [0]}, "list of sentence numbers"),
        ("merge", {"beads": [{"src": [1], "tgt": [2]}]}, "at least two"),
        ("split", {"src": [1], "tgt": [2], "at_src": 0, "at_tgt": 0}, "each side of the cut"),
        ("bad", {"src": [3], "tgt": []}, "only a linked bead"),
        ("explode", {}, "unknown action"),
    ],
)
def test_malformed_edits_are_rejected(action: str, payload: dict, message: str) -> None:
    with pytest.raises(EditRejected, match=message):
        apply_edit(START, action, payload, TEXT)


def test_marking_a_bead_that_no_longer_exists_is_a_conflict() -> None:
    with pytest.raises(EditConflict, match="no bead 2 / 4"):
        apply_edit(START, "bad", {"src": [1], "tgt": [3]}, TEXT)


def test_undo_restores_the_aligner_bead_and_refuses_over_a_later_edit() -> None:
    unlinked, before, after = apply_edit(START, "unlink", {"src": [1], "tgt": [2]}, TEXT)
    restored, _, _ = undo_edit(unlinked, before, after, TEXT)
    assert restored == START  # origin, score and measures exactly as the aligner left them
    relinked, _, _ = apply_edit(unlinked, "link", {"src": [1], "tgt": [2]}, TEXT)
    with pytest.raises(EditConflict, match="edited again"):
        undo_edit(relinked, before, after, TEXT)


_EDITS = st.lists(
    st.tuples(
        st.sampled_from(["link", "unlink", "merge", "split", "bad"]),
        st.integers(0, 8),
        st.integers(0, 8),
        st.integers(1, 3),
    ),
    max_size=12,
)


@settings(max_examples=150, deadline=None)
@given(_EDITS)
def test_no_edit_sequence_ever_loses_or_doubles_a_sentence(edits: list) -> None:
    beads = list(START)
    for action, a, b, width in edits:
        k = a % len(beads)
        bead = beads[k]
        payload: dict
        if action == "link":
            payload = {
                "src": list(range(a % 4, min(4, a % 4 + width))),
                "tgt": [b % 5],
            }
        elif action == "merge":
            nxt = beads[(k + 1) % len(beads)]
            payload = {"beads": [_ref(bead), _ref(nxt)]}
        elif action == "split":
            payload = {**_ref(bead), "at_src": min(1, len(bead.src_ids)), "at_tgt": 1}
        else:
            payload = _ref(bead)
        try:
            beads, _, _ = apply_edit(beads, action, payload, TEXT)
        except (EditRejected, EditConflict):
            continue
        _shape(beads)  # raises unless every sentence is in exactly one bead, in order


def _ref(b: BeadRecord) -> dict:
    return {"src": list(b.src_ids), "tgt": list(b.tgt_ids)}


# ---------------------------------------------------------------------- store and API


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory: pytest.TempPathFactory, seeds: tuple[Path, Path]) -> Path:
    """The seeds aligned into a review store once (trigram encoder); tests copy it."""
    folder = tmp_path_factory.mktemp("review-store")
    path = folder / "seeds.db"
    load_files(*seeds, path, encoder="trigram")
    return path


@pytest.fixture()
def store_path(seed_store: Path, tmp_path: Path) -> Path:
    path = tmp_path / "review.db"
    shutil.copy(seed_store, path)
    return path


@pytest.fixture()
def client(store_path: Path) -> TestClient:
    with TestClient(create_app(store_path), base_url="http://127.0.0.1") as c:
        yield c


def _pair(client: TestClient) -> dict:
    """The pair view with every bead (the page asks for windows; the seed pair fits in one)."""
    view = client.get("/api/pairs/1").json()
    assert len(view["window"]) == view["beads"] == len(view["outline"]["flags"])
    view["beads"] = view.pop("window")
    return view


def _text(view: dict, side: str, i: int) -> str:
    key = "st" if side == "src" else "tt"
    bead = next(b for b in view["beads"] if i in b[side])
    return bead[key][bead[side].index(i)]


def _first_link(view: dict) -> dict:
    return next(b for b in view["beads"] if b["src"] and b["tgt"])


def _post(client: TestClient, path: str, view: dict, **body: object):
    return client.post(
        f"/api/pairs/1/{path}", json={"generation": view["generation"], "client": "t", **body}
    )


def _exported(store_path: Path, tmp_path: Path) -> str:
    out = tmp_path / "corpus.tsv"
    export_corpus(store_path, out, "tsv")
    return out.read_text(encoding="utf-8")


def test_seed_pair_view_holds_every_sentence_once(client: TestClient) -> None:
    view = _pair(client)
    src = sorted(i for b in view["beads"] for i in b["src"])
    tgt = sorted(j for b in view["beads"] for j in b["tgt"])
    assert src == list(range(17)) and tgt == list(range(26))
    listed = client.get("/api/pairs").json()["pairs"]
    assert listed[0]["id"] == 1 and listed[0]["beads"] == len(view["beads"])
    assert listed[0]["coverage_src"] == pytest.approx(view["coverage_src"])
    assert listed[0]["coverage_tgt"] == pytest.approx(view["coverage_tgt"])


def test_unlink_relink_and_undo_are_saved_with_history_and_exported(
    client: TestClient, store_path: Path, tmp_path: Path
) -> None:
    view = _pair(client)
    link = _first_link(view)
    kk_text = _text(view, "src", link["src"][0])
    assert kk_text in _exported(store_path, tmp_path)

    res = _post(client, "edit", view, action="unlink", src=link["src"], tgt=link["tgt"])
    assert res.status_code == 200, res.text
    unlink_id = res.json()["edit"]
    change = res.json()["change"]  # the two beads the unlink wrote, and where
    assert [(b["src"], b["tgt"]) for b in change["beads"]] == [(link["src"], []), ([], link["tgt"])]
    assert change["removed"] == 1 and change["start"] == link["k"]
    assert kk_text not in _exported(store_path, tmp_path)  # the corpus follows the correction

    res = _post(client, "edit", view, action="link", src=link["src"], tgt=link["tgt"])
    relinked = next(b for b in _pair(client)["beads"] if b["src"] == link["src"])
    assert (relinked["tgt"], relinked["origin"]) == (link["tgt"], "review")
    assert res.json()["change"]["beads"] == [relinked]
    assert kk_text in _exported(store_path, tmp_path)

    # undoing the unlink now would overwrite the re-link: refused, nothing written
    res = _post(client, "undo", view, edit=unlink_id)
    assert res.status_code == 409 and "edited again" in res.json()["error"]
    history = client.get("/api/pairs/1/history").json()["edits"]
    assert [e["action"] for e in history] == ["unlink", "link"]
    assert history[0]["before"][0]["origin"] == "aligner"


def test_mark_bad_keeps_the_bead_out_of_the_corpus(
    client: TestClient, store_path: Path, tmp_path: Path
) -> None:
    view = _pair(client)
    link = _first_link(view)
    kk_text = _text(view, "src", link["src"][0])
    res = _post(client, "edit", view, action="bad", src=link["src"], tgt=link["tgt"])
    assert res.status_code == 200
    assert res.json()["change"]["beads"][0]["bad"] is True
    assert kk_text not in _exported(store_path, tmp_path)
    res = _post(client, "undo", view, edit=res.json()["edit"])
    assert res.status_code == 200
    assert kk_text in _exported(store_path, tmp_path)


def test_two_tabs_edit_different_beads_and_both_corrections_survive(client: TestClient) -> None:
    stale = _pair(client)  # both tabs loaded this
    links = [b for b in stale["beads"] if b["src"] and b["tgt"]]
    a, b = links[0], links[1]
    assert _post(client, "edit", stale, action="unlink", src=a["src"], tgt=a["tgt"]).is_success
    res = _post(client, "edit", stale, action="bad", src=b["src"], tgt=b["tgt"])  # other tab
    assert res.status_code == 200
    now = _pair(client)
    assert not any(x["src"] == a["src"] and x["tgt"] for x in now["beads"])  # tab 1 kept
    assert next(x for x in now["beads"] if x["src"] == b["src"])["bad"]  # tab 2 saved
    # both edit the same bead: the last write wins, the history has both
    _post(client, "edit", stale, action="bad", src=b["src"], tgt=b["tgt"])
    res = _post(client, "edit", stale, action="good", src=b["src"], tgt=b["tgt"])
    assert not next(x for x in _pair(client)["beads"] if x["src"] == b["src"])["bad"]
    actions = [e["action"] for e in client.get("/api/pairs/1/history").json()["edits"]]
    assert actions == ["unlink", "bad", "bad", "good"]
    assert res.json()["revision"] == 4


def test_accept_pair_is_recorded(client: TestClient) -> None:
    view = _pair(client)
    res = _post(client, "accept", view, reviewed=True)
    assert res.json()["reviewed"] is True
    assert client.get("/api/pairs").json()["pairs"][0]["reviewed"] is True
    assert client.get("/api/pairs/1/history").json()["edits"][-1]["action"] == "accept"


def test_a_pair_realigned_since_the_page_loaded_is_a_conflict(
    client: TestClient, store_path: Path
) -> None:
    view = _pair(client)
    link = _first_link(view)
    res = client.post(
        "/api/pairs/1/edit",
        json={"generation": "loaded-long-ago", "action": "unlink", "src": link["src"],
              "tgt": link["tgt"]},
    )  # fmt: skip
    assert res.status_code == 409 and "changed on disk" in res.json()["error"]
    with Store(store_path, readonly=True) as store:
        assert store.query("SELECT COUNT(*) FROM edits")[0][0] == 0


def test_a_reviewed_file_changed_on_disk_makes_edits_a_conflict(
    tmp_path: Path, seeds: tuple[Path, Path]
) -> None:
    kk, ru = tmp_path / "kk.txt", tmp_path / "ru.txt"
    shutil.copy(seeds[0], kk)
    shutil.copy(seeds[1], ru)
    store = tmp_path / "r.db"
    pair, watched = load_files(kk, ru, store, encoder="trigram")
    with TestClient(create_app(store, watched=watched), base_url="http://127.0.0.1") as c:
        view = c.get(f"/api/pairs/{pair}").json()
        first = _first_link({"beads": view["window"]})
        link = {"src": first["src"], "tgt": first["tgt"]}
        kk.write_text(kk.read_text(encoding="utf-8") + "\nЖаңа сөйлем.", encoding="utf-8")
        res = c.post(
            f"/api/pairs/{pair}/edit",
            json={"generation": view["generation"], "action": "unlink", **link},
        )
        assert res.status_code == 409
        assert "kk.txt changed on disk" in res.json()["error"]
        assert c.get(f"/api/pairs/{pair}/revision").json()["stale"]


@pytest.mark.parametrize(
    ("body", "headers", "status", "message"),
    [
        (b"{not json", {"content-type": "application/json"}, 400, "not valid JSON"),
        (b"[1, 2]", {"content-type": "application/json"}, 422, "JSON object"),
        (b"action=unlink", {"content-type": "application/x-www-form-urlencoded"}, 415, "json"),
        (b'{"action": "unlink"}', {}, 415, "json"),
    ],
)
def test_malformed_requests_get_4xx_with_a_message(
    client: TestClient, body: bytes, headers: dict, status: int, message: str
) -> None:
    res = client.post("/api/pairs/1/edit", content=body, headers=headers)
    assert res.status_code == status
    assert message in res.json()["error"]


def test_bad_edit_fields_and_unknown_things_get_4xx(client: TestClient) -> None:
    view = _pair(client)
    assert _post(client, "edit", view, action=7).status_code == 422
    res = _post(client, "edit", view, action="link", src=[0], tgt=[999])
    assert res.status_code == 422 and "does not exist" in res.json()["error"]
    assert _post(client, "undo", view, edit="x").status_code == 422
    assert _post(client, "undo", view, edit=12345).status_code == 404
    assert _post(client, "accept", view, reviewed="yes").status_code == 422
    assert client.get("/api/pairs/99").status_code == 404
    assert client.put("/api/pairs/1/edit", json={}).status_code == 405
    assert client.get("/api/pairs/one").status_code == 404


@pytest.mark.parametrize(
    "path", ["/static/../pyproject.toml", "/static/%2e%2e/%2e%2e/review.db", "/review.db",
             "/static/app.js/../../store.db", "/..%2f..%2fetc/passwd"],
)  # fmt: skip
def test_request_paths_cannot_reach_files(client: TestClient, path: str) -> None:
    res = client.get(path)
    assert res.status_code == 404
    assert b"SQLite" not in res.content


def test_page_and_assets_are_local_with_a_strict_policy(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert "http" not in page.text.replace("http-equiv", "")  # no CDN, no remote asset
    assert client.get("/static/app.js").status_code == 200
    assert client.get("/static/app.css").status_code == 200


def test_foreign_host_names_are_refused(client: TestClient) -> None:
    assert client.get("/api/pairs", headers={"host": "attacker.example"}).status_code == 400


def test_token_is_required_when_set(store_path: Path) -> None:
    app = create_app(store_path, token="s3cret", allowed_hosts=None)
    with TestClient(app, base_url="http://10.0.0.5") as c:
        assert c.get("/api/pairs").status_code == 401
        assert c.get("/?token=wrong").status_code == 401
        first = c.get("/?token=s3cret", follow_redirects=False)
        assert first.status_code == 303 and "egiz_token" in first.headers["set-cookie"]
        c.cookies.set("egiz_token", "s3cret")
        assert c.get("/api/pairs").status_code == 200
    with TestClient(app, base_url="http://10.0.0.5") as c:
        assert c.get("/api/pairs", headers={"x-egiz-token": "s3cret"}).status_code == 200


def test_load_files_reuses_replaces_or_refuses(tmp_path: Path, seeds: tuple[Path, Path]) -> None:
    kk, ru = tmp_path / "kk.txt", tmp_path / "ru.txt"
    shutil.copy(seeds[0], kk)
    shutil.copy(seeds[1], ru)
    store = tmp_path / "r.db"
    first, _ = load_files(kk, ru, store, encoder="trigram")
    assert load_files(kk, ru, store, encoder="trigram")[0] == first  # the same pair, reused
    kk.write_text(kk.read_text(encoding="utf-8") + "\nЖаңа сөйлем.", encoding="utf-8")
    second, _ = load_files(kk, ru, store, encoder="trigram")  # nothing corrected: replaced
    with Store(store) as s:
        assert [r[0] for r in s.query("SELECT id FROM doc_pairs")] == [second]
        assert len(s.pair_sentences(second)[0]) == 18
        beads = s.pair_beads(second)
        link = next(b for b in beads if not b.is_omission)
        s.edit_pair(second, lambda cur: (cur, [], []), lambda b: None, client="t", action="noop")
    assert link is not None
    kk.write_text(kk.read_text(encoding="utf-8") + "\nТағы бір сөйлем.", encoding="utf-8")
    with pytest.raises(EgizError, match="1 corrections"):
        load_files(kk, ru, store, encoder="trigram")


def test_saved_pages_are_reviewed_as_their_articles(tmp_path: Path) -> None:
    """Two saved pages are read as `egiz align` reads them: title and article, no site menus."""
    pages = Path(__file__).parent / "fixtures" / "collection" / "pages"
    store = tmp_path / "r.db"
    pair, watched = load_files(
        pages / "kk-school.html", pages / "ru-school.html", store, encoder="trigram"
    )
    with Store(store) as s:
        src, tgt = s.pair_sentences(pair)
    assert src[0].text == "Астанада 1200 орындық жаңа мектеп ашылды"
    assert tgt[0].text == "В Астане открылась новая школа на 1200 мест"
    assert not any("Басты бет" in x.text or "Главная" in x.text for x in (*src, *tgt))
    assert not any(w.changed() for w in watched)  # hashed as read: an untouched page is unchanged


def test_a_schema_1_store_is_upgraded_and_its_sentences_recovered(store_path: Path) -> None:
    with Store(store_path) as s:
        expected = s.pair_sentences(1)
    conn = sqlite3.connect(store_path)
    conn.executescript(
        "DROP TABLE sentences; DROP TABLE edits; "
        "ALTER TABLE beads DROP COLUMN origin; ALTER TABLE beads DROP COLUMN bad; "
        "ALTER TABLE doc_pairs DROP COLUMN revision; ALTER TABLE doc_pairs DROP COLUMN reviewed; "
        "UPDATE meta SET value = '1' WHERE key = 'schema';"
    )
    conn.close()
    with pytest.raises(EgizError, match="open it once for writing"):
        Store(store_path, readonly=True)
    with Store(store_path) as s:
        assert s.get_meta("schema") == "2"
        assert s.pair_sentences(1) == expected  # split again and checked against the beads
        assert s.pair_alignment(1).src_sentences == expected[0]


def test_review_cli_bad_arguments_are_one_line_errors(tmp_path: Path) -> None:
    for args in ([], ["--store", str(tmp_path / "missing.db")], ["only-one.txt"]):
        res = subprocess.run(
            [sys.executable, "-m", "egiz.cli", "review", *args],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert res.returncode == 2, res.stderr
        lines = res.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("egiz: error:"), res.stderr


def test_history_json_round_trips(client: TestClient) -> None:
    view = _pair(client)
    link = _first_link(view)
    _post(client, "edit", view, action="unlink", src=link["src"], tgt=link["tgt"])
    edit = client.get("/api/pairs/1/history").json()["edits"][0]
    assert json.loads(json.dumps(edit))["before"][0]["src_ids"] == link["src"]


def test_a_hand_made_bead_is_exported_with_its_origin_whatever_min_score(
    client: TestClient, store_path: Path, tmp_path: Path
) -> None:
    view = _pair(client)
    link = _first_link(view)
    res = _post(client, "edit", view, action="unlink", src=link["src"], tgt=link["tgt"])
    res = _post(client, "edit", view, action="link", src=link["src"], tgt=link["tgt"])
    assert res.status_code == 200
    out = tmp_path / "corpus.jsonl"
    export_corpus(store_path, out, "jsonl", min_score=1.5)  # above any probability
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["src_ids"], r["tgt_ids"], r["origin"]) for r in rows] == [
        (link["src"], link["tgt"], "review")
    ]


def _start(args: list[str]) -> tuple[subprocess.Popen[str], str]:
    """`egiz review ARGS` in a subprocess; returns it and the first URL it printed."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "egiz.cli", "review", *args], stderr=subprocess.PIPE, text=True
    )
    assert proc.stderr is not None
    for line in proc.stderr:
        if "http://" in line:
            return proc, line.split("review: ", 1)[1].strip()
    proc.wait(30)
    raise AssertionError(f"egiz review exited with {proc.returncode}")


def test_binding_beyond_loopback_makes_up_a_token(store_path: Path) -> None:
    import urllib.error
    import urllib.request

    proc, url = _start(["--store", str(store_path), "--host", "0.0.0.0", "--port", "0"])
    try:
        assert "?token=" in url
        port = url.split(":")[2].split("/")[0]
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/pairs", timeout=10)
        assert refused.value.code == 401
        token = url.split("?token=")[1].split("#")[0]
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/pairs", headers={"X-Egiz-Token": token}
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert json.loads(answer.read())["pairs"][0]["id"] == 1
    finally:
        proc.terminate()
        proc.wait(20)


def test_a_port_in_use_is_a_one_line_error(store_path: Path) -> None:
    proc, url = _start(["--store", str(store_path), "--port", "0"])
    try:
        port = url.split(":")[2].split("/")[0]
        res = subprocess.run(
            [sys.executable, "-m", "egiz.cli", "review", "--store", str(store_path), "--port",
             port],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert res.returncode == 2
        assert res.stderr.strip().startswith(f"egiz: error: cannot listen on 127.0.0.1:{port}")
        assert len(res.stderr.strip().splitlines()) == 1
    finally:
        proc.terminate()
        proc.wait(20)


# ---------------------------------------------------------------------- scale: windows, outline


def test_windows_outline_and_search_describe_the_same_pair(client: TestClient) -> None:
    view = _pair(client)
    n = view["beads"] if isinstance(view["beads"], int) else len(view["beads"])
    outline = client.get("/api/pairs/1").json()["outline"]
    assert set(outline) == {"flags", "sn", "tn", "sc", "tc"}
    assert all(len(v) == n for v in outline.values())
    for k, b in enumerate(view["beads"]):
        assert int(outline["sn"][k], 36) == len(b["src"]) and int(outline["tn"][k], 36) == len(
            b["tgt"]
        )
        assert outline["flags"][k] == (
            "s" if not b["tgt"] else "t" if not b["src"] else outline["flags"][k]
        )
    part = client.get("/api/pairs/1/beads?start=3&count=4").json()["beads"]
    assert [b["k"] for b in part] == [3, 4, 5, 6] and part == view["beads"][3:7]
    # search either language, case-insensitive, from the focused bead on, wrapping around
    ru = view["beads"][-1]["tt"][0]
    word = max(ru.split(), key=len).strip(".,«»")
    found = client.get(f"/api/pairs/1/search?q={word.upper()}&after=0").json()
    assert found["count"] >= 1 and word in " ".join(view["beads"][found["bead"]]["tt"])
    assert client.get("/api/pairs/1/search?q=zzzzqqq&after=0").json() == {"bead": None, "count": 0}
    assert client.get("/api/pairs/1/search?q=%20&after=0").status_code == 422
    assert client.get("/api/pairs/1/beads?start=x").status_code == 400


def test_an_edit_rewrites_only_the_beads_around_it(client: TestClient, store_path: Path) -> None:
    view = _pair(client)
    link = _first_link(view)
    with Store(store_path, readonly=True) as s:
        before = {r["idx"]: tuple(r) for r in s.query("SELECT * FROM beads WHERE pair = 1")}
    res = _post(client, "edit", view, action="unlink", src=link["src"], tgt=link["tgt"])
    assert res.status_code == 200
    with Store(store_path, readonly=True) as s:
        after = {r["idx"]: tuple(r) for r in s.query("SELECT * FROM beads WHERE pair = 1")}
        notes = s.review_notes(1)
    assert len(set(before) - set(after)) == 1 and len(set(after) - set(before)) == 2
    assert all(after[i] == before[i] for i in set(before) & set(after))  # untouched rows
    again = _pair(client)
    assert [(b["src"], b["tgt"]) for b in again["beads"]] == [
        *[(b["src"], b["tgt"]) for b in view["beads"][: link["k"]]],
        (link["src"], []),
        ([], link["tgt"]),
        *[(b["src"], b["tgt"]) for b in view["beads"][link["k"] + 1 :]],
    ]
    assert all(i in after for i in notes)  # notes follow their beads


def test_a_crossing_link_is_refused_without_asking_for_a_reload(client: TestClient) -> None:
    view = _pair(client)
    links = [b for b in view["beads"] if b["src"] and b["tgt"]]
    res = _post(client, "edit", view, action="link", src=links[-1]["src"], tgt=links[0]["tgt"])
    assert res.status_code == 422 and "would cross" in res.json()["error"]
    assert "reload" not in res.json()
    stale = client.post(
        "/api/pairs/1/edit", json={"generation": "old", "action": "bad", **_first_link(view)}
    )
    assert stale.status_code == 409 and stale.json()["reload"] is True


# ---------------------------------------------------------------------- a hardened server


def test_a_body_over_the_limit_is_refused_before_or_while_it_is_read(client: TestClient) -> None:
    headers = {"content-type": "application/json", "content-length": "1500000000"}
    res = client.post("/api/pairs/1/edit", content=b"{}", headers=headers)
    assert res.status_code == 413 and "too large" in res.json()["error"]

    def chunks():  # no Content-Length: counted as it arrives, cut off after 1 MiB
        for _ in range(64):
            yield b" " * 65536

    res = client.post(
        "/api/pairs/1/edit", content=chunks(), headers={"content-type": "application/json"}
    )
    assert res.status_code == 413


def test_ipv6_loopback_non_ascii_tokens_and_deep_json_are_4xx(store_path: Path) -> None:
    with TestClient(create_app(store_path), base_url="http://[::1]:8000") as c:
        assert c.get("/api/pairs").status_code == 200  # Host: [::1]:8000
        deep = b"[" * 100_000 + b"]" * 100_000
        res = c.post(
            "/api/pairs/1/edit", content=deep, headers={"content-type": "application/json"}
        )
        assert res.status_code == 400 and "not valid JSON" in res.json()["error"]
    app = create_app(store_path, token="s3cret", allowed_hosts=None)
    with TestClient(app, base_url="http://10.0.0.5") as c:
        assert c.get("/api/pairs", headers={"x-egiz-token": "é".encode()}).status_code == 401
        assert c.get("/?token=%C3%A9").status_code == 401
        assert c.get("/?token=%FF%FE").status_code == 401


_PATHS = st.sampled_from(
    ["/", "/api/pairs", "/api/pairs/1", "/api/pairs/1/beads", "/api/pairs/1/search",
     "/api/pairs/1/revision", "/api/pairs/1/history", "/api/pairs/1/edit", "/api/pairs/1/undo",
     "/api/pairs/1/accept", "/api/pairs/99999999999999999999999", "/api/pairs/-1/edit",
     "/static/app.js", "/static/%2e%2e/x", "/%FF", "/api/pairs/1%00"]
)  # fmt: skip
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["action", "src", "tgt", "beads", "edit", "generation", "client",
                         "reviewed", "at_src", "at_tgt"]) | st.text(max_size=5), inner,
        max_size=6),
    max_leaves=20,
)  # fmt: skip
_QUERY_KEYS = st.sampled_from(["at", "start", "count", "q", "after", "back", "token"])
_HEADER_KEYS = st.sampled_from(["x-egiz-token", "cookie", "content-length", "host"])
_HEADER_TEXT = st.binary(max_size=30).filter(lambda b: b"\r" not in b and b"\n" not in b)


@settings(max_examples=300, deadline=None)
@given(
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "HEAD"]),
    path=_PATHS,
    query=st.dictionaries(
        st.sampled_from(["at", "start", "count", "q", "after", "back", "token"]),
        st.text(max_size=12),
        max_size=3,
    ),
    body=_JSON,
    raw=st.one_of(st.none(), st.binary(max_size=64)),
    kind=st.sampled_from(["application/json", "text/plain", "application/json; charset=x", ""]),
    extra=st.dictionaries(
        st.sampled_from(["x-egiz-token", "cookie", "content-length", "host"]),
        _HEADER_TEXT,
        max_size=2,
    ),
    generation=st.booleans(),
)
def test_fuzzed_requests_never_get_a_500_or_a_traceback(
    fuzz_client: TestClient, method: str, path: str, query: dict, body: object,
    raw: bytes | None, kind: str, extra: dict, generation: bool,
) -> None:  # fmt: skip
    if generation and isinstance(body, dict):
        body["generation"] = fuzz_client.generation  # type: ignore[attr-defined]
    content = raw if raw is not None else json.dumps(body).encode()
    headers = {"content-type": kind, **extra}
    try:
        res = fuzz_client.request(method, path, params=query, content=content, headers=headers)
    except (ValueError, UnicodeError):  # a request the HTTP client itself cannot send
        return
    assert res.status_code < 500, (res.status_code, res.text)
    assert b"Traceback" not in res.content
    if res.status_code >= 400 and method != "HEAD":
        message = res.json()["error"]
        assert message and "\n" not in message


@pytest.fixture(scope="module")
def fuzz_client(seed_store: Path, tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.db"
    shutil.copy(seed_store, path)
    with TestClient(create_app(path), base_url="http://127.0.0.1") as c:
        c.generation = c.get("/api/pairs/1").json()["generation"]  # type: ignore[attr-defined]
        yield c


# ---------------------------------------------------------------------- read-only stores


def test_a_read_only_store_is_viewed_exported_and_diffed_with_edits_off(
    store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    ro = folder / "review.db"
    with Store(store_path) as s:  # checkpoint the WAL: the copy is the whole store
        s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(store_path, ro)
    ro.chmod(0o444)
    folder.chmod(0o555)
    real_access = os.access

    def access(path: object, mode: int) -> bool:  # root may write anything: act as a user
        if mode & os.W_OK and str(path).startswith(str(folder)):
            return False
        return real_access(path, mode)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "access", access)
    try:
        with TestClient(create_app(ro), base_url="http://127.0.0.1") as c:
            view = c.get("/api/pairs/1").json()
            assert "read-only" in view["readonly"] and view["window"]
            link = _first_link({"beads": view["window"]})
            res = c.post("/api/pairs/1/edit", json={"generation": view["generation"],
                         "action": "unlink", "src": link["src"], "tgt": link["tgt"]})  # fmt: skip
            assert res.status_code == 403 and "edits are off" in res.json()["error"]
        out = tmp_path / "out.tsv"
        assert export_corpus(ro, out, "tsv") > 0
        res = subprocess.run(
            [sys.executable, "-m", "egiz.cli", "diff", "--store", str(ro), "--format", "json"],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert res.returncode == 0, res.stderr
        assert json.loads(res.stdout)["pairs"][0]["pair"] == 1
    finally:
        folder.chmod(0o755)
        ro.chmod(0o644)


def test_wildcard_host_prints_a_url_other_machines_can_open(store_path: Path) -> None:
    proc, url = _start(["--store", str(store_path), "--host", "0.0.0.0", "--port", "0"])
    try:
        assert "0.0.0.0" not in url and "?token=" in url
        assert url.startswith(f"http://{socket.gethostname()}:")
    finally:
        proc.terminate()
        proc.wait(20)


def test_a_long_pair_opens_at_once_and_gets_its_notes_in_the_background(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    from egiz.review import pairview

    monkeypatch.setattr(pairview, "BACKGROUND_NOTES_FROM", 5)  # the seed pair counts as long
    with TestClient(create_app(store_path), base_url="http://127.0.0.1") as c:
        first = c.get("/api/pairs/1").json()
        notes_now = [b["notes"] for b in first["window"]]
        assert any(notes_now)  # the window's notes, computed for the page meanwhile
        for _ in range(600):
            if c.get("/api/pairs/1/revision").json()["notes_ready"]:
                break
            time.sleep(0.1)
        view = c.get("/api/pairs/1").json()
        assert view["notes_ready"] and [b["notes"] for b in view["window"]] == notes_now
        assert set(view["outline"]["flags"]) & {"m", "n"}  # the outline has them now
    with Store(store_path, readonly=True) as s:
        assert s.review_notes(1)
