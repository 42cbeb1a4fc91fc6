/* The review page's edit logic: no DOM, no storage, only data.  The page, the property
   test (through Playwright) and the benchmark all run this same code.

   A document is two lists of chunks, source and target, in file order: a chunk is one
   sentence (or, where a merged pair's text could not be cut at its sentences, the
   sentences of that pair together).  The alignment is a list of beads; a bead takes the
   next ns source chunks and the next nt target chunks:

     bead = {s, ns, t, nt, st, o}
       s, t    index of its first source / target chunk (the running position: a bead
               with ns = 0 still has s = where the next source chunk starts)
       st      status: one of S (auto, confirmed, edited, rejected), fed by Python
       o       index of the file's pair it is, unchanged; -1 for a bead an edit made

   Invariants (check() tells the first one broken): beads cover every chunk of each side
   exactly once, in order (s and t are running sums); no bead is empty; an unaligned bead
   (ns = 0 or nt = 0) holds exactly one chunk.

   Every edit is planned as a patch {at, del, ins}: the beads del at index at are
   replaced by ins.  apply() and revert() are splices, and beads are never changed in
   place, so revert(apply(x)) is x, exactly. */
function makeAlignEdit(S) {
  'use strict';
  const isNull = b => b.ns === 0 || b.nt === 0;
  const made = (s, ns, t, nt, st) => ({s, ns, t, nt, st, o: -1});
  const sameSpan = (a, b) => a.s === b.s && a.ns === b.ns && a.t === b.t && a.nt === b.nt;

  // Unaligned beads hold one chunk: a longer one becomes one bead per chunk.  A bead
  // with the span of one it replaces is that bead (its status and pair are kept).
  function normal(list, old, st) {
    const out = [];
    for (const b of list) {
      if (b.ns + b.nt === 0) continue;
      if (isNull(b) && b.ns + b.nt > 1) {
        for (let k = 0; k < b.ns; k++) out.push(made(b.s + k, 1, b.t, 0, st));
        for (let k = 0; k < b.nt; k++) out.push(made(b.s, 0, b.t + k, 1, st));
      } else {
        out.push(b);
      }
    }
    return out.map(b => old.find(x => sameSpan(x, b)) || b);
  }

  function patch(beads, at, n, ins, sel) {
    const del = beads.slice(at, at + n);
    // a structural edit that gives back the same beads is no edit
    if (ins.length === del.length && ins.every((b, k) => b === del[k])) return null;
    return {at, del, ins, sel};
  }

  // Where a bead can be cut in two: [ks, kt] source and target chunks go to the first
  // part.  Cuts that leave more pairs (not unaligned sentences) come first, then those
  // whose first part is a pair, then in order.
  function splitOptions(b) {
    if (!b || b.ns + b.nt < 3) return [];
    const out = [];
    for (let ks = 0; ks <= b.ns; ks++) {
      for (let kt = 0; kt <= b.nt; kt++) {
        if ((ks === 0 && kt === 0) || (ks === b.ns && kt === b.nt)) continue;
        const first = ks > 0 && kt > 0, second = ks < b.ns && kt < b.nt;
        out.push({cut: [ks, kt], rank: [-(first + second), first ? 0 : 1, ks, kt]});
      }
    }
    const before = (x, y) => { for (let k = 0; k < 4; k++) if (x.rank[k] !== y.rank[k]) return x.rank[k] - y.rank[k]; return 0; };
    return out.sort(before).map(x => x.cut);
  }

  // The patch an action makes, or null when the action does not apply here.
  //   {op: 'confirm', i}            the bead as it is is right
  //   {op: 'reject', i}             the pair is wrong: each of its sentences unaligned
  //   {op: 'join', i}               bead i and bead i + 1 become one pair
  //   {op: 'split', i, ks, kt}      bead i cut after ks source and kt target chunks
  //   {op: 'move', i, side, to}     side 'src' | 'tgt'; to 'prev' moves the first chunk
  //                                 of that side to bead i - 1, 'next' the last to i + 1
  //   {op: 'link', i}               unaligned bead i and the adjacent unaligned bead of
  //                                 the other side (the next one, else the previous) pair up
  function plan(beads, a) {
    const i = a.i, b = beads[i];
    if (!b) return null;
    switch (a.op) {
      case 'confirm':
        if (b.st === S.confirmed) return null;
        return patch(beads, i, 1, [{...b, st: S.confirmed}], i);
      case 'reject': {
        if (isNull(b)) return null;
        const out = [];
        for (let k = 0; k < b.ns; k++) out.push(made(b.s + k, 1, b.t, 0, S.rejected));
        for (let k = 0; k < b.nt; k++) out.push(made(b.s + b.ns, 0, b.t + k, 1, S.rejected));
        return patch(beads, i, 1, out, i);
      }
      case 'join': {
        const c = beads[i + 1];
        if (!c) return null;
        const m = made(b.s, b.ns + c.ns, b.t, b.nt + c.nt, S.edited);
        if (isNull(m)) return null;  // two unaligned sentences of one side stay apart
        return patch(beads, i, 2, [m], i);
      }
      case 'split': {
        if (!splitOptions(b).some(([ks, kt]) => ks === a.ks && kt === a.kt)) return null;
        const parts = [
          made(b.s, a.ks, b.t, a.kt, S.edited),
          made(b.s + a.ks, b.ns - a.ks, b.t + a.kt, b.nt - a.kt, S.edited),
        ];
        return patch(beads, i, 1, normal(parts, [b], S.edited), i);
      }
      case 'move': {
        const src = a.side === 'src';
        if ((src ? b.ns : b.nt) === 0) return null;
        const ds = src ? 1 : 0, dt = src ? 0 : 1;
        if (a.to === 'prev') {
          const p = beads[i - 1];
          if (!p) return null;
          const parts = [
            made(p.s, p.ns + ds, p.t, p.nt + dt, S.edited),
            made(b.s + ds, b.ns - ds, b.t + dt, b.nt - dt, S.edited),
          ];
          const ins = normal(parts, [p, b], S.edited);
          return patch(beads, i - 1, 2, ins, i - 1 + Math.max(0, ins.length - 1));
        }
        if (a.to === 'next') {
          const n = beads[i + 1];
          if (!n) return null;
          const parts = [
            made(b.s, b.ns - ds, b.t, b.nt - dt, S.edited),
            made(n.s - ds, n.ns + ds, n.t - dt, n.nt + dt, S.edited),
          ];
          return patch(beads, i, 2, normal(parts, [b, n], S.edited), i);
        }
        return null;
      }
      case 'link': {
        if (!isNull(b)) return null;
        const other = c => c && isNull(c) && (b.ns === 0) !== (c.ns === 0);
        for (const j of [i + 1, i - 1]) {
          if (!other(beads[j])) continue;
          const first = Math.min(i, j), x = beads[first], y = beads[first + 1];
          return patch(beads, first, 2, [made(x.s, x.ns + y.ns, x.t, x.nt + y.nt, S.edited)], first);
        }
        return null;
      }
      default:
        return null;
    }
  }

  function apply(beads, p) { beads.splice(p.at, p.del.length, ...p.ins); }
  function revert(beads, p) { beads.splice(p.at, p.ins.length, ...p.del); }

  // The first invariant the beads break, as a sentence; null when they hold.
  function check(beads, nSrc, nTgt) {
    const statuses = Object.values(S);
    let s = 0, t = 0;
    for (let k = 0; k < beads.length; k++) {
      const b = beads[k];
      if (b.s !== s || b.t !== t) return `bead ${k} does not start where bead ${k - 1} ends`;
      if (b.ns < 0 || b.nt < 0 || b.ns + b.nt === 0) return `bead ${k} is empty`;
      if (isNull(b) && b.ns + b.nt !== 1) return `unaligned bead ${k} holds more than one sentence`;
      if (!statuses.includes(b.st)) return `bead ${k} has an unknown status`;
      s += b.ns;
      t += b.nt;
    }
    if (s !== nSrc || t !== nTgt) return 'the beads do not cover every sentence';
    return null;
  }

  // The beads a document's pairs start as (pair k takes pairs[k].ns/nt chunks).
  function initial(pairs) {
    let s = 0, t = 0;
    return pairs.map((p, k) => {
      const b = {s, ns: p.ns, t, nt: p.nt, st: p.st, o: k};
      s += p.ns;
      t += p.nt;
      return b;
    });
  }

  // "Save corrected": the document's beads as align's JSONL records (one string each),
  // in the field order of align.formats.jsonl.record, plus the status.
  //   doc.rec      doc_id, calibrated, model, signature, src_lang, tgt_lang
  //   doc.sc/tc    chunks [ids, text, paragraphs, offsets | null]
  //   doc.pairs    the file's pairs: score, cos, mar, flags, feat, sp, tp
  //   doc.sj/tj    what joins two sentences of a side; doc.pk/ok paragraphs/offsets known
  function records(doc, beads, signature, reviewedScore) {
    const side = (chunks, from, n) => {
      const ids = [], texts = [], pars = new Set(), offs = [];
      for (let k = from; k < from + n; k++) {
        const [cid, text, par, off] = chunks[k];
        ids.push(...cid);
        texts.push(text);
        for (const x of par) pars.add(x);
        if (off) offs.push(...off);
      }
      return {ids, texts, pars: [...pars].sort((x, y) => x - y), offs};
    };
    const r = doc.rec;
    return beads.map(b => {
      const src = side(doc.sc, b.s, b.ns), tgt = side(doc.tc, b.t, b.nt);
      const p = b.o >= 0 ? doc.pairs[b.o] : null;
      return JSON.stringify({
        doc_id: r.doc_id,
        type: `${src.ids.length}-${tgt.ids.length}`,
        src_ids: src.ids,
        tgt_ids: tgt.ids,
        src: src.texts.join(doc.sj),
        tgt: tgt.texts.join(doc.tj),
        score: p ? p.score : reviewedScore,
        cosine: p ? p.cos : null,
        margin: p ? p.mar : null,
        flags: p ? p.flags : [],
        features: p ? p.feat : {},
        calibrated: r.calibrated,
        model: r.model,
        signature,
        src_lang: r.src_lang,
        tgt_lang: r.tgt_lang,
        src_paragraphs: !doc.pk ? null : p ? p.sp : src.pars,
        tgt_paragraphs: !doc.pk ? null : p ? p.tp : tgt.pars,
        src_offsets: doc.ok ? src.offs : null,
        tgt_offsets: doc.ok ? tgt.offs : null,
        status: b.st,
      });
    });
  }

  // A signature marked as reviewed on a date (YYYY-MM-DD); an earlier mark is replaced.
  function reviewedSignature(signature, date) {
    return signature.split('|').filter(x => x && !x.startsWith('reviewed:')).concat(`reviewed:${date}`).join('|');
  }

  return {isNull, splitOptions, plan, apply, revert, check, initial, records, reviewedSignature};
}
