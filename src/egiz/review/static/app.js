// egiz review: the pair list and the pair view over the JSON API of egiz/review/server.py.
// Plain JavaScript, no build step and no network assets: the page must work offline.
"use strict";
(() => {
  const $ = (sel, el = document) => el.querySelector(sel);
  const app = $("#app");
  const clientId = sessionStorage.getItem("egiz-client") ||
    (crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2));
  sessionStorage.setItem("egiz-client", clientId);
  const POLL_MS = 4000;
  const LIST_PAGE = 500; // rows of the pair list drawn at a time: a big corpus has 100k pairs

  // Per tab: what "undo" takes back, per pair (the server's history keeps everything).
  const undoStacks = new Map();
  let state = { kind: "none" };

  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => (
    { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  const pct = (x) => (x == null ? "–" : `${(100 * x).toFixed(1)}%`);

  async function api(path, body) {
    const opts = body === undefined ? {} : {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    };
    let res;
    try {
      res = await fetch(path, opts);
    } catch (err) {
      throw new Error("the egiz review server does not answer (was it stopped?)");
    }
    let data = null;
    try { data = await res.json(); } catch (err) { data = null; }
    if (!res.ok) {
      const error = new Error((data && data.error) || `HTTP ${res.status}`);
      error.status = res.status;
      throw error;
    }
    return data;
  }

  function showAlert(message, withReload) {
    const box = $("#alert");
    box.textContent = message;
    if (withReload) {
      const b = document.createElement("button");
      b.textContent = "Reload";
      b.addEventListener("click", () => { clearAlert(); route(); });
      box.append(b);
    }
    box.hidden = false;
  }
  function clearAlert() { $("#alert").hidden = true; $("#alert").textContent = ""; }
  function flash(message) {
    const el = $("#saved");
    el.textContent = message;
    clearTimeout(flash.timer);
    flash.timer = setTimeout(() => { el.textContent = ""; }, 4000);
  }
  function fail(err) { showAlert(err.message, err.status === 409); }

  // ------------------------------------------------------------------ routing
  async function route() {
    const m = location.hash.match(/^#\/pair\/(\d+)/);
    document.body.dataset.ready = "0";
    try {
      if (m) await openPair(Number(m[1]));
      else await openList();
    } catch (err) {
      app.innerHTML = `<p class="empty">${esc(err.message)}</p>`;
      fail(err);
    }
    document.body.dataset.ready = "1";
  }

  // ------------------------------------------------------------------ pair list
  const SORTS = {
    worst: (a, b) => Math.min(a.coverage_src, a.coverage_tgt) - Math.min(b.coverage_src, b.coverage_tgt) || a.id - b.id,
    id: (a, b) => a.id - b.id,
    score: (a, b) => (a.score ?? 0) - (b.score ?? 0) || a.id - b.id,
    edits: (a, b) => b.edits - a.edits || a.id - b.id,
  };

  async function openList() {
    const data = await api("/api/pairs");
    state = { kind: "list", data, sort: state.sort || "worst", filter: state.filter || "", focus: 0, shown: LIST_PAGE };
    $("#where").textContent = `${data.store}: ${data.pairs.length} pairs`;
    renderList();
  }

  function visiblePairs() {
    const q = state.filter.trim().toLowerCase();
    return state.data.pairs
      .filter((p) => !q || `${p.src_id} ${p.tgt_id} ${p.src_title} ${p.tgt_title}`.toLowerCase().includes(q))
      .sort(SORTS[state.sort]);
  }

  function renderList() {
    const { src_lang: sl, tgt_lang: tl } = state.data;
    const pairs = visiblePairs();
    const bar = (x) => `<meter min="0" max="1" low="0.8" optimum="1" value="${x}"></meter> ${pct(x)}`;
    const head = (key, label) => `<th data-sort="${key}" title="sort">${label}${state.sort === key ? " ▾" : ""}</th>`;
    const rows = pairs.slice(0, state.shown).map((p, k) => `
      <tr class="row${k === state.focus ? " focus" : ""}" data-id="${p.id}">
        <td class="num">${p.id}</td>
        <td>${esc(p.src_title || p.src_id)}<br><small>${esc(p.src_id)}</small></td>
        <td>${esc(p.tgt_title || p.tgt_id)}<br><small>${esc(p.tgt_id)}</small></td>
        <td class="num">${p.beads}</td>
        <td>${bar(p.coverage_src)}</td><td>${bar(p.coverage_tgt)}</td>
        <td class="num">${p.score == null ? "–" : p.score.toFixed(3)}</td>
        <td class="num">${p.edits}</td>
        <td>${p.reviewed ? '<span class="ok">✓ accepted</span>' : ""}</td>
      </tr>`).join("");
    app.innerHTML = `
      <div class="filter"><input id="q" type="search" placeholder="filter by document id or title"
        value="${esc(state.filter)}" aria-label="filter"> <small>${pairs.length} shown · sorted
        ${state.sort === "worst" ? "worst coverage first" : "by " + state.sort}</small></div>
      <table class="pairs"><thead><tr>
        ${head("id", "#")}<th>${esc(sl)}</th><th>${esc(tl)}</th><th>beads</th>
        ${head("worst", "coverage " + esc(sl))}${head("worst", "coverage " + esc(tl))}
        ${head("score", "mean score")}${head("edits", "edits")}<th>status</th>
      </tr></thead><tbody>${rows || '<tr><td colspan="9" class="empty">no aligned pairs</td></tr>'}</tbody></table>
      ${pairs.length > state.shown ? `<p><button id="more">Show ${Math.min(LIST_PAGE, pairs.length - state.shown)} more (${pairs.length - state.shown} not shown)</button></p>` : ""}`;
    const input = $("#q");
    input.addEventListener("input", () => {
      state.filter = input.value; state.focus = 0;
      const pos = input.selectionStart;
      renderList();
      const again = $("#q"); again.focus(); again.setSelectionRange(pos, pos);
    });
  }

  // ------------------------------------------------------------------ pair view
  async function openPair(id, keep) {
    const data = await api(`/api/pairs/${id}`);
    const previous = state.kind === "pair" && state.id === id ? state : null;
    state = {
      kind: "pair", id, data,
      focus: keep && previous ? previous.focus : 0,
      sel: keep && previous ? previous.sel : new Set(),
      busy: false,
    };
    if (!undoStacks.has(id)) undoStacks.set(id, []);
    $("#where").textContent = `${data.src_id} ↔ ${data.tgt_id}`;
    if (data.stale) showAlert(data.stale, false);
    renderPair();
  }

  function beadClass(b, k, d) {
    const cls = ["bead"];
    if (!b.src.length || !b.tgt.length) cls.push("only");
    else if (b.src.length === 1 && b.tgt.length === 1) cls.push("one");
    else cls.push("many");
    if (b.bad) cls.push("bad");
    else if (b.src.length && b.tgt.length && b.origin !== "review" && b.score < d.paraphrase_below) cls.push("low");
    const starts = (ids, sents) => ids.length && ids[0] > 0 && sents[ids[0]].paragraph !== sents[ids[0] - 1].paragraph;
    if (k > 0 && (starts(b.src, d.src) || starts(b.tgt, d.tgt))) cls.push("para");
    if (k === state.focus) cls.push("focus");
    return cls.join(" ");
  }

  function sideHtml(side, ids, sents) {
    if (!ids.length) return `<div class="side empty"></div>`;
    const spans = ids.map((i) => {
      const sel = state.sel.has(`${side}:${i}`) ? " sel" : "";
      return `<span class="s${sel}" data-side="${side}" data-i="${i}"><span class="n">${i + 1}</span>${esc(sents[i].text)}</span>`;
    }).join("");
    return `<div class="side ${side}" lang="${side === "src" ? esc(state.data.src_lang) : esc(state.data.tgt_lang)}">${spans}</div>`;
  }

  function gutterHtml(b, k, d) {
    const linked = b.src.length && b.tgt.length;
    let score;
    if (!linked) score = `<span class="tag">only ${esc(b.src.length ? d.src_lang : d.tgt_lang)}</span>`;
    else if (b.origin === "review") score = '<span class="tag hand" title="linked by hand">by hand</span>';
    else score = `<span class="score${b.score < d.paraphrase_below ? " low" : ""}" title="alignment score">${b.score.toFixed(3)}</span>`;
    const notes = b.notes.map((n) => `<span class="tag note">${esc(n)}</span>`).join("");
    const acts = [];
    if (linked) acts.push(`<button data-act="unlink" title="Unlink (U)" aria-label="unlink bead ${k + 1}">✂</button>`);
    if (k + 1 < d.beads.length) acts.push(`<button data-act="merge" title="Merge with the next bead (M)" aria-label="merge bead ${k + 1} with the next">⊕</button>`);
    if (b.src.length + b.tgt.length > 2 && linked) acts.push(`<button data-act="split" title="Split (S)" aria-label="split bead ${k + 1}">⇹</button>`);
    if (linked) acts.push(`<button data-act="bad" title="${b.bad ? "Mark good" : "Mark bad"} (B)" aria-label="mark bead ${k + 1} ${b.bad ? "good" : "bad"}">⚑</button>`);
    return `<div class="gut"><span class="kind">${b.src.length}–${b.tgt.length}</span>${score}${notes}<span class="acts">${acts.join("")}</span></div>`;
  }

  function renderPair() {
    const t0 = performance.now();
    const d = state.data;
    const counts = { linked: 0, src: 0, tgt: 0, hand: 0, bad: 0 };
    for (const b of d.beads) {
      if (b.src.length && b.tgt.length) counts.linked++;
      else if (b.src.length) counts.src++;
      else counts.tgt++;
      if (b.origin === "review") counts.hand++;
      if (b.bad) counts.bad++;
    }
    const rows = d.beads.map((b, k) => `<div class="${beadClass(b, k, d)}" data-k="${k}">${sideHtml("src", b.src, d.src)}${gutterHtml(b, k, d)}${sideHtml("tgt", b.tgt, d.tgt)}</div>`).join("");
    const undoCount = undoStacks.get(state.id).length;
    app.innerHTML = `
      <div class="pairhead">
        <h1>${esc(d.src_title || d.src_id)} ↔ ${esc(d.tgt_title || d.tgt_id)}</h1>
        <span>coverage ${esc(d.src_lang)} <span class="figure" id="cov-src">${pct(d.coverage_src)}</span></span>
        <span>coverage ${esc(d.tgt_lang)} <span class="figure" id="cov-tgt">${pct(d.coverage_tgt)}</span></span>
        <span>${counts.linked} linked · ${counts.src} only ${esc(d.src_lang)} · ${counts.tgt} only ${esc(d.tgt_lang)} · ${counts.hand} by hand · ${counts.bad} bad</span>
        <span id="status">${d.reviewed ? '<span class="ok">✓ accepted</span>' : "not accepted yet"}</span>
      </div>
      <div class="toolbar" role="toolbar" aria-label="actions">
        <button data-tool="link" class="primary" title="Link the selected sentences (L)">Link selected</button>
        <button data-tool="unlink" title="Unlink the selection or the bead (U)">Unlink</button>
        <button data-tool="merge" title="Merge the bead with the next (M)">Merge ↓</button>
        <button data-tool="split" title="Split the bead (S)">Split</button>
        <button data-tool="bad" title="Mark the bead bad / good (B)">Bad</button>
        <span class="sep"></span>
        <span id="selinfo">${state.sel.size ? `${state.sel.size} selected` : ""}</span>
        <button data-tool="undo" title="Undo your last change (Z)"${undoCount ? "" : " disabled"}>Undo</button>
        <button data-tool="accept" title="Accept the pair (A)">${d.reviewed ? "Unaccept" : "Accept pair"}</button>
        <button data-tool="history" title="Every saved change (H)">History</button>
        <button data-tool="help" title="Keyboard shortcuts (?)">?</button>
      </div>
      <div class="legend"><span class="one">1–1</span><span class="many">merge (n–m)</span>
        <span class="only">one side only</span><span class="low">score below ${d.paraphrase_below}: paraphrase?</span>
        <span class="bad">marked bad</span></div>
      <div class="colhead"><div>${esc(d.src_lang)} · ${esc(d.src_id)}</div><div></div><div>${esc(d.tgt_lang)} · ${esc(d.tgt_id)}</div></div>
      <div id="beads">${rows}</div>`;
    app.dataset.renderMs = (performance.now() - t0).toFixed(1);
  }

  function setFocus(k, scroll = true) {
    const n = state.data.beads.length;
    if (!n) return;
    k = Math.max(0, Math.min(n - 1, k));
    const old = app.querySelector(".bead.focus");
    if (old) old.classList.remove("focus");
    state.focus = k;
    const el = app.querySelector(`.bead[data-k="${k}"]`);
    if (el) {
      el.classList.add("focus");
      if (scroll) el.scrollIntoView({ block: "nearest" });
    }
  }

  function beadIndexOf(side, i) {
    return state.data.beads.findIndex((b) => b[side].includes(i));
  }

  function toggleSentence(side, i) {
    const key = `${side}:${i}`;
    if (state.sel.has(key)) state.sel.delete(key); else state.sel.add(key);
    const el = app.querySelector(`.s[data-side="${side}"][data-i="${i}"]`);
    if (el) el.classList.toggle("sel", state.sel.has(key));
    $("#selinfo").textContent = state.sel.size ? `${state.sel.size} selected` : "";
  }

  function selectBead(k) {
    const b = state.data.beads[k];
    const keys = [...b.src.map((i) => `src:${i}`), ...b.tgt.map((j) => `tgt:${j}`)];
    const all = keys.every((key) => state.sel.has(key));
    for (const key of keys) {
      if (all === state.sel.has(key)) {
        const [side, i] = key.split(":");
        toggleSentence(side, Number(i));
      }
    }
  }

  function selection() {
    const src = [], tgt = [];
    for (const key of state.sel) {
      const [side, i] = key.split(":");
      (side === "src" ? src : tgt).push(Number(i));
    }
    src.sort((a, b) => a - b); tgt.sort((a, b) => a - b);
    return { src, tgt };
  }

  async function send(path, body, label, undoEntry) {
    if (state.busy) return;
    state.busy = true;
    const id = state.id;
    try {
      const res = await api(`/api/pairs/${id}/${path}`, { generation: state.data.generation, client: clientId, ...body });
      if (state.kind !== "pair" || state.id !== id) return;
      if (undoEntry) undoStacks.get(id).push(undoEntry(res));
      const anchor = body.src && body.src.length ? ["src", body.src[0]] : body.tgt && body.tgt.length ? ["tgt", body.tgt[0]] : null;
      state.data = res;
      state.sel = new Set();
      renderPair();
      const k = anchor ? beadIndexOf(anchor[0], anchor[1]) : state.focus;
      setFocus(k >= 0 ? k : state.focus);
      clearAlert();
      flash(`saved: ${label}`);
    } catch (err) {
      fail(err);
    } finally {
      state.busy = false;
    }
  }

  const edit = (action, payload, label) => send("edit", { action, ...payload }, label, (res) => ({ type: "edit", id: res.edit, label }));

  function focused() { return state.data.beads[state.focus]; }

  const tools = {
    link() {
      const { src, tgt } = selection();
      if (!src.length || !tgt.length) return showAlert(`Select sentences on both sides to link (click them, or x on a bead).`);
      return edit("link", { src, tgt }, `link ${state.data.src_lang} ${src.map((i) => i + 1).join(",")} ~ ${state.data.tgt_lang} ${tgt.map((j) => j + 1).join(",")}`);
    },
    unlink() {
      const sel = selection();
      if (sel.src.length || sel.tgt.length) return edit("unlink", sel, "unlink selection");
      const b = focused();
      if (!b || !b.src.length || !b.tgt.length) return showAlert("This bead is not linked.");
      return edit("unlink", { src: b.src, tgt: b.tgt }, `unlink bead ${state.focus + 1}`);
    },
    merge() {
      const k = state.focus, d = state.data;
      if (k + 1 >= d.beads.length) return showAlert("There is no next bead to merge with.");
      const [a, b] = [d.beads[k], d.beads[k + 1]];
      return edit("merge", { beads: [{ src: a.src, tgt: a.tgt }, { src: b.src, tgt: b.tgt }] }, `merge beads ${k + 1} and ${k + 2}`);
    },
    split() {
      const b = focused();
      if (!b) return undefined;
      const sel = selection();
      const inside = [...sel.src.map((i) => b.src.includes(i)), ...sel.tgt.map((j) => b.tgt.includes(j))];
      if (inside.length && inside.every(Boolean)) {
        if (sel.src.length && sel.tgt.length) return edit("link", sel, "split off the selection");
        return edit("unlink", sel, "split off the selection");
      }
      if (b.src.length + b.tgt.length < 3 || !b.src.length || !b.tgt.length) {
        return showAlert("Only a merged bead (2–1, 1–2, 2–2 …) can be split; unlink a 1–1 bead instead (U).");
      }
      return edit("split", { src: b.src, tgt: b.tgt, at_src: Math.ceil(b.src.length / 2), at_tgt: Math.ceil(b.tgt.length / 2) }, `split bead ${state.focus + 1}`);
    },
    bad() {
      const b = focused();
      if (!b || !b.src.length || !b.tgt.length) return showAlert("Only a linked bead can be marked bad.");
      return edit(b.bad ? "good" : "bad", { src: b.src, tgt: b.tgt }, `mark bead ${state.focus + 1} ${b.bad ? "good" : "bad"}`);
    },
    accept() {
      const prev = state.data.reviewed;
      return send("accept", { reviewed: !prev }, prev ? "acceptance taken back" : "pair accepted", () => ({ type: "accept", prev }));
    },
    undo() {
      const stack = undoStacks.get(state.id);
      const last = stack.pop();
      if (!last) return flash("nothing to undo");
      if (last.type === "accept") return send("accept", { reviewed: last.prev }, "undo: acceptance", null);
      return send("undo", { edit: last.id }, `undo: ${last.label}`, null);
    },
    help() { $("#help").showModal(); },
    async history() {
      let data;
      try { data = await api(`/api/pairs/${state.id}/history`); } catch (err) { fail(err); return; }
      const d = state.data;
      const span = (ids) => (ids.length ? ids.map((i) => i + 1).join(",") : "–");
      const what = (beads) => beads.map((b) => `${esc(d.src_lang)} ${span(b.src_ids)} ~ ${esc(d.tgt_lang)} ${span(b.tgt_ids)}${b.bad ? " (bad)" : ""}`).join("; ");
      const rows = data.edits.slice().reverse().map((e) => `<tr><td>${e.id}</td>
        <td>${esc(new Date(e.at * 1000).toLocaleString())}</td>
        <td>${esc(e.action)}${e.undoes ? ` #${e.undoes}` : ""}</td>
        <td>${e.client === clientId ? "this tab" : esc(e.client.slice(0, 8) || "–")}</td>
        <td>${what(e.before) || "–"}</td><td>${what(e.after) || "–"}</td></tr>`).join("");
      $("#history-body").innerHTML = rows
        ? `<table class="pairs"><thead><tr><th>#</th><th>when</th><th>action</th><th>by</th><th>before</th><th>after</th></tr></thead><tbody>${rows}</tbody></table>`
        : '<p class="empty">No change saved yet: this is the aligner\'s output.</p>';
      $("#history").showModal();
    },
  };

  // ------------------------------------------------------------------ events
  app.addEventListener("click", (ev) => {
    if (state.kind === "list") {
      if (ev.target.id === "more") { state.shown += LIST_PAGE; renderList(); return; }
      const th = ev.target.closest("th[data-sort]");
      if (th) { state.sort = th.dataset.sort; renderList(); return; }
      const row = ev.target.closest("tr.row");
      if (row) location.hash = `#/pair/${row.dataset.id}`;
      return;
    }
    if (state.kind !== "pair") return;
    const tool = ev.target.closest("button[data-tool]");
    if (tool) { tools[tool.dataset.tool](); return; }
    const bead = ev.target.closest(".bead");
    const act = ev.target.closest("button[data-act]");
    if (bead) setFocus(Number(bead.dataset.k), false);
    if (act) {
      const b = focused();
      if (act.dataset.act === "unlink") edit("unlink", { src: b.src, tgt: b.tgt }, `unlink bead ${state.focus + 1}`);
      else tools[act.dataset.act]();
      return;
    }
    const s = ev.target.closest(".s");
    if (s) toggleSentence(s.dataset.side, Number(s.dataset.i));
  });

  document.addEventListener("keydown", (ev) => {
    if ($("#help").open || $("#history").open || ev.altKey || ev.metaKey) return;
    if (ev.target.closest && ev.target.closest("input, textarea, select")) return;
    const key = ev.key;
    if (ev.ctrlKey && key.toLowerCase() !== "z") return;
    if (key === "?") { $("#help").showModal(); ev.preventDefault(); return; }
    if (state.kind === "list") {
      const pairs = visiblePairs();
      if (key === "j" || key === "ArrowDown") state.focus = Math.min(Math.min(pairs.length, state.shown) - 1, state.focus + 1);
      else if (key === "k" || key === "ArrowUp") state.focus = Math.max(0, state.focus - 1);
      else if (key === "Enter" && pairs[state.focus]) { location.hash = `#/pair/${pairs[state.focus].id}`; return; }
      else return;
      ev.preventDefault();
      renderList();
      const row = app.querySelector("tr.row.focus");
      if (row) row.scrollIntoView({ block: "nearest" });
      return;
    }
    if (state.kind !== "pair") return;
    const actions = {
      j: () => setFocus(state.focus + 1), ArrowDown: () => setFocus(state.focus + 1),
      k: () => setFocus(state.focus - 1), ArrowUp: () => setFocus(state.focus - 1),
      x: () => selectBead(state.focus), " ": () => selectBead(state.focus),
      l: tools.link, u: tools.unlink, m: tools.merge, s: tools.split, b: tools.bad,
      a: tools.accept, z: tools.undo, Z: tools.undo, h: tools.history, g: () => { location.hash = "#/"; },
      Escape: () => { for (const key2 of [...state.sel]) { const [side, i] = key2.split(":"); toggleSentence(side, Number(i)); } clearAlert(); },
    };
    const fn = actions[key];
    if (!fn) return;
    ev.preventDefault();
    fn();
  });

  $("#help-close").addEventListener("click", () => $("#help").close());
  $("#history-close").addEventListener("click", () => $("#history").close());
  window.addEventListener("hashchange", route);

  // Another tab (or reviewer) edited this pair: show the latest state; a file that changed on
  // disk makes the pair read-only until egiz review is restarted.
  async function poll() {
    if (state.kind !== "pair" || state.busy || document.visibilityState !== "visible") return;
    const id = state.id;
    try {
      const rev = await api(`/api/pairs/${id}/revision`);
      if (state.kind !== "pair" || state.id !== id || state.busy) return;
      if (rev.stale) { showAlert(rev.stale, false); return; }
      if (rev.revision !== state.data.revision) {
        await openPair(id, true);
        flash("updated: this pair was edited elsewhere");
      }
    } catch (err) { /* the next poll tries again */ }
  }
  setInterval(poll, POLL_MS);
  window.addEventListener("focus", poll);

  route();
})();
