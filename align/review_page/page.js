/* The review page: one document at a time, keyboard first.  Edits go through
   makeAlignEdit (edit.js); this file draws, keeps the undo history, autosaves it in
   localStorage under the file's key and saves the corrected JSONL. */
(function(){
  'use strict';
  const data = JSON.parse(document.getElementById('align-data').textContent);
  const S = data.statuses;  // role -> the status name align writes (align.filters.STATUSES)
  const ROLE = Object.fromEntries(Object.entries(S).map(([role, name]) => [name, role]));
  const E = makeAlignEdit(S);
  const esc = s => s.replace(/[&<>"]/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
  const $ = id => document.getElementById(id);
  const main = $('docs');
  const note = msg => { $('note').textContent = msg; };

  // every document: its beads and its own undo (done) and redo (undone) patches
  const docs = data.docs.map(d => ({d, beads: E.initial(d.pairs), done: [], undone: [], cur: 0}));
  let di = 0;            // the document shown
  let splitting = null;  // {options, k} while choosing where to cut the current pair
  let filter = 'all';

  const FILTERS = [
    ['all', 'all pairs', () => true],
    ['attention', `low (< ${data.threshold}), flagged or unaligned`, b => low(b) || flagged(b) || E.isNull(b)],
    ['low', `low score (< ${data.threshold})`, b => low(b)],
    ['flagged', 'flagged', b => flagged(b)],
    ['unaligned', 'unaligned', b => E.isNull(b)],
    ['unreviewed', 'not yet reviewed', b => b.st === S.auto],
  ];
  const pairOf = b => b.o >= 0 && b.st !== S.edited ? docs[di].d.pairs[b.o] : null;
  function low(b) { const p = pairOf(b); return p !== null && p.score < data.threshold; }
  function flagged(b) { const p = pairOf(b); return p !== null && p.flags.length > 0; }
  const shown = b => FILTERS.find(f => f[0] === filter)[2](b);

  // ---------------------------------------------------------------- drawing
  function parOf(doc, b) {
    const c = b.ns ? doc.d.sc[b.s] : doc.d.tc[b.t];
    return c && c[2].length ? c[2][0] : null;
  }
  function cells(chunks, from, n, parts) {
    if (n === 0) return null;
    let out = '';
    for (let k = 0; k < n; k++) {
      const cls = parts === null ? '' : (k < parts ? ' p1' : ' p2');
      out += `<span class="c${cls}" dir="auto">${esc(chunks[from + k][1])}</span>`;
    }
    return out;
  }
  function rowHtml(doc, k) {
    const b = doc.beads[k], p = pairOf(b);
    const prev = k > 0 ? doc.beads[k - 1] : null;
    const par = parOf(doc, b), lastPar = prev ? parOf(doc, prev) : null;
    const parCls = (lastPar !== null && par !== null && par !== lastPar) ? ' par' : '';
    const cls = E.isNull(b) && p ? 'gaprow' : (!p ? 'made' : (p.score >= 0.8 ? 'hi' : (p.score >= 0.5 ? 'mid' : 'lo')));
    const cut = splitting && k === doc.cur ? splitting.options[splitting.k] : null;
    const badges = p ? p.flags.map(f => `<span class="badge">${esc(f)}</span>`).join('') : '';
    const src = cells(doc.d.sc, b.s, b.ns, cut ? cut[0] : null);
    const tgt = cells(doc.d.tc, b.t, b.nt, cut ? cut[1] : null);
    const ids = (chunks, from, n) => { let m = 0; for (let x = from; x < from + n; x++) m += chunks[x][0].length; return m; };
    const type = `${ids(doc.d.sc, b.s, b.ns)}-${ids(doc.d.tc, b.t, b.nt)}`;
    const status = b.st === S.auto ? '' : b.st;
    const hide = shown(b) ? '' : ' hidden';
    return `<div class="pair ${cls}${parCls} st-${ROLE[b.st]}${hide}${k === doc.cur ? ' cur' : ''}">` +
      `<div class="s">${p ? p.score.toFixed(2) : 'edited'}</div><div class="k">${type}</div>` +
      (src === null ? '<div class="gap">(no counterpart)</div>' : `<div class="x">${src}</div>`) +
      (tgt === null ? '<div class="gap">(no counterpart)</div>' : `<div class="x">${badges}${tgt}</div>`) +
      `<div class="st">${status}</div></div>`;
  }

  function renderDoc() {
    const doc = docs[di], d = doc.d, v = d.verdict;
    const prob = v.p_translation === null ? 'uncalibrated' : (v.p_translation * 100).toFixed(0) + '%';
    const bad = v.p_translation !== null && v.p_translation < 0.5;
    let hist = '';
    const bins = new Array(10).fill(0);
    for (const p of d.pairs) if (p.ns && p.nt) bins[Math.min(9, Math.floor(p.score * 10))]++;
    const top = Math.max(1, ...bins);
    bins.forEach((b, i) => {
      const h = Math.round(36 * b / top);
      const col = i >= 8 ? '#43a047' : (i >= 5 ? '#f9a825' : '#e53935');
      hist += `<rect x="${i * 14}" y="${40 - h}" width="12" height="${h}" fill="${col}"><title>${(i/10).toFixed(1)}-${((i+1)/10).toFixed(1)}: ${b}</title></rect>`;
    });
    const rows = [];
    for (let k = 0; k < doc.beads.length; k++) rows.push(rowHtml(doc, k));
    const ro = d.editable ? '' : '<span class="readonly">sentence ids repeat or go back in this document: it can be read, not edited</span>';
    main.innerHTML = `<section><div class="doc-head"><h2>${esc(d.doc_id || '(document)')}</h2>` +
      `<span class="verdict${bad ? ' bad' : ''}">translation probability ${prob} &middot; coverage ${(v.coverage*100).toFixed(1)}% &middot; mean score ${v.mean_score.toFixed(3)} &middot; ${d.pairs.length} pairs</span>` +
      `<svg width="140" height="40" aria-label="score histogram">${hist}</svg>${ro}</div>` +
      `<div class="grid"><div class="thead"><div>score</div><div>type</div><div>${esc(data.src_lang)}</div><div>${esc(data.tgt_lang)}</div><div>status</div></div>` +
      `<div id="rows">${rows.join('')}</div></div></section>`;
    document.documentElement.style.setProperty('--head', $('bar').closest('header').offsetHeight + 'px');
    progress();
    buttons();
  }
  const rowsBox = () => $('rows');

  // rows [at, at + nOld) are now beads [at, at + nNew); the row after them may gain or lose its rule
  function redraw(at, nOld, nNew) {
    const doc = docs[di], body = rowsBox(), rows = body.children;
    for (let k = 0; k < nOld; k++) body.removeChild(rows[at]);
    const tmp = document.createElement('div');
    let h = '';
    for (let k = at; k < at + nNew; k++) h += rowHtml(doc, k);
    tmp.innerHTML = h;
    const before = rows[at] || null;
    while (tmp.firstChild) body.insertBefore(tmp.firstChild, before);
    redrawRow(at + nNew);
  }
  function redrawRow(k) {
    const doc = docs[di], row = rowsBox().children[k];
    if (!row) return;
    const tmp = document.createElement('div');
    tmp.innerHTML = rowHtml(doc, k);
    rowsBox().replaceChild(tmp.firstChild, row);
  }

  function progress() {
    let all = 0, done = 0;
    for (const doc of docs) for (const b of doc.beads) { all++; if (b.st !== S.auto) done++; }
    const doc = docs[di];
    const mine = doc.beads.filter(b => b.st !== S.auto).length;
    let vis = 0;
    for (const b of doc.beads) if (shown(b)) vis++;
    $('progress').textContent = `${mine} of ${doc.beads.length} reviewed` + (docs.length > 1 ? ` (all documents: ${done} of ${all})` : '');
    $('shown').textContent = vis;
    const opt = $('doc').options[di];
    if (opt) opt.textContent = `${doc.d.doc_id || '(document)'}: ${mine}/${doc.beads.length}`;
  }

  // ---------------------------------------------------------------- cursor
  function setCursor(k, scroll = true) {
    const doc = docs[di];
    if (!doc.beads.length) return;
    k = Math.max(0, Math.min(doc.beads.length - 1, k));
    const rows = rowsBox().children;
    if (rows[doc.cur]) rows[doc.cur].classList.remove('cur');
    doc.cur = k;
    rows[k].classList.add('cur');
    if (scroll) rows[k].scrollIntoView({block: 'nearest'});
    buttons();
  }
  function step(dir, from) {  // the next shown bead from `from` (exclusive) in direction dir
    const beads = docs[di].beads;
    for (let k = from + dir; k >= 0 && k < beads.length; k += dir) if (shown(beads[k])) return k;
    return -1;
  }
  function go(dir) {
    const k = step(dir, docs[di].cur);
    if (k >= 0) setCursor(k); else note(dir > 0 ? 'last pair shown' : 'first pair shown');
  }
  function edge(dir) {
    const n = docs[di].beads.length;
    const k = dir < 0 ? step(1, -1) : step(-1, n);
    if (k >= 0) setCursor(k);
  }
  function nextUnreviewed() {
    const beads = docs[di].beads;
    for (let k = docs[di].cur + 1; k < beads.length; k++) if (beads[k].st === S.auto && shown(beads[k])) return setCursor(k);
    note('no pair after this one is waiting for review');
  }

  // ---------------------------------------------------------------- edits
  function act(a, what) {
    const doc = docs[di];
    if (!doc.d.editable) return note('this document is read-only');
    const p = E.plan(doc.beads, {...a, i: doc.cur});
    if (!p) return note(`cannot ${what} here`);
    p.c0 = doc.cur;
    E.apply(doc.beads, p);
    const bad = E.check(doc.beads, doc.d.sc.length, doc.d.tc.length);
    if (bad) {  // never expected: the edit logic keeps the invariants; refuse rather than keep a broken state
      E.revert(doc.beads, p);
      console.error(`align review: ${what} refused: ${bad}`);
      return note(`cannot ${what}: ${bad}`);
    }
    p.c1 = a.op === 'confirm' ? Math.max(p.at, nextShownAfter(p.at)) : p.sel;
    doc.done.push(p);
    doc.undone = [];
    settle(p.at, p.del.length, p.ins.length, p.c1, `${what}: done`);
  }
  // after an edit, an undo or a redo: redraw the rows it replaced, move, say so, save
  function settle(at, removed, added, cursor, message) {
    redraw(at, removed, added);
    setCursor(cursor);
    note(message);
    progress();
    autosave();
  }
  function nextShownAfter(k) { const n = step(1, k); return n >= 0 ? n : k; }
  function undo() {
    const doc = docs[di], p = doc.done.pop();
    if (!p) return note('nothing to undo');
    E.revert(doc.beads, p);
    doc.undone.push(p);
    settle(p.at, p.ins.length, p.del.length, p.c0, 'undone');
  }
  function redo() {
    const doc = docs[di], p = doc.undone.pop();
    if (!p) return note('nothing to redo');
    if (!redoFits(doc, p)) { doc.undone = []; return note('nothing to redo'); }
    E.apply(doc.beads, p);
    doc.done.push(p);
    settle(p.at, p.del.length, p.ins.length, p.c1, 'redone');
  }

  function startSplit() {
    const doc = docs[di];
    if (!doc.d.editable) return note('this document is read-only');
    const options = E.splitOptions(doc.beads[doc.cur]);
    if (!options.length) return note('cannot split here: the pair has one sentence a side');
    splitting = {options, k: 0};
    redrawRow(doc.cur);
    note('split: \u2190 \u2192 choose where (yellow: first pair, blue: second), Enter splits, Esc cancels');
  }
  function splitKey(key) {
    const doc = docs[di];
    if (key === 'ArrowRight' || key === 'ArrowDown' || key === 'Tab') splitting.k = (splitting.k + 1) % splitting.options.length;
    else if (key === 'ArrowLeft' || key === 'ArrowUp') splitting.k = (splitting.k - 1 + splitting.options.length) % splitting.options.length;
    else if (key === 'Enter' || key === 's') {
      const [ks, kt] = splitting.options[splitting.k];
      splitting = null;
      redrawRow(doc.cur);
      return act({op: 'split', ks, kt}, 'split');
    } else if (key === 'Escape') {
      splitting = null;
      redrawRow(doc.cur);
      return note('split cancelled');
    } else return;
    redrawRow(doc.cur);
    rowsBox().children[doc.cur].classList.add('cur');
  }

  // ---------------------------------------------------------------- documents and filters
  function showDoc(k) {
    if (k < 0 || k >= docs.length) return;
    splitting = null;
    di = k;
    $('doc').value = String(k);
    renderDoc();
    setCursor(docs[di].cur);
  }
  function setFilter(name) {
    filter = name;
    $('filter').value = name;
    const beads = docs[di].beads, rows = rowsBox().children;
    for (let k = 0; k < beads.length; k++) rows[k].classList.toggle('hidden', !shown(beads[k]));
    progress();
    if (!shown(beads[docs[di].cur])) { const k = step(1, docs[di].cur); if (k >= 0) setCursor(k); else { const j = step(-1, docs[di].cur); if (j >= 0) setCursor(j); } }
  }
  function cycleFilter() {
    const k = FILTERS.findIndex(f => f[0] === filter);
    setFilter(FILTERS[(k + 1) % FILTERS.length][0]);
  }

  // ---------------------------------------------------------------- storage and saving
  function autosave() {
    const state = {v: 1, di, docs: docs.map(doc => ({done: doc.done, undone: doc.undone, cur: doc.cur}))};
    try {
      localStorage.setItem(data.key, JSON.stringify(state));
    } catch (e) {
      note('autosave failed: the browser would not store the edits (' + e.name + '); save corrected to keep them');
    }
  }
  function sameBead(a, b) {
    return a.s === b.s && a.ns === b.ns && a.t === b.t && a.nt === b.nt && a.st === b.st && a.o === b.o;
  }
  // replay the saved patches; any that does not fit this file's beads drops that document's edits
  function restore() {
    let state;
    try { state = JSON.parse(localStorage.getItem(data.key) || 'null'); } catch (e) { state = null; }
    if (!state || state.v !== 1 || !Array.isArray(state.docs)) return 0;
    let edits = 0, lost = 0;
    state.docs.forEach((saved, k) => {
      const doc = docs[k];
      if (!doc || !saved) return;
      const fits = p => p && Number.isInteger(p.at) && Array.isArray(p.del) && Array.isArray(p.ins) &&
        p.del.every((b, j) => doc.beads[p.at + j] && sameBead(doc.beads[p.at + j], b));
      const done = [];
      for (const p of saved.done || []) {
        if (!fits(p)) { lost++; break; }
        p.del = doc.beads.slice(p.at, p.at + p.del.length);  // the very beads, so undo gives them back
        E.apply(doc.beads, p);
        done.push(p);
      }
      if (E.check(doc.beads, doc.d.sc.length, doc.d.tc.length) || done.length !== (saved.done || []).length) {
        doc.beads = E.initial(doc.d.pairs);
        lost++;
        return;
      }
      doc.done = done;
      doc.undone = Array.isArray(saved.undone) ? saved.undone : [];
      doc.cur = Number.isInteger(saved.cur) ? saved.cur : 0;
      edits += done.length;
    });
    if (Number.isInteger(state.di) && state.di < docs.length) di = state.di;
    if (lost) note('some saved edits did not fit this file and were left out');
    return edits;
  }
  function redoFits(doc, p) {
    return p.del.every((b, j) => doc.beads[p.at + j] && sameBead(doc.beads[p.at + j], b));
  }
  function saveCorrected() {
    const today = new Date().toISOString().slice(0, 10);
    const lines = [];
    for (const doc of docs) {
      const sig = E.reviewedSignature(doc.d.rec.signature || '', today);
      lines.push(...E.records(doc.d, doc.beads, sig, data.reviewed_score));
    }
    const blob = new Blob([lines.map(x => x + '\n').join('')], {type: 'application/x-ndjson'});
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = data.save_name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 60000);
    note(`saved ${lines.length} pairs as ${data.save_name}`);
  }

  // ---------------------------------------------------------------- keys, shown on the page
  const KEYS = [
    [['ArrowDown', 'j'], '\u2193 j', 'next pair', () => go(1)],
    [['ArrowUp', 'k'], '\u2191 k', 'previous pair', () => go(-1)],
    [['Home'], 'Home', 'first pair', () => edge(-1)],
    [['End'], 'End', 'last pair', () => edge(1)],
    [['n'], 'n', 'next not yet reviewed', nextUnreviewed],
    [['c'], 'c', 'confirm (and go on)', () => act({op: 'confirm'}, 'confirm')],
    [['x'], 'x', 'reject (both sides unaligned)', () => act({op: 'reject'}, 'reject')],
    [['m'], 'm', 'join with next', () => act({op: 'join'}, 'join with next')],
    [['M'], 'Shift+M', 'join with previous', () => joinPrevious()],
    [['s'], 's', 'split (\u2190 \u2192, Enter)', startSplit],
    [['['], '[', 'first source sentence to previous pair', () => act({op: 'move', side: 'src', to: 'prev'}, 'move')],
    [[']'], ']', 'last source sentence to next pair', () => act({op: 'move', side: 'src', to: 'next'}, 'move')],
    [['{'], '{', 'first target sentence to previous pair', () => act({op: 'move', side: 'tgt', to: 'prev'}, 'move')],
    [['}'], '}', 'last target sentence to next pair', () => act({op: 'move', side: 'tgt', to: 'next'}, 'move')],
    [['l'], 'l', 'link unaligned neighbours', () => act({op: 'link'}, 'link')],
    [['u', 'Ctrl+z'], 'u Ctrl+Z', 'undo', undo],
    [['U', 'Ctrl+y', 'Ctrl+Z'], 'Shift+U Ctrl+Y', 'redo', redo],
    [['f'], 'f', 'next filter', cycleFilter],
    [['>', '<'], '&gt; &lt;', 'next / previous document', null],
    [['Ctrl+s'], 'Ctrl+S', 'save corrected', saveCorrected],
  ];
  function joinPrevious() {
    const doc = docs[di];
    if (doc.cur === 0) return note('cannot join with previous here');
    setCursor(doc.cur - 1, false);
    const before = doc.done.length;
    act({op: 'join'}, 'join with previous');
    if (doc.done.length === before) setCursor(doc.cur + 1, false);
    else doc.done[doc.done.length - 1].c0 = doc.done[doc.done.length - 1].at + 1;
  }
  function keyName(e) {
    return (e.ctrlKey || e.metaKey ? 'Ctrl+' : '') + (e.altKey ? 'Alt+' : '') + e.key;
  }
  document.addEventListener('keydown', e => {
    const t = e.target;
    if (t && (t.tagName === 'SELECT' || t.tagName === 'INPUT' || t.tagName === 'TEXTAREA')) {
      if (e.key === 'Escape') t.blur();
      return;
    }
    if (!docs.length) return;
    if (splitting) { e.preventDefault(); return splitKey(e.key); }
    const name = keyName(e);
    if (name === '>' || name === '<') { e.preventDefault(); return showDoc(di + (name === '>' ? 1 : -1)); }
    const hit = KEYS.find(k => k[0].includes(name) && k[3]);
    if (!hit) return;
    e.preventDefault();
    hit[3]();
  });

  // ---------------------------------------------------------------- buttons and start
  const BUTTONS = [
    ['confirm', 'Confirm', () => act({op: 'confirm'}, 'confirm'), (doc, b) => b.st !== S.confirmed],
    ['reject', 'Reject', () => act({op: 'reject'}, 'reject'), (doc, b) => !E.isNull(b)],
    ['join', 'Join next', () => act({op: 'join'}, 'join with next'), (doc) => E.plan(doc.beads, {op: 'join', i: doc.cur}) !== null],
    ['split', 'Split', startSplit, (doc, b) => E.splitOptions(b).length > 0],
    ['link', 'Link', () => act({op: 'link'}, 'link'), (doc) => E.plan(doc.beads, {op: 'link', i: doc.cur}) !== null],
    ['undo', 'Undo', undo, (doc) => doc.done.length > 0],
    ['redo', 'Redo', redo, (doc) => doc.undone.length > 0],
  ];
  function buttons() {
    const doc = docs[di];
    const b = doc && doc.beads[doc.cur];
    for (const [id, , , ok] of BUTTONS) $('b-' + id).disabled = !b || !doc.d.editable || !ok(doc, b);
  }
  const docOptions = data.docs.map((d, k) => `<option value="${k}">${esc(d.doc_id || '(document)')}</option>`).join('');
  $('bar').innerHTML =
    `<label${docs.length > 1 ? '' : ' class="hidden"'}>document <select id="doc">${docOptions}</select></label>` +
    `<label>show <select id="filter">${FILTERS.map(f => `<option value="${f[0]}">${esc(f[1])}</option>`).join('')}</select></label>` +
    '<span>showing <b id="shown">0</b></span><span id="progress"></span>' +
    BUTTONS.map(([id, label]) => `<button type="button" id="b-${id}">${label}</button>`).join('') +
    '<button type="button" id="b-save" class="save">Save corrected</button>';
  for (const [id, , fn] of BUTTONS) $('b-' + id).addEventListener('click', () => { fn(); });
  $('b-save').addEventListener('click', saveCorrected);
  $('doc').addEventListener('change', e => { showDoc(Number(e.target.value)); e.target.blur(); });
  $('filter').addEventListener('change', e => { setFilter(e.target.value); e.target.blur(); });
  $('keys').innerHTML = KEYS.filter(k => k[2] !== 'next / previous document' || docs.length > 1)
    .map(k => `<span>${k[1].split(' ').map(x => `<kbd>${x}</kbd>`).join(' ')} ${k[2]}</span>`).join('');
  main.addEventListener('click', e => {
    const row = e.target.closest('.pair');
    if (!row || splitting) return;
    setCursor(Array.prototype.indexOf.call(rowsBox().children, row), false);
  });
  window.addEventListener('pagehide', () => { if (docs.length) autosave(); });

  if (!docs.length) {
    main.innerHTML = '<section><div class="doc-head">no documents</div></section>';
  } else {
    const restored = restore();
    showDoc(di);
    if (restored) note(`restored ${restored} unsaved edit(s) from this browser`);
    // a redo patch that no longer fits (never expected) is dropped rather than applied
    for (const doc of docs) doc.undone = doc.undone.filter(p => p && Number.isInteger(p.at) && Array.isArray(p.del) && Array.isArray(p.ins));
  }
  // for tests and the benchmark: the state, and a pair to put the cursor on
  window.alignReview = {docs, get doc() { return di; }, select: k => setCursor(k), save: saveCorrected};
  document.body.dataset.ready = '1';
})();
