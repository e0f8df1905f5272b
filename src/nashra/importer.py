"""`nashra import`: raw news pages (plain text, or saved HTML) -> content/articles/<slug>.<lang>.md, one per story.

read → clean (clean.py: furniture out, stories split) → metadata (title, source, date: never guessed)
→ entities (the site's own actors and countries, found by the builder's MentionTable, so linking, search
and import fold Arabic the same way) → slug → plan. `write` then writes the plan, never over a file.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from . import arabic
from .clean import Dropped, Story, clean, is_bullet
from .config import load_config
from .errors import ContentError, raise_if_any
from .link import link
from .load import load_content
from .markup import MentionTable, Target
from .model import SLUG_MAX, make_site

SLUG_WORDS = 7
# Words that tell the day without a date: the import names them, and asks for --date.
RELATIVE_DAY = re.compile(r"(?:(?:اليوم|أمس|الأمس|مساء|صباح|ظهر)\s+)?(?:ال)?(?:سبت|أحد|احد|اثنين|إثنين|ثلاثاء|أربعاء|"
                          r"اربعاء|خميس|جمعة)\b|\bاليوم\b|\bأمس\b|\b(?:today|yesterday|on (?:monday|tuesday|"
                          r"wednesday|thursday|friday|saturday|sunday))\b", re.I)
DATE_PLACEHOLDER = "TODO"
# Words before a person's name in news text (a role, a title), for proposing new actors.
ROLE_WORDS = ("رئيس", "الرئيس", "نائب", "النائب", "النائبان", "نائبا", "وزير", "الوزير", "سفير", "السفير", "مسؤول", "المسؤول", "مدير",
              "المدير", "المكلف", "المتحدث", "الأمين", "قائد", "القائد", "السيد", "السيدة", "الشيخ", "الدكتور",
              "ونائبه", "نائبه")
NOT_NAME = frozenset(arabic.fold(w) for w in (
    "اليوم", "أمس", "الذي", "التي", "في", "من", "على", "إلى", "الى", "عن", "مع", "خلال", "بين", "حول", "وفد", "وفدا",
    "بحضور", "بالعاصمة", "العاصمة", "السبت", "الأحد", "الاثنين", "الإثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة",
    "وزارة", "المجلس", "حكومة", "الحكومة", "جهاز", "رئيس", "الرئيس", "بلاده", "الجانب", "الجانبان", "ليبيا"))


@dataclass
class Proposal:
    """A person named in a story who is not on the site yet."""

    name: str
    sentence: str
    file: Path
    line: int
    slug: str = ""


@dataclass
class Planned:
    """One story, ready to write."""

    path: Path
    lang: str
    title: str
    title_from_text: bool
    date: str | None
    date_words: str | None              # what the text says instead of a date ("اليوم الخميس")
    source: str | None
    url: str | None
    actors: list[str]
    countries: list[str]
    body: str
    origin: Path
    lines: tuple[int, int]              # first and last line of the story in `origin`
    split_reason: str
    note: str = ""                      # e.g. "slug x is taken: wrote x-2"

    def text(self) -> str:
        """The article file: front matter, then the Markdown body."""
        title_note = "  # review: no headline in the source; taken from the first sentence" if self.title_from_text else ""
        if self.date:
            date_line = f"date: {self.date}"
        else:
            said = f'the text says "{self.date_words}"' if self.date_words else "the text gives no date"
            date_line = (f"date: {DATE_PLACEHOLDER}  # {said}: nashra import never guesses a date; "
                         "write the day it was published, YYYY-MM-DD")
        lines = ["---", f"title: {_quoted(self.title)}{title_note}", date_line]
        if self.source:
            source = {"name": self.source} | ({"url": self.url} if self.url else {})
            lines.append("source: {" + ", ".join(f"{k}: {_quoted(v)}" for k, v in source.items()) + "}")
        lines.append(f"actors: [{', '.join(self.actors)}]")
        lines.append(f"countries: [{', '.join(self.countries)}]")
        lines.append(f"# imported from {self.origin.name}, lines {self.lines[0]}-{self.lines[1]}")
        lines.append("---")
        return "\n".join(lines) + "\n" + self.body


@dataclass
class ImportPlan:
    articles: list[Planned] = field(default_factory=list)
    dropped: dict[Path, list[Dropped]] = field(default_factory=dict)
    proposals: list[Proposal] = field(default_factory=list)
    actors: dict[Path, str] = field(default_factory=dict)      # new actor files (--create-actors): path -> text


def _quoted(value: str) -> str:
    """A YAML double-quoted string (JSON's escapes are YAML's)."""
    return json.dumps(value, ensure_ascii=False)


# --- reading -----------------------------------------------------------------------------------

def read_lines(path: Path) -> tuple[list[str], dict]:
    """The text lines of a page, and what the page itself says of its title, date, source and address."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ContentError(path, None, f"cannot read the file: {exc.strerror}", "check the path") from None
    if not data.strip():
        raise ContentError(path, None, "the file is empty", "import a file that holds a news story")
    if path.suffix.lower() in (".html", ".htm"):
        from .extract import extract_html        # trafilatura loads only for saved pages
        page = extract_html(data, path)
        return page.lines, {"title": page.title, "date": page.date, "source": page.source, "url": page.url}
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ContentError(path, line, f"the file is not valid UTF-8 (byte {exc.start})",
                           "save it as UTF-8 (in most editors: Save as, encoding UTF-8) and import it again") from None
    return text.splitlines(), {}


def language_of(lines: list[str], languages: tuple[str, ...]) -> str:
    """ar when most letters are Arabic, else the site's first other language."""
    text = " ".join(lines)
    arabic_letters = len(re.findall(r"[\u0600-\u06ff]", text))
    latin_letters = len(re.findall(r"[A-Za-z]", text))
    if arabic_letters >= latin_letters and "ar" in languages:
        return "ar"
    return next((code for code in languages if code != "ar"), languages[0])


# --- one story ---------------------------------------------------------------------------------

def markdown(story: Story) -> str:
    """The story's paragraphs as Markdown, with the text's own characters escaped: it is data, never markup."""
    blocks: list[str] = []
    for line in story.paragraphs:
        if is_bullet(line.text):
            item = "- " + _escape(re.sub(r"^\s*[•·▪●◦\-*–]\s+", "", line.text))
            if blocks and blocks[-1].startswith("- "):
                blocks[-1] += "\n" + item
                continue
            blocks.append(item)
        elif line.number in story.headings:
            blocks.append("## " + _escape(line.text))
        else:
            blocks.append(_escape(line.text, start=True))
    return "\n\n".join(blocks) + "\n"


def _escape(text: str, start: bool = False) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = re.sub(r"([\\`*_\[\]])", r"\\\1", text)
    if start:
        text = re.sub(r"^([#+=-]|\d+[.)])", r"\\\1", text)
    return text


class EntityFinder:
    """The site's actors and countries in a story, found by their names and aliases as the builder finds
    mentions (MentionTable: the same folding of hamza, ta marbuta, clitics ...).

    A name two entities share (two ministries called "وزارة الخارجية") goes to the one the story already
    named by a name of its own; else to the one whose role and biography share the most words with the
    story; on a tie, to neither."""

    def __init__(self, names: dict[tuple[str, str], frozenset[tuple[str, ...]]], descriptions: dict[tuple[str, str], str]):
        owners: dict[tuple[str, ...], set[tuple[str, str]]] = {}
        for target, keys in names.items():
            for key in keys:
                owners.setdefault(key, set()).add(target)
        self.table = MentionTable((Target(target, "", ""), [k for k in keys if len(owners[k]) == 1])
                                  for target, keys in names.items())
        self.shared = [(MentionTable([(Target(("shared", " ".join(key)), "", ""), [key])]), sorted(targets))
                       for key, targets in owners.items() if len(targets) > 1]
        self.descriptions = {target: _content_words(text) for target, text in descriptions.items()}

    def find(self, texts: list[str]) -> tuple[list[str], list[str]]:
        """Actor slugs and country codes the texts name, in order of first mention."""
        linked: set[tuple[str, str]] = set()
        found: list[tuple[str, str]] = []
        for text in texts:
            found += [target.key for _, _, target in self.table.find(text, linked)]
        story_words = _content_words(" ".join(texts))
        for table, candidates in self.shared:
            if any(c in linked for c in candidates) or not any(table.find(text, set()) for text in texts):
                continue
            scores = sorted(((len(story_words & self.descriptions.get(c, set())), c) for c in candidates), reverse=True)
            if scores[0][0] > 0 and scores[0][0] > scores[1][0]:
                linked.add(scores[0][1])
                found.append(scores[0][1])
        return [key for kind, key in found if kind == "actor"], [key for kind, key in found if kind == "country"]

    def known(self, name: str) -> bool:
        """Whether the whole of `name` is a name or alias of the site's."""
        whole = len(name.rstrip())
        return any(start == 0 and end == whole for table in [self.table] + [t for t, _ in self.shared]
                   for start, end, _ in table.find(name, set()))


def _content_words(text: str) -> set[str]:
    return {w for w in (arabic.fold(word) for word in arabic.words(text)) if len(w) >= 4}


def propose_people(story: Story, finder: EntityFinder, origin: Path) -> list[Proposal]:
    """People the story names who are not on the site. Arabic news introduces a person by a role, then
    the name: set off by commas ("مسؤول الملف، فلان فلان، الذي"), after the role's nationality adjective
    ("الرئيس الصيني شي جين بينج حول"), or joined to a name just given ("فلان، وفلان الفلاني،")."""
    proposals: list[Proposal] = []
    for line in story.paragraphs:
        for sentence in re.split(r"(?<=[.!?؟])\s+", line.text):
            names: list[str] = []
            segments = [s.strip() for s in re.split(r"[،,:؛]", sentence)]
            previous_is_name = False
            for before, segment in zip([""] + segments, segments):
                name = _apposition(segment, before) or _after_nationality(segment) or _led_by(segment)
                if not name and previous_is_name and segment.startswith("و"):
                    name = _name_words(segment[1:].split())
                previous_is_name = bool(name) or (len(segment.split()) <= 4 and finder.known(segment))
                if name:
                    names.append(name)
            for name in dict.fromkeys(names):
                if not finder.known(name):
                    proposals.append(Proposal(name, sentence, origin, line.number))
    return proposals


def _bare(word: str) -> str:
    return word[1:] if word.startswith("و") and word[1:] in ROLE_WORDS else word


def _apposition(segment: str, before: str) -> str:
    """A name that is the whole comma-separated segment after a role, or after a title in the segment."""
    parts = segment.rstrip(".").split()
    role_before = any(_bare(w) in ROLE_WORDS for w in before.split()[:4])
    if parts and _bare(parts[0]) in ROLE_WORDS:
        parts, role_before = parts[1:], True      # "ونائبه جمال الدين تشاليك"
    return _name_words(parts) if role_before and len(parts) <= 4 else ""


def _after_nationality(segment: str) -> str:
    """"رئيس المجلس الرئاسي الليبي محمد المنفي": the words after a role's nationality adjective."""
    parts = segment.rstrip(".").split()
    nationality = re.compile(r"ال[\u0621-\u064a]{2,}(?:ي|ية)")
    for i, word in enumerate(parts[:-1]):
        if nationality.fullmatch(parts[i + 1]):
            continue                                       # "الرئاسي الليبي ...": the last adjective
        if nationality.fullmatch(word) and any(_bare(w) in ROLE_WORDS for w in parts[max(0, i - 5):i]):
            tail = []
            for after in parts[i + 1:]:
                if arabic.fold(after) in NOT_NAME or _bare(after) in ROLE_WORDS or after.startswith("وال"):
                    break
                tail.append(after)
            name = _name_words(tail[:4]) if 2 <= len(tail) <= 4 else ""
            if name:
                return name
    return ""


def _same_name(one: str, other: str) -> bool:
    """عبد الله اللافي and عبدالله اللافي, إبراهيم and ابراهيم: one person."""
    return arabic.fold_text(one).replace(" ", "") == arabic.fold_text(other).replace(" ", "")


def _led_by(segment: str) -> str:
    """"بقيادة خليفة حفتر المدعوم": the name after "led by" or "headed by" (three words after عبد or أبو)."""
    parts = segment.rstrip(".").split()
    for i, word in enumerate(parts[:-2]):
        if word in ("بقيادة", "برئاسة"):
            size = 3 if parts[i + 1] in ("عبد", "أبو", "ابو") else 2
            return _name_words(parts[i + 1:i + 1 + size])
    return ""


def _name_words(parts: list[str]) -> str:
    """The words as a person's name, or "" when they read as a phrase (2 to 4 plain Arabic words, none of
    them a common word, a plural, an adjective or joined by "and")."""
    if not 2 <= len(parts) <= 4:
        return ""
    if any(arabic.fold(w) in NOT_NAME or not re.fullmatch(r"[\u0621-\u064a]+", w) for w in parts):
        return ""
    if any(w.endswith(("ات", "ية", "يه")) for w in parts) or any(w.startswith("و") and len(w) > 4 for w in parts[1:]):
        return ""
    return " ".join(parts)


def slug_for(title: str, taken: set[str]) -> tuple[str, str]:
    """An ASCII slug from the title's first words, unique among `taken`; and a note when it had to change."""
    base = arabic.to_ascii(" ".join(title.split()[:SLUG_WORDS])).replace(" ", "-") or "story"
    base = re.sub(r"-+", "-", base)[:SLUG_MAX - 4].strip("-")
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug, (f"an article {base!r} exists already: this one is {slug!r}" if slug != base else "")


# --- the whole import ----------------------------------------------------------------------------

def plan_import(root: Path, files: list[Path], lang: str | None = None, source: str | None = None,
                url: str | None = None, date: str | None = None, create_actors: bool = False) -> ImportPlan:
    """What importing `files` into the site at `root` would write. Raises BuildError on bad input."""
    root = root.resolve()
    config = load_config(root)
    if lang is not None and lang not in config.languages:
        raise_if_any([ContentError(root / "site.toml", None, f"--lang {lang} is not one of the site's languages",
                                   f"use one of {', '.join(config.languages)}")])
    if date is not None and not _is_date(date):
        raise_if_any([ContentError(Path("--date"), None, f"--date {date!r} is not a date",
                                   "write it as YYYY-MM-DD, the day the story was published")])
    documents, _ = load_content(root)
    site, _ = make_site(config, documents, drafts=True)
    links, _ = link(site)
    articles = root / "content" / "articles"
    taken = {p.name.split(".", 1)[0] for p in articles.glob("*.md")} if articles.is_dir() else set()
    taken_actors = set(site.actors)
    # The site's stories by their opening words, to say when a page is imported a second time.
    openings = {_opening(a.body): a.path for a in site.articles}
    plan = ImportPlan()
    errors: list[ContentError] = []
    for path in files:
        try:
            lines, stated = read_lines(path)
        except ContentError as exc:
            errors.append(exc)
            continue
        page = clean(lines, one_story=path.suffix.lower() in (".html", ".htm"))
        plan.dropped[path] = page.dropped
        if not page.stories:
            errors.append(ContentError(path, None, "no story found: every line looks like page furniture",
                                       "run again with --verbose to see each line and why it was dropped"))
            continue
        story_lang = lang or language_of([p.text for s in page.stories for p in s.paragraphs], config.languages)
        descriptions = {("actor", a.slug): a.role.get(story_lang, "") + " " + a.bio.get(story_lang, "")
                        for a in site.actors.values()}
        finder = EntityFinder(dict(links.mention_names[story_lang]), descriptions)
        for story in page.stories:
            title = story.title
            from_text = story.needs_review
            if len(page.stories) == 1 and stated.get("title") and from_text:
                title, from_text = stated["title"], False
            new_actors = []
            for person in propose_people(story, finder, path):
                known = next((p for p in plan.proposals if _same_name(p.name, person.name)), None)
                if known is None:
                    plan.proposals.append(person)
                    if create_actors:
                        person.slug, _ = slug_for(person.name, taken_actors)
                        plan.actors[root / "content" / "actors" / f"{person.slug}.md"] = _actor_file(person, story_lang)
                if create_actors:
                    new_actors.append((known or person).slug)
            actors, countries = finder.find([title] + [p.text for p in story.paragraphs])
            slug, note = slug_for(title, taken)
            twin = openings.get(_opening(story.paragraphs[0].text))
            if twin is not None:
                note = "; ".join(filter(None, [note, f"the site has this story already: {twin.relative_to(root)}"]))
            said = RELATIVE_DAY.search(" ".join(p.text for p in story.paragraphs[:2]))
            plan.articles.append(Planned(
                path=articles / f"{slug}.{story_lang}.md", lang=story_lang, title=title, title_from_text=from_text,
                date=date or stated.get("date"), date_words=said.group(0) if said else None,
                source=source or page.source or stated.get("source") or _host(url or stated.get("url")),
                url=url or stated.get("url"),
                actors=actors + [a for a in new_actors if a not in actors], countries=countries,
                body=markdown(story), origin=path,
                lines=(story.title_line or story.paragraphs[0].number, story.paragraphs[-1].number),
                split_reason=story.split_reason, note=note))
    raise_if_any(errors)
    return plan


def _is_date(text: str) -> bool:
    try:
        return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", text)) and bool(dt.date.fromisoformat(text))
    except ValueError:
        return False


def _opening(text: str) -> str:
    """The first words of a story, folded: the same story imported twice opens the same way."""
    return " ".join(arabic.fold(w) for w in arabic.words(text)[:12])


def _host(url: str | None) -> str | None:
    """A source's name when only its address is known: https://www.alamsar.net/x -> alamsar.net."""
    return urlparse(url).netloc.removeprefix("www.") or None if url else None


def _actor_file(person: Proposal, lang: str) -> str:
    return (f"---\nname: {{{lang}: {_quoted(person.name)}}}  # add the name in the site's other languages\n"
            f"kind: person\n# proposed by nashra import from {person.file.name}, line {person.line}:\n"
            f"# {person.sentence}\n---\n")


def write(plan: ImportPlan) -> list[Path]:
    """Write the planned files; one that exists already is never replaced (the plan gave it a free name)."""
    written = []
    for path, text in list(plan.actors.items()) + [(a.path, a.text()) for a in plan.articles]:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with open(path, "x", encoding="utf-8") as out:       # "x": fails rather than overwrite
                out.write(text)
        except FileExistsError:
            raise_if_any([ContentError(path, None, "this file appeared while importing; it was left as it was",
                                       "import again: the story gets a free name")])
        written.append(path)
    return written
