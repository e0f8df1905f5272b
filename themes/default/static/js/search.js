/* The search page: reads the box, asks the index (window.nashraSearch, the runtime nashra writes beside
   the index) and shows the results. Everything from the index reaches the page as text nodes, never as HTML.
   After each render: <ol id="search-results" data-query="..."> and a window event "nashra:search". */
(function () {
  "use strict";
  const root = document.getElementById("search");
  if (!root || !window.nashraSearch) return;
  const S = window.nashraSearch;
  const strings = JSON.parse(root.dataset.strings);
  const lang = document.documentElement.lang;
  const index = new S.Index(root.dataset.manifest);
  const $ = (id) => document.getElementById(id);
  const input = $("search-input"), form = $("search-form"), status = $("search-status");
  const list = $("search-results"), more = $("search-more"), filters = $("search-filters");
  const select = { lang: $("filter-lang"), year: $("filter-year"), actor: $("filter-actor"), country: $("filter-country") };
  const PAGE = 10, SNIPPET_BEFORE = 12, SNIPPET_AFTER = 24, ENTITIES_SHOWN = 5, IDLE_COMMIT_MS = 1000;
  const plural = new Intl.PluralRules(lang);
  let seq = 0, shown = 0, current = null, committed = true, idle = 0;

  // --- strings --------------------------------------------------------------------------------
  const digits = (n) => strings.digits === "arab" ? String(n).replace(/\d/g, (d) => "٠١٢٣٤٥٦٧٨٩"[d]) : String(n);
  const t = (key, values = {}) => (strings[key] || key).replace(/\{(\w+)\}/g, (m, k) => (k in values ? values[k] : m));
  function count(key, n) {
    const forms = strings[key] || {};
    return (forms[plural.select(n)] || forms.other || key).replace("{count}", digits(n));
  }
  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) if (value !== undefined && value !== null) node.setAttribute(name, value);
    for (const child of children) node.append(child);        // strings become text nodes
    return node;
  }
  const direction = (code) => strings.directions[code] || "ltr";

  // --- state: the box, the filters and the address ---------------------------------------------
  function state() {
    return { q: input.value, lang: select.lang.value, year: select.year.value,
             actor: select.actor.value, country: select.country.value };
  }
  function address(s) {
    const params = new URLSearchParams();
    if (s.q.trim()) params.set("q", s.q);
    if (s.lang !== lang) params.set("lang", s.lang);
    if (s.year) params.set("year", s.year);
    const query = params.toString();
    return location.pathname + (query ? "?" + query : "");
  }
  function fromAddress() {
    const params = new URLSearchParams(location.search);
    input.value = params.get("q") || "";
    const wanted = params.get("lang");
    if (wanted && [...select.lang.options].some((o) => o.value === wanted)) select.lang.value = wanted;
    else select.lang.value = lang;
    select.year.dataset.wanted = params.get("year") || "";
    select.actor.value = select.country.value = "";
  }
  // The first keystroke after a pause adds a history entry; the rest of a burst replaces it.
  function remember() {
    const url = address(state());
    if (url === location.pathname + location.search) return;
    if (committed) history.pushState(null, "", url); else history.replaceState(null, "", url);
    committed = false;
    clearTimeout(idle);
    idle = setTimeout(() => { committed = true; }, IDLE_COMMIT_MS);
  }

  // --- filters ----------------------------------------------------------------------------------
  function fillYears(manifest) {
    const chosen = select.year.dataset.wanted || select.year.value;
    const langs = select.lang.value === "all" ? Object.keys(manifest.years) : [select.lang.value];
    const years = [...new Set(langs.flatMap((code) => (manifest.years[code] || []).map(([y]) => y)))].sort((a, b) => b - a);
    select.year.replaceChildren(el("option", { value: "" }, t("search_any")),
      ...years.map((y) => el("option", { value: String(y) }, digits(y))));
    select.year.value = years.map(String).includes(chosen) ? chosen : "";
    delete select.year.dataset.wanted;
  }
  // The people and countries of the results shown, and the one chosen (so it can be unchosen).
  function fillEntities(kind, docs) {
    const box = select[kind], chosen = box.value;
    const named = new Map(docs.flatMap((doc) => (kind === "actor" ? doc.actors : doc.countries))
      .map(([id, name]) => [String(id), name]));
    if (chosen && !named.has(chosen)) named.set(chosen, box.selectedOptions[0].textContent);
    const names = [...named].sort((a, b) => a[1].localeCompare(b[1], lang));
    box.replaceChildren(el("option", { value: "" }, t("search_any")),
      ...names.map(([id, name]) => el("option", { value: id }, name)));
    box.value = chosen;
  }

  // --- one search -------------------------------------------------------------------------------
  async function run() {
    const mine = ++seq;
    const s = state();
    if (!s.q.trim()) return finish(mine, s.q, [], [], 0, () => status.replaceChildren(t("search_hint")));
    const slow = setTimeout(() => { if (mine === seq) status.textContent = t("search_loading"); }, 300);
    let result, docs;
    try {
      const manifest = await index.manifest();
      if (select.year.dataset.wanted !== undefined || !select.year.options.length) fillYears(manifest);
      result = await index.search(s.q, {
        lang: s.lang === "all" ? "" : s.lang, year: s.year,
        actor: s.actor, country: s.country,
      }, true, PAGE);
      docs = await Promise.all(result.docs.slice(0, PAGE).map((id) => index.doc(id)));
    } catch (error) {
      clearTimeout(slow);
      if (mine === seq) status.textContent = t("search_error");
      console.warn("nashra search:", error);
      return;
    } finally {
      clearTimeout(slow);
    }
    if (mine !== seq) return;
    current = result;
    matched = new Map();
    const entities = s.actor || s.country ? [] : result.entities.slice(0, ENTITIES_SHOWN);
    finish(mine, s.q, entities, docs, result.docs.length, () => {
      if (result.docs.length || entities.length) status.textContent = count("results_count", result.docs.length);
      else status.replaceChildren(t("search_none", { query: s.q.trim() }), " ", t("search_none_hint"), " ",
        el("a", { href: strings.actors_url }, strings.nav_actors), " · ",
        el("a", { href: strings.countries_url }, strings.nav_countries));
    });
  }

  function finish(mine, query, entities, docs, total, say) {
    if (mine !== seq) return;
    list.replaceChildren(...entities.map(entityItem), ...docs.map(docItem));
    shown = docs.length;
    more.hidden = shown >= total;
    fillEntities("actor", docs);
    fillEntities("country", docs);
    say();
    list.dataset.query = query;
    window.dispatchEvent(new CustomEvent("nashra:search", { detail: { query, count: total, entities: entities.length } }));
  }

  async function showMore() {
    if (!current) return;
    const mine = seq;
    const docs = await Promise.all(current.docs.slice(shown, shown + PAGE).map((id) => index.doc(id)));
    if (mine !== seq) return;
    const first = docs.length ? docItem(docs[0]) : null;
    list.append(...(first ? [first] : []), ...docs.slice(1).map(docItem));
    shown += docs.length;
    more.hidden = shown >= current.docs.length;
    if (first) first.querySelector("a").focus();
  }

  // --- results, built from text nodes -------------------------------------------------------------
  let matched = new Map();                       // folded word -> matches the current query?
  function matches(folded) {
    let yes = matched.get(folded);
    if (yes === undefined) {
      yes = Boolean(current) && current.words.some((w) => S.Index.matches(w.match, folded));
      matched.set(folded, yes);
    }
    return yes;
  }

  // `text` with the words that match the query inside <mark>; with `around`, a window around the first match
  // (or the start). A result file holds the opening of its article, so a snippet ends with … when cut.
  function highlighted(text, around, more = false) {
    const words = S.tokens(text);
    let from = 0, to = text.length, first = words.findIndex((w) => matches(w.folded));
    const out = document.createDocumentFragment();
    if (around) {
      if (first < 0) first = 0;
      const lo = Math.max(0, first - SNIPPET_BEFORE), hi = Math.min(words.length - 1, first + SNIPPET_AFTER);
      if (words.length) { from = words[lo].start; to = words[hi].end; }
      if (from > 0) out.append("… ");
    }
    let at = from;
    for (const w of words) {
      if (w.start < from || w.end > to || !matches(w.folded)) continue;
      out.append(text.slice(at, w.start), el("mark", {}, text.slice(w.start, w.end)));
      at = w.end;
    }
    out.append(text.slice(at, to));
    if (around && (to < text.length || more)) out.append(" …");
    return out;
  }

  function entityItem({ data }) {
    const name = data.name[lang] || Object.values(data.name)[0];
    const kind = t("kind_" + (data.kind === "country" ? "country" : data.kind));
    const range = index.m.languages[select.lang.value];
    const stories = S.Index.decodeCount(data.docs, range);
    const role = data.role && data.role[lang];
    return el("li", { class: "result result-entity" },
      el("a", { href: data.url[lang] }, highlighted(name, false)),
      el("p", { class: "result-meta" }, [kind, role, count("stories_count", stories)].filter(Boolean).join(" · ")));
  }

  function docItem(doc) {
    const item = el("li", { class: "result", lang: doc.lang, dir: direction(doc.lang) },
      el("a", { href: doc.url, class: "result-title" }, highlighted(doc.title, false)));
    const meta = el("p", { class: "result-meta" }, el("time", { datetime: doc.date }, doc.date_text));
    if (doc.source) meta.append(" · ", doc.source);
    if (doc.lang !== lang) meta.append(" · ", strings.languages[doc.lang] || doc.lang);   // "all languages"
    item.append(meta, el("p", { class: "result-snippet" }, highlighted(doc.text.replace(/\n/g, " "), true, doc.more)));
    const entities = [...doc.actors, ...doc.countries];
    if (entities.length) {
      const line = el("p", { class: "result-entities" });
      entities.forEach(([, name, url], i) => line.append(...(i ? [" · "] : []), el("a", { href: url }, name)));
      item.append(line);
    }
    return item;
  }

  // --- wiring -----------------------------------------------------------------------------------
  filters.hidden = false;
  input.addEventListener("input", () => { remember(); run(); });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    committed = true;
    remember();
    committed = true;
    run();
  });
  for (const box of Object.values(select)) {
    box.addEventListener("change", () => {
      if (box === select.lang) index.manifest().then(fillYears);
      committed = true;
      remember();
      committed = true;
      run();
    });
  }
  more.addEventListener("click", showMore);
  window.addEventListener("popstate", () => { fromAddress(); committed = true; run(); });
  // Arrow keys move between the box and the result links.
  root.addEventListener("keydown", (event) => {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    const links = [input, ...list.querySelectorAll("li > a")];
    const at = links.indexOf(document.activeElement);
    if (at < 0) return;
    const next = links[at + (event.key === "ArrowDown" ? 1 : -1)];
    if (next) { event.preventDefault(); next.focus(); }
  });
  fromAddress();
  if (input.value) run(); else run().then(() => input.focus());
})();
