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
      error.reload = Boolean(data && data.reload); // the page is out of date: a reload helps
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
  function fail(err) { showAlert(err.message, err.reload); }

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
    document.body.classList.toggle("readonly", Boolean(data.readonly));
    if (data.readonly) showAlert(data.readonly, false);
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
  // A pair may have 10,000 beads: the page holds an outline of all of them (a few characters
  // each: flags, sentence counts, lengths), fetches their texts in chunks as they come on
  // screen, and keeps only the beads on screen (and a margin) in the DOM, each placed at its
  // offset; heights are estimated from the outline until a bead has been drawn and measured.
  const CHUNK = 100;
  const MARGIN_PX = 800; // drawn above and below the screen
  const LINE_PX = 21.75; // 15px text at line-height 1.45
  const PROBLEM = /[stnmlb]/;
  const B36 = (s) => Array.from(s, (c) => parseInt(c, 36));

  async function openPair(id, keep) {
    const previous = state.kind === "pair" && state.id === id ? state : null;
    if (previous) previous.scroll = window.scrollY;
    const at = keep && previous ? previous.focus : 0;
    const data = await api(`/api/pairs/${id}?at=${at}`);
    const o = data.outline;
    state = {
      kind: "pair", id, meta: data, n: data.beads,
      focus: Math.min(at, Math.max(0, data.beads - 1)),
      sel: keep && previous ? previous.sel : new Set(),
      busy: false,
      flags: o.flags, sn: B36(o.sn), tn: B36(o.tn), sc: B36(o.sc), tc: B36(o.tc),
      heights: [], measured: [], offsets: null,
      beads: new Map(), loading: new Set(), nodes: new Map(), cpl: 60,
    };
    for (let k = 0; k < state.n; k++) { state.heights.push(0); state.measured.push(false); }
    for (const b of data.window) state.beads.set(b.k, b);
    if (!undoStacks.has(id)) undoStacks.set(id, []);
    $("#where").textContent = `${data.src_id} ↔ ${data.tgt_id}`;
    document.body.classList.toggle("readonly", Boolean(data.readonly));
    if (data.stale) showAlert(data.stale, false);
    else if (data.readonly) showAlert(data.readonly, false);
    const t0 = performance.now();
    renderPairShell();
    estimateAll();
    if (keep && previous) window.scrollTo(0, previous.scroll || 0);
    setFocus(state.focus, !keep);
    drawVisible();
    app.dataset.renderMs = (performance.now() - t0).toFixed(1);
    if (!performance.getEntriesByName("egiz-first-beads").length) {
      requestAnimationFrame(() => performance.mark("egiz-first-beads"));
    }
  }

  function counts() {
    const c = state.meta.counts;
    return `${c.linked} linked · ${c.only_src} only ${esc(state.meta.src_lang)} · ${c.only_tgt} only ${esc(state.meta.tgt_lang)} · ${c.hand} by hand · ${c.bad} bad · ${c.problems} to check`;
  }

  function renderPairShell() {
    const d = state.meta;
    const undoCount = undoStacks.get(state.id).length;
    app.innerHTML = `
      <div class="pairhead">
        <h1>${esc(d.src_title || d.src_id)} ↔ ${esc(d.tgt_title || d.tgt_id)}</h1>
        <span>coverage ${esc(d.src_lang)} <span class="figure" id="cov-src">${pct(d.coverage_src)}</span></span>
        <span>coverage ${esc(d.tgt_lang)} <span class="figure" id="cov-tgt">${pct(d.coverage_tgt)}</span></span>
        <span id="counts">${counts()}</span>
        <span id="status">${d.reviewed ? '<span class="ok">✓ accepted</span>' : "not accepted yet"}</span>
      </div>
      <div class="toolbar" role="toolbar" aria-label="actions">
        <button data-tool="link" class="primary edit" title="Link the selected sentences (L)">Link selected</button>
        <button data-tool="unlink" class="edit" title="Unlink the selection or the bead (U)">Unlink</button>
        <button data-tool="merge" class="edit" title="Merge the bead with the next (M)">Merge ↓</button>
        <button data-tool="split" class="edit" title="Split the bead (S)">Split</button>
        <button data-tool="bad" class="edit" title="Mark the bead bad / good (B)">Bad</button>
        <span class="sep"></span>
        <button data-tool="prevProblem" title="Previous bead to check (P)">◂ check</button>
        <button data-tool="nextProblem" title="Next bead to check: one side only, numbers, names, low score, bad (N)">check ▸</button>
        <input id="goto" type="number" min="1" max="${state.n}" placeholder="bead #" aria-label="go to bead number" title="Go to bead (#)">
        <input id="find" type="search" placeholder="search ${esc(d.src_lang)} / ${esc(d.tgt_lang)}" aria-label="search in either text" title="Search (/); Enter: next, Shift+Enter: previous">
        <span id="findinfo"></span>
        <span id="selinfo">${state.sel.size ? `${state.sel.size} selected` : ""}</span>
        <button data-tool="undo" class="edit" title="Undo your last change (Z)"${undoCount ? "" : " disabled"}>Undo</button>
        <button data-tool="accept" class="edit" title="Accept the pair (A)">${d.reviewed ? "Unaccept" : "Accept pair"}</button>
        <button data-tool="history" title="Every saved change (H)">History</button>
        <button data-tool="help" title="Keyboard shortcuts (?)">?</button>
      </div>
      <div class="legend"><span class="one">1–1</span><span class="many">merge (n–m)</span>
        <span class="only">one side only</span><span class="low">score below ${d.paraphrase_below}: paraphrase?</span>
        <span class="bad">marked bad</span> <span id="position"></span>
        ${d.notes_ready ? "" : '<em id="pending">checking numbers and names of the whole pair…</em>'}</div>
      <div class="colhead"><div>${esc(d.src_lang)} · ${esc(d.src_id)}</div><div></div><div>${esc(d.tgt_lang)} · ${esc(d.tgt_id)}</div></div>
      <div id="beads"></div>`;
    state.box = $("#beads");
    const side = document.createElement("div");
    side.className = "bead one";
    side.style.visibility = "hidden";
    side.innerHTML = '<div class="side">x</div><div class="gut"></div><div class="side">x</div>';
    state.box.append(side);
    state.cpl = Math.max(20, side.firstElementChild.clientWidth / 8.4);
    side.remove();
  }

  function estimate(k) {
    const lines = (count, units) => (count ? Math.max(count, Math.ceil((units * 40 - 20) / state.cpl)) : 1);
    const rows = Math.max(lines(state.sn[k], state.sc[k]), lines(state.tn[k], state.tc[k]), 3);
    return rows * LINE_PX + 10;
  }

  function estimateAll() {
    for (let k = 0; k < state.n; k++) if (!state.measured[k]) state.heights[k] = estimate(k);
    state.offsets = null;
  }

  function offsets() {
    if (!state.offsets) {
      const o = new Float64Array(state.n + 1);
      for (let k = 0; k < state.n; k++) o[k + 1] = o[k] + state.heights[k];
      state.offsets = o;
      state.box.style.height = `${o[state.n]}px`;
    }
    return state.offsets;
  }

  function beadAt(y) { // the bead whose box holds y (px from the top of #beads)
    const o = offsets();
    let lo = 0, hi = state.n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (o[mid] <= y) lo = mid; else hi = mid - 1;
    }
    return Math.max(0, lo);
  }

  function boxTop() { return state.box.getBoundingClientRect().top + window.scrollY; }

  function drawVisible() {
    if (state.kind !== "pair" || !state.n) return;
    const top = window.scrollY - boxTop();
    const first = beadAt(top - MARGIN_PX), last = beadAt(top + window.innerHeight + MARGIN_PX);
    for (let c = Math.floor(first / CHUNK); c <= Math.floor(last / CHUNK); c++) fetchChunk(c);
    for (const [k, el] of state.nodes) {
      if (k < first || k > last) { el.remove(); state.nodes.delete(k); }
    }
    const added = [];
    let html = "";
    for (let k = first; k <= last; k++) {
      const b = state.beads.get(k);
      if (b && !state.nodes.has(k)) { html += beadHtml(b, k); added.push(k); }
    }
    if (!added.length) { place(); return; }
    const tmp = document.createElement("div");
    tmp.innerHTML = html;
    const els = [...tmp.children];
    els.forEach((el, i) => { state.nodes.set(added[i], el); el.style.top = `${offsets()[added[i]]}px`; });
    state.box.append(...els);
    // measure the new beads; keep the bead at the top of the screen where it is
    const anchor = beadAt(Math.max(0, top));
    const anchorShift = offsets()[anchor] - top;
    let changed = false;
    els.forEach((el, i) => {
      const k = added[i], h = el.offsetHeight;
      if (Math.abs(h - state.heights[k]) > 0.5) { state.heights[k] = h; changed = true; }
      state.measured[k] = true;
    });
    if (changed) {
      state.offsets = null;
      place();
      if (top > 0) window.scrollTo(0, boxTop() + offsets()[anchor] - anchorShift);
    }
    $("#position").textContent = `bead ${state.focus + 1} of ${state.n}`;
  }

  function place() {
    const o = offsets();
    for (const [k, el] of state.nodes) el.style.top = `${o[k]}px`;
  }

  async function fetchChunk(c) {
    const start = c * CHUNK;
    if (start >= state.n || state.loading.has(c)) return;
    let complete = true;
    for (let k = start; k < Math.min(state.n, start + CHUNK); k++) if (!state.beads.has(k)) { complete = false; break; }
    if (complete) return;
    state.loading.add(c);
    const mine = state;
    try {
      const data = await api(`/api/pairs/${mine.id}/beads?start=${start}&count=${CHUNK}`);
      if (state !== mine) return;
      if (data.revision !== mine.meta.revision) { openPair(mine.id, true); return; }
      for (const b of data.beads) if (!mine.beads.has(b.k)) mine.beads.set(b.k, b);
      drawVisible();
    } catch (err) { fail(err); } finally { mine.loading.delete(c); }
  }

  function beadClass(b, k) {
    const d = state.meta, cls = ["bead"];
    if (!b.src.length || !b.tgt.length) cls.push("only");
    else if (b.src.length === 1 && b.tgt.length === 1) cls.push("one");
    else cls.push("many");
    if (b.bad) cls.push("bad");
    else if (b.src.length && b.tgt.length && b.origin !== "review" && b.score < d.paraphrase_below) cls.push("low");
    if (b.para) cls.push("para");
    if (k === state.focus) cls.push("focus");
    return cls.join(" ");
  }

  function sideHtml(side, ids, texts) {
    if (!ids.length) return `<div class="side empty"></div>`;
    const lang = side === "src" ? state.meta.src_lang : state.meta.tgt_lang;
    const spans = ids.map((i, n) => {
      const sel = state.sel.has(`${side}:${i}`) ? " sel" : "";
      return `<span class="s${sel}" data-side="${side}" data-i="${i}"><span class="n">${i + 1}</span>${esc(texts[n])}</span>`;
    }).join("");
    return `<div class="side ${side}" lang="${esc(lang)}">${spans}</div>`;
  }

  function gutterHtml(b) {
    const d = state.meta, linked = b.src.length && b.tgt.length;
    let score;
    if (!linked) score = `<span class="tag">only ${esc(b.src.length ? d.src_lang : d.tgt_lang)}</span>`;
    else if (b.origin === "review") score = '<span class="tag hand" title="linked by hand">by hand</span>';
    else score = `<span class="score${b.score < d.paraphrase_below ? " low" : ""}" title="alignment score">${b.score.toFixed(3)}</span>`;
    const notes = b.notes.map((n) => `<span class="tag note">${esc(n)}</span>`).join("");
    const acts = [];
    if (linked) acts.push('<button data-act="unlink" title="Unlink (U)" aria-label="unlink this bead">✂</button>');
    acts.push('<button data-act="merge" title="Merge with the next bead (M)" aria-label="merge this bead with the next">⊕</button>');
    if (b.src.length + b.tgt.length > 2 && linked) acts.push('<button data-act="split" title="Split (S)" aria-label="split this bead">⇹</button>');
    if (linked) acts.push(`<button data-act="bad" title="${b.bad ? "Mark good" : "Mark bad"} (B)" aria-label="mark this bead ${b.bad ? "good" : "bad"}">⚑</button>`);
    return `<div class="gut"><span class="kind">${b.src.length}–${b.tgt.length}</span>${score}${notes}<span class="acts">${acts.join("")}</span></div>`;
  }

  function beadHtml(b, k) {
    return `<div class="${beadClass(b, k)}" data-k="${k}">${sideHtml("src", b.src, b.st)}${gutterHtml(b)}${sideHtml("tgt", b.tgt, b.tt)}</div>`;
  }

  function setFocus(k, scroll = true) {
    if (!state.n) return;
    k = Math.max(0, Math.min(state.n - 1, k));
    const old = state.nodes.get(state.focus);
    if (old) old.classList.remove("focus");
    const step = Math.abs(k - state.focus);
    state.focus = k;
    if (scroll) {
      const o = offsets(), top = boxTop() + o[k], bottom = top + state.heights[k];
      const view = window.scrollY + 100, end = window.scrollY + window.innerHeight - 10;
      if (top < view || bottom > end) {
        // a step (j/k) scrolls just enough; a jump puts the bead a third down the screen
        const y = step > 2 ? top - window.innerHeight / 3
          : top < view || bottom - top > end - view ? top - 110 : bottom - window.innerHeight + 20;
        window.scrollTo(0, Math.max(0, y));
      }
      drawVisible();
    }
    const el = state.nodes.get(k);
    if (el) el.classList.add("focus");
    const pos = $("#position");
    if (pos) pos.textContent = `bead ${k + 1} of ${state.n}`;
  }

  function beadIndexOf(side, i) {
    for (const [k, b] of state.beads) if (b[side].includes(i)) return k;
    return -1;
  }

  function toggleSentence(side, i) {
    const key = `${side}:${i}`;
    if (state.sel.has(key)) state.sel.delete(key); else state.sel.add(key);
    const el = app.querySelector(`.s[data-side="${side}"][data-i="${i}"]`);
    if (el) el.classList.toggle("sel", state.sel.has(key));
    $("#selinfo").textContent = state.sel.size ? `${state.sel.size} selected` : "";
  }

  function selectBead(k) {
    const b = state.beads.get(k);
    if (!b) return;
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

  // An edit answers with the beads it wrote and where: splice them into the outline and the
  // loaded beads, and redraw those beads only (the ones after them just move).
  function applyChange(res) {
    const { start, removed, beads, flags } = res.change;
    const delta = beads.length - removed;
    const units = (texts) => Math.min(35, Math.ceil(texts.reduce((a, t) => a + t.length, 0) / 40));
    state.flags = state.flags.slice(0, start) + flags + state.flags.slice(start + removed);
    state.sn.splice(start, removed, ...beads.map((b) => Math.min(35, b.src.length)));
    state.tn.splice(start, removed, ...beads.map((b) => Math.min(35, b.tgt.length)));
    state.sc.splice(start, removed, ...beads.map((b) => units(b.st)));
    state.tc.splice(start, removed, ...beads.map((b) => units(b.tt)));
    state.measured.splice(start, removed, ...beads.map(() => false));
    state.heights.splice(start, removed, ...beads.map(() => 0));
    state.n += delta;
    const shift = (map, fn) => {
      const out = new Map();
      for (const [k, v] of map) {
        if (k < start) out.set(k, v);
        else if (k >= start + removed) out.set(k + delta, fn ? fn(v, k + delta) : v);
        else if (v instanceof Element) v.remove();
      }
      return out;
    };
    state.beads = shift(state.beads);
    state.nodes = shift(state.nodes, (el, k) => { el.dataset.k = String(k); return el; });
    beads.forEach((b, i) => state.beads.set(start + i, b));
    for (let k = start; k < start + beads.length; k++) state.heights[k] = estimate(k);
    state.offsets = null;
    Object.assign(state.meta, {
      revision: res.revision, beads: state.n, coverage_src: res.coverage_src,
      coverage_tgt: res.coverage_tgt, counts: res.counts,
    });
    $("#cov-src").textContent = pct(res.coverage_src);
    $("#cov-tgt").textContent = pct(res.coverage_tgt);
    $("#counts").innerHTML = counts();
    $("#goto").max = String(state.n);
    place();
    drawVisible();
  }

  async function send(path, body, label, undoEntry) {
    if (state.busy) return;
    if (state.meta.readonly) { showAlert(state.meta.readonly, false); return; }
    state.busy = true;
    const mine = state;
    try {
      const res = await api(`/api/pairs/${mine.id}/${path}`, { generation: mine.meta.generation, client: clientId, ...body });
      if (state !== mine) return;
      if (undoEntry) undoStacks.get(mine.id).push(undoEntry(res));
      $('button[data-tool="undo"]').disabled = !undoStacks.get(mine.id).length;
      if (res.change && res.change.base !== mine.meta.revision) {
        // another tab edited this pair since it was loaded here: show the pair as it is now
        await openPair(mine.id, true);
      } else if (res.change) {
        const anchor = body.src && body.src.length ? ["src", body.src[0]] : body.tgt && body.tgt.length ? ["tgt", body.tgt[0]] : null;
        for (const key of [...state.sel]) { const [side, i] = key.split(":"); toggleSentence(side, Number(i)); }
        applyChange(res);
        const k = anchor ? beadIndexOf(anchor[0], anchor[1]) : -1;
        setFocus(k >= 0 ? k : Math.min(state.focus, state.n - 1), true);
      } else {
        state.meta.revision = res.revision;
        state.meta.reviewed = res.reviewed;
        $("#status").innerHTML = res.reviewed ? '<span class="ok">✓ accepted</span>' : "not accepted yet";
        $('button[data-tool="accept"]').textContent = res.reviewed ? "Unaccept" : "Accept pair";
      }
      clearAlert();
      flash(`saved: ${label}`);
    } catch (err) {
      fail(err);
    } finally {
      mine.busy = false;
    }
  }

  const edit = (action, payload, label) => send("edit", { action, ...payload }, label, (res) => ({ type: "edit", id: res.edit, label }));

  function focused() { return state.beads.get(state.focus); }

  function jumpProblem(step) {
    for (let k = state.focus + step; k >= 0 && k < state.n; k += step) {
      if (PROBLEM.test(state.flags[k])) { setFocus(k); return; }
    }
    flash(step > 0 ? "no bead to check after this one" : "no bead to check before this one");
  }

  async function find(backwards) {
    const q = $("#find").value.trim();
    if (!q) return;
    const mine = state;
    try {
      const res = await api(`/api/pairs/${mine.id}/search?q=${encodeURIComponent(q)}&after=${mine.focus}${backwards ? "&back=1" : ""}`);
      if (state !== mine) return;
      $("#findinfo").textContent = res.count ? `${res.count} beads` : "not found";
      if (res.bead !== null) setFocus(res.bead);
    } catch (err) { fail(err); }
  }

  const tools = {
    link() {
      const { src, tgt } = selection();
      if (!src.length || !tgt.length) return showAlert(`Select sentences on both sides to link (click them, or x on a bead).`);
      return edit("link", { src, tgt }, `link ${state.meta.src_lang} ${src.map((i) => i + 1).join(",")} ~ ${state.meta.tgt_lang} ${tgt.map((j) => j + 1).join(",")}`);
    },
    unlink() {
      const sel = selection();
      if (sel.src.length || sel.tgt.length) return edit("unlink", sel, "unlink selection");
      const b = focused();
      if (!b || !b.src.length || !b.tgt.length) return showAlert("This bead is not linked.");
      return edit("unlink", { src: b.src, tgt: b.tgt }, `unlink bead ${state.focus + 1}`);
    },
    merge() {
      const k = state.focus;
      if (k + 1 >= state.n) return showAlert("There is no next bead to merge with.");
      const [a, b] = [state.beads.get(k), state.beads.get(k + 1)];
      if (!a || !b) return undefined;
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
      const prev = state.meta.reviewed;
      return send("accept", { reviewed: !prev }, prev ? "acceptance taken back" : "pair accepted", () => ({ type: "accept", prev }));
    },
    undo() {
      const stack = undoStacks.get(state.id);
      const last = stack.pop();
      if (!last) return flash("nothing to undo");
      if (last.type === "accept") return send("accept", { reviewed: last.prev }, "undo: acceptance", null);
      return send("undo", { edit: last.id }, `undo: ${last.label}`, null);
    },
    nextProblem() { jumpProblem(1); },
    prevProblem() { jumpProblem(-1); },
    help() { $("#help").showModal(); },
    async history() {
      let data;
      try { data = await api(`/api/pairs/${state.id}/history`); } catch (err) { fail(err); return; }
      const d = state.meta;
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
      if (!b) return;
      if (act.dataset.act === "unlink") edit("unlink", { src: b.src, tgt: b.tgt }, `unlink bead ${state.focus + 1}`);
      else tools[act.dataset.act]();
      return;
    }
    const s = ev.target.closest(".s");
    if (s) toggleSentence(s.dataset.side, Number(s.dataset.i));
  });

  document.addEventListener("keydown", (ev) => {
    if ($("#help").open || $("#history").open || ev.altKey || ev.metaKey) return;
    if (state.kind === "pair" && ev.key === "Enter" && ev.target.id === "find") {
      ev.preventDefault(); find(ev.shiftKey); return;
    }
    if (state.kind === "pair" && ev.key === "Enter" && ev.target.id === "goto") {
      ev.preventDefault(); const n = Number(ev.target.value);
      if (n >= 1) { setFocus(n - 1); ev.target.blur(); }
      return;
    }
    if (ev.target.closest && ev.target.closest("input, textarea, select")) {
      if (ev.key === "Escape") ev.target.blur();
      return;
    }
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
      n: () => jumpProblem(1), p: () => jumpProblem(-1), N: () => jumpProblem(-1),
      "/": () => $("#find").focus(), "#": () => $("#goto").focus(),
      Home: () => setFocus(0), End: () => setFocus(state.n - 1),
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
  let drawQueued = false;
  const redraw = () => {
    if (drawQueued || state.kind !== "pair") return;
    drawQueued = true;
    requestAnimationFrame(() => { drawQueued = false; drawVisible(); });
  };
  window.addEventListener("scroll", redraw, { passive: true });
  window.addEventListener("resize", () => {
    if (state.kind !== "pair") return;
    state.measured = state.measured.map(() => false);
    state.nodes.forEach((el) => el.remove());
    state.nodes.clear();
    estimateAll();
    redraw();
  });

  // Another tab (or reviewer) edited this pair: show the latest state; a file that changed on
  // disk makes the pair read-only until egiz review is restarted.
  async function poll() {
    if (state.kind !== "pair" || state.busy || document.visibilityState !== "visible") return;
    const id = state.id;
    try {
      const rev = await api(`/api/pairs/${id}/revision`);
      if (state.kind !== "pair" || state.id !== id || state.busy) return;
      if (rev.stale) { showAlert(rev.stale, false); return; }
      if (rev.revision !== state.meta.revision || (rev.notes_ready && !state.meta.notes_ready)) {
        await openPair(id, true);
        flash("updated: this pair was edited elsewhere");
      }
    } catch (err) { /* the next poll tries again */ }
  }
  setInterval(poll, POLL_MS);
  window.addEventListener("focus", poll);

  route();
})();
