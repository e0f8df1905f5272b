/* nashra search runtime: the query side of nashra.arabic, and the reader of the index that
   nashra/search.py writes. The tables below are generated from the Python definitions at build
   time; every function here mirrors the Python function of the same name (tests prove parity). */
(function () {
  "use strict";
  const T = /*TABLES*/null;

  // --- normaliser (nashra/arabic.py) ------------------------------------------------------------
  const FOLD = new Map(Object.entries(T.fold));
  const WORD_RE = new RegExp("[\\p{L}\\p{N}_" + T.wordMarks + "]+", "gu");
  // Python's str.isspace(), exactly.
  const SPACE_RE = /^[\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/;
  const PREFIXES = new Set(T.prefixes);
  const LONGEST_PREFIX = Math.max(...T.prefixes.map((p) => p.length));
  const HEADS = new Set(T.compoundHeads);
  const ENGLISH_KEEP = new Set(T.englishKeep);
  const foldCache = new Map();

  function foldText(text) {
    let out = "";
    for (const ch of text) {
      const folded = FOLD.get(ch);
      out += folded === undefined ? ch : folded;
    }
    return out;
  }

  function fold(word) {
    let folded = foldCache.get(word);
    if (folded === undefined) {
      folded = foldText(word);
      if (foldCache.size > 50000) foldCache.clear();
      foldCache.set(word, folded);
    }
    return folded;
  }

  const len = (s) => [...s].length;          // Python's len(): code points

  function isArabic(text) {
    for (const ch of text) {
      if ((ch >= "\u0600" && ch <= "\u06ff") || (ch >= "\u0750" && ch <= "\u077f")) return true;
    }
    return false;
  }

  function unprefixed(folded) {
    const chars = [...folded];
    const out = [[0, folded]];
    const longest = Math.min(LONGEST_PREFIX, chars.length - T.minStem);
    for (let k = 1; k <= longest; k++) {
      if (PREFIXES.has(chars.slice(0, k).join(""))) out.push([k, chars.slice(k).join("")]);
    }
    return out;
  }

  const headCache = new Map();
  function isCompoundHead(folded) {
    let yes = headCache.get(folded);
    if (yes === undefined) {
      yes = len(folded) <= 6 && unprefixed(folded).some(([, rest]) => HEADS.has(rest));
      if (headCache.size > 50000) headCache.clear();
      headCache.set(folded, yes);
    }
    return yes;
  }

  // Words with their spans (UTF-16 offsets) and folded forms; compound heads join the next word.
  function tokens(text) {
    const raw = [];
    for (const m of text.matchAll(WORD_RE)) raw.push({ start: m.index, end: m.index + m[0].length, folded: fold(m[0]) });
    const out = [];
    for (let i = 0; i < raw.length; i++) {
      let tok = raw[i];
      if (i + 1 < raw.length && isCompoundHead(tok.folded) && SPACE_RE.test(text.slice(tok.end, raw[i + 1].start))) {
        const next = raw[i + 1];
        tok = { start: tok.start, end: next.end, folded: tok.folded + next.folded };
        i++;
      }
      out.push(tok);
    }
    return out;
  }

  function cliticBases(folded) {
    return unprefixed(folded).slice(1).map(([, rest]) => rest).filter((rest) => len(rest) >= T.searchMin);
  }

  function shardKey(folded) {
    let bases = cliticBases(folded);
    while (bases.length) {
      folded = bases[bases.length - 1];
      bases = cliticBases(folded);
    }
    return folded;
  }

  function lightStem(folded) {
    if (isArabic(folded)) {
      for (const suffix of T.arabicSuffixes) {
        if (folded.endsWith(suffix) && len(folded) - len(suffix) >= T.searchMin) {
          return [...folded].slice(0, len(folded) - len(suffix)).join("");
        }
      }
      return folded;
    }
    if (len(folded) > 3 && /^\p{L}+$/u.test(folded) && !ENGLISH_KEEP.has(folded)) {
      if (folded.endsWith("ies") && !folded.endsWith("eies") && !folded.endsWith("aies")) return folded.slice(0, -3) + "y";
      if (["sses", "xes", "ches", "shes", "zes"].some((e) => folded.endsWith(e))) return folded.slice(0, -2);
      if (folded.endsWith("s") && !["us", "ss", "is"].some((e) => folded.endsWith(e))) return folded.slice(0, -1);
    }
    return folded;
  }

  // --- index reader (nashra/search.py) ----------------------------------------------------------
  const EXACT = 0, TITLE = 1, OTHER_FORM = 2, ENTITIES = 3, LINKED = 4;
  // Weights: a word as typed, another form of it (clitics), its stem, a prefix of it; title and entity bonuses.
  const W = { exact: 3, form: 2.5, stem: 1, prefix: 1.5, prefixLoose: 0.75, title: 3, entity: 4 };
  const PREFIX_SHARDS = 3;

  const MAX_SCORE = 2 ** 20, ID_SPAN = 2 ** 24;

  // A score per document id, and the ids that have one.
  class Scores {
    constructor(size) { this.of = new Float32Array(size); this.touched = []; }
    max(d, score) {
      if (!this.of[d]) this.touched.push(d);
      if (this.of[d] < score) this.of[d] = score;
    }
    plus(d, score) {
      if (!this.of[d]) this.touched.push(d);
      this.of[d] += score;
    }
  }

  function decode(deltas) {
    const out = new Array(deltas ? deltas.length : 0);
    let last = 0;
    for (let i = 0; i < out.length; i++) out[i] = last += deltas[i];
    return out;
  }

  class Index {
    constructor(manifestUrl) {
      this.root = new URL(".", new URL(manifestUrl, document.baseURI)).href;
      this.manifestUrl = manifestUrl;
      this.files = new Map();
    }

    json(url) {
      if (!this.files.has(url)) {
        this.files.set(url, fetch(url).then((r) => {
          if (!r.ok) throw new Error(`${url}: ${r.status}`);
          return r.json();
        }).catch((error) => { this.files.delete(url); throw error; }));
      }
      return this.files.get(url);
    }

    async manifest() {
      if (!this.m) {
        this.m = await this.json(this.manifestUrl);
        this.size = Math.max(0, ...Object.values(this.m.languages).map(([, hi]) => hi));
      }
      return this.m;
    }

    // Index of the shard that holds shard key `key`.
    shardIndex(key) {
      const bounds = this.m.shards;
      let lo = 0, hi = bounds.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (bounds[mid] <= key) lo = mid; else hi = mid - 1;
      }
      return lo;
    }

    shard(i) { return this.json(this.root + "t/" + this.m.shard_files[i] + ".json"); }
    doc(id) { return this.json(this.root + this.m.docs[Math.floor(id / this.m.doc_folder)] + id + ".json"); }
    entity(id) { return this.json(this.root + this.m.entities + id + ".json"); }

    async rows(terms) {
      const wanted = [...new Set(terms.map((t) => this.shardIndex(shardKey(t.replace(T.stemMark, "")))))];
      const shards = await Promise.all(wanted.map((i) => this.shard(i)));
      const rows = new Map();
      for (const term of terms) {
        for (const shard of shards) if (Object.hasOwn(shard, term)) rows.set(term, shard[term]);
      }
      return rows;
    }

    // Terms of the shards whose keys start with `prefix` (a few shards at most).
    async prefixTerms(prefix) {
      const first = this.shardIndex(prefix);
      const out = [];
      for (let i = first; i < this.m.shards.length && i < first + PREFIX_SHARDS; i++) {
        if (i > first && this.m.shards[i] > prefix + "\uffff") break;
        const shard = await this.shard(i);
        for (const term in shard) if (!term.startsWith(T.stemMark)) out.push([term, shard[term]]);
      }
      return out;
    }

    // One query word: docs -> best score, entity ids, and the forms that matched (for highlighting).
    async word(q, prefixable) {
      const forms = [q, ...cliticBases(q)];
      // A stem is looked up twice: as the words that stem to it (~stem) and as a word of its own.
      const stemmed = [...new Set(forms.map(lightStem))];
      const stems = [...stemmed.map((s) => T.stemMark + s), ...stemmed.filter((s) => !forms.includes(s))];
      const rows = await this.rows([...forms, ...stems]);
      const valid = forms.filter((f, i) => i === 0 || rows.has(f));
      const scores = new Scores(this.size);
      const entities = new Set();
      const add = (docs, weight) => { for (const d of docs) scores.max(d, weight); };
      const titles = new Set(), linked = new Set();
      let found = false, proper = false;
      valid.forEach((form, i) => {
        const row = rows.get(form);
        if (!row) return;
        found = true;
        add(decode(row[EXACT]), i === 0 ? W.exact : W.form);
        add(decode(row[OTHER_FORM]), W.form);
        for (const d of decode(row[TITLE])) titles.add(d);
        for (const d of decode(row[LINKED])) linked.add(d);
        for (const e of row[ENTITIES] || []) { entities.add(e); proper = true; }
      });
      const match = { forms: new Set(valid), stems: new Set(), prefixes: [] };
      if (!proper) {
        for (const stem of stems) {
          const row = rows.get(stem);
          if (!row || (row[ENTITIES] || []).length) continue;      // a name is never reached by stemming
          add(decode(row[EXACT]), W.stem);
          add(decode(row[OTHER_FORM]), W.stem);
          match.stems.add(stem.replace(T.stemMark, ""));
          found = true;
        }
      }
      if (prefixable && !found && len(q) >= 2) {
        const starts = [q, ...unprefixed(q).slice(1).map(([, r]) => r).filter((r) => len(r) >= 2)];
        match.prefixes = starts;
        for (const start of starts) {
          for (const [term, row] of await this.prefixTerms(start)) {
            const heads = [term, ...unprefixed(term).slice(1).map(([, r]) => r)];
            const weight = heads.some((h) => h.startsWith(q)) ? W.prefix
              : start !== q && heads.some((h) => h.startsWith(start)) ? W.prefixLoose : 0;
            if (!weight) continue;
            add(decode(row[EXACT]), weight);
            add(decode(row[OTHER_FORM]), weight);
            for (const e of row[ENTITIES] || []) entities.add(e);
            if (weight === W.prefix) for (const d of decode(row[LINKED])) linked.add(d);
          }
        }
      }
      for (const d of titles) if (scores.of[d]) scores.of[d] += W.title;
      for (const d of linked) scores.plus(d, W.entity);
      return { q, scores, entities, match };
    }

    // Does a folded word of some text match one query word's forms, stems or prefixes?
    static matches(match, folded) {
      const heads = [folded, ...cliticBases(folded)];
      if (heads.some((h) => match.forms.has(h))) return true;
      if (match.stems.size && heads.some((h) => match.stems.has(h) || match.stems.has(lightStem(h)))) return true;
      return match.prefixes.length > 0 && [folded, ...unprefixed(folded).slice(1).map(([, r]) => r)]
        .some((h) => h.startsWith(match.prefixes[0]));
    }

    // Is an entity named by the whole query (and not just by a word of a long name)? Those come first.
    static namedBy(entity, words) {
      return entity.names.some((name) => {
        const hits = words.filter((w) => name.some((part) => Index.matches(w.match, part)));
        return hits.length === words.length && hits.length * 2 >= name.length;
      });
    }

    /* Search. filters: {lang, year, actor, country} (entity ids for actor and country).
       Returns {words, entities: [{id, data}], docs: [ids, best first]}. */
    async search(query, filters = {}, prefixable = true, prefetch = 0) {
      await this.manifest();
      const folded = [...new Set(tokens(query).map((t) => t.folded))];
      if (!folded.length) return { words: [], entities: [], docs: [] };
      const last = folded.length - 1;
      // Each word, and each pair of neighbours written as one word (نيو دلهي / نيودلهي), at the same time.
      const [words, joined] = await Promise.all([
        Promise.all(folded.map((q, i) => this.word(q, prefixable && i === last))),
        Promise.all(folded.slice(1).map((q, i) => this.word(folded[i] + q, false))),
      ]);
      joined.forEach((j, i) => {
        if (!j.scores.touched.length && !j.entities.size) return;
        for (const w of [words[i], words[i + 1]]) {
          for (const d of j.scores.touched) w.scores.max(d, j.scores.of[d]);
          for (const e of j.entities) w.entities.add(e);
          for (const form of j.match.forms) w.match.forms.add(form);
        }
      });
      const allow = await this.allowed(filters);
      const docs = Index.rank(words, allow);
      // The best documents' files are fetched at once, while the entities named by every word come.
      for (const d of docs.slice(0, prefetch)) this.doc(d).catch(() => {});
      const candidates = [...words[0].entities].filter((e) => words.every((w) => w.entities.has(e))).slice(0, 12);
      const entities = await Promise.all(candidates.map(async (id) => ({ id, data: await this.entity(id) })));
      for (const entity of entities) entity.strong = Index.namedBy(entity.data, words);
      entities.sort((a, b) => (b.strong - a.strong) || (b.data.docs.length - a.data.docs.length) || (a.id - b.id));
      return { words, entities, docs };
    }

    // Documents that match the most words, best score first, newer (lower id) first on ties.
    static rank(words, allow) {
      const size = words[0].scores.of.length;
      const total = new Float64Array(size), covered = new Uint8Array(size), seen = [];
      for (const w of words) {
        for (const d of w.scores.touched) {
          if (allow && !allow(d)) continue;
          if (!covered[d]) seen.push(d);
          covered[d]++;
          total[d] += w.scores.of[d];
        }
      }
      let most = 0;
      for (const d of seen) if (covered[d] > most) most = covered[d];
      // One number per document sorts natively: higher score first, then lower id (scores are quarters).
      const keys = new Float64Array(seen.filter((d) => covered[d] === most)
        .map((d) => (MAX_SCORE - total[d] * 4) * ID_SPAN + d));
      keys.sort();
      return Array.from(keys, (key) => key % ID_SPAN);
    }

    // How many of an entity's (delta-encoded) doc ids fall in [lo, hi); all of them without a range.
    static decodeCount(deltas, range) {
      const docs = decode(deltas);
      return range ? docs.filter((d) => d >= range[0] && d < range[1]).length : docs.length;
    }

    // A test for doc ids that pass the filters, or null when nothing is filtered.
    async allowed(filters) {
      const tests = [];
      if (filters.lang && this.m.languages[filters.lang]) {
        const [lo, hi] = this.m.languages[filters.lang];
        tests.push((d) => d >= lo && d < hi);
      }
      if (filters.year) {
        const ranges = Object.values(this.m.years).flat().filter(([y]) => String(y) === String(filters.year));
        tests.push((d) => ranges.some(([, lo, hi]) => d >= lo && d < hi));
      }
      for (const id of [filters.actor, filters.country]) {
        if (id === undefined || id === null || id === "") continue;
        const docs = new Set(decode((await this.entity(id)).docs));
        tests.push((d) => docs.has(d));
      }
      return tests.length ? (d) => tests.every((t) => t(d)) : null;
    }
  }

  window.nashraSearch = { fold, foldText, tokens, unprefixed, cliticBases, shardKey, lightStem, isArabic, Index };
})();
