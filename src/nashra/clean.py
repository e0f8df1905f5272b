"""A scraped news page (its text, line by line) -> its stories, without the page's furniture.

Every line that is not kept says why it was dropped (`Dropped.reason`), so nothing disappears silently.
The rules, in order:

- Furniture: a masthead (the site's name repeated at the top; "نشر" then the name), editorial-board lines,
  "المصدر: ..." lines (they give the source), live and "Stories" strips, menu bullets, and everything after
  a comments widget or a "related stories" heading (the headlines of other stories).
- A headline is a short line without final punctuation that a paragraph of text follows (byline lines may
  come between). Other such lines, with no text after them, are furniture: menus and other headlines.
  A headline repeated inside its own story is dropped; a new headline starts a new story.
- Without a headline, a new story starts at a lede: a paragraph that begins with a verb, not with a
  conjunction (و ف كما ...) or a word that refers back (هذه، الذي, a noun the story already named), or
  after "في سياق منفصل". It needs at least two paragraphs; its title is its first sentence, for review.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .arabic import fold

SENTENCE_END = (".", "!", "?", "؟", "…", ":", "»", '"', "”", ")")
BULLET = re.compile(r"^\s*[•·▪●◦\-*–]\s+")
TEXT_WORDS = 30                       # a line this long is a paragraph, punctuated or not
# Lines that end the story: what comes after them is the page's, not the story's.
END_MARKERS = ("التعليقات", "تعليقات", "موضوعات متعلقة", "مواضيع متعلقة", "اخبار ذات صلة", "أخبار ذات صلة",
               "اقرأ أيضا", "اقرأ أيضاً", "إقرأ أيضا", "الأكثر قراءة", "الاكثر قراءة", "شاهد أيضا", "related stories",
               "related articles", "read more", "comments", "most read")
# Short lines of page chrome, dropped wherever they are.
CHROME = ("مباشر", "أين يمكنك متابعتنا", "أقسام مهمة", "stories", "فيديوهات", "شارك", "مشاركة", "شارك الخبر",
          "فيسبوك", "تويتر", "واتساب", "تيليجرام", "طباعة", "share", "facebook", "twitter", "whatsapp", "print",
          "live", "الرئيسية", "home")
EDITORIAL = re.compile(r"(مجلس التحرير|رئيس التحرير|رئيس مجلس الإدارة|مدير التحرير|editor[- ]in[- ]chief|"
                       r"editorial board)", re.I)
COPYRIGHT = re.compile(r"(جميع الحقوق محفوظة|الحقوق محفوظة|all rights reserved|©|\(c\) \d{4})", re.I)
SOURCE_LINE = re.compile(r"^\s*(?:المصدر|مصدر الخبر|source)\s*[:：]\s*(.+?)\s*$", re.I)
COUNT_LINE = re.compile(r"^\s*[\d٠-٩]+\s+(?:خبر|أخبار|قصة|stories|story)\s*$", re.I)
BYLINE = ("نشر", "نشر في", "بواسطة", "كتب", "by", "published")
# Openers of a paragraph that continues the story before it.
CONTINUING = ("كما", "من", "بدوره", "بدورها", "فيما", "بينما", "حيث", "لكن", "إلا", "ثم", "أما", "إذ",
              "وفي", "also", "meanwhile", "he", "she", "they", "it", "the")
REFERRING = ("هذه", "هذا", "ذلك", "تلك", "هؤلاء", "الذي", "التي", "الذين")
NEW_CONTEXT = re.compile(r"^\s*و?في سياق (?:منفصل|آخر|اخر)")
TITLE_WORDS = 14


@dataclass(frozen=True)
class Line:
    number: int            # 1-based, in the file
    text: str


@dataclass(frozen=True)
class Dropped:
    number: int
    text: str
    reason: str


@dataclass
class Story:
    title: str
    title_line: int | None              # None: no headline; the title is the first sentence (review it)
    paragraphs: list[Line] = field(default_factory=list)
    split_reason: str = ""              # why a new story started here
    headings: set[int] = field(default_factory=set)     # lines that are sub-headings (a saved page's <h2>)

    @property
    def needs_review(self) -> bool:
        return self.title_line is None


@dataclass
class Page:
    stories: list[Story]
    dropped: list[Dropped]
    source: str | None                  # the publisher, when the page names it


def words(text: str) -> list[str]:
    return text.split()


def is_bullet(text: str) -> bool:
    return bool(BULLET.match(text))


def is_text(text: str) -> bool:
    """A paragraph of the story: ends like a sentence, or is long enough to be one."""
    body = BULLET.sub("", text).strip()
    return body.endswith(SENTENCE_END) or len(words(body)) >= TEXT_WORDS


def _plain(text: str) -> str:
    return " ".join(text.lower().split()).strip(" :.-–|")


def clean(lines: list[str], one_story: bool = False) -> Page:
    """The stories of a page, given its text lines (numbered from 1). With `one_story` (a saved article
    page), a later headline-like line that text follows is a sub-heading of the story, not a new story."""
    numbered = [Line(n, " ".join(t.split())) for n, t in enumerate(lines, 1) if t.strip()]
    dropped: list[Dropped] = []
    source: str | None = None

    def drop(line: Line, reason: str) -> None:
        dropped.append(Dropped(line.number, line.text, reason))

    # 1. Furniture that needs no context.
    kept: list[Line] = []
    skip: set[int] = set()
    ended = False
    for i, line in enumerate(numbered):
        if i in skip:
            continue
        plain = _plain(line.text)
        after = numbered[i + 1] if i + 1 < len(numbered) else None
        if ended:
            drop(line, "after the comments or related-stories section: another story's headline or a widget")
        elif plain in END_MARKERS:
            drop(line, "comments or related-stories heading: the page's furniture from here on")
            ended = True
        elif (match := SOURCE_LINE.match(line.text)) and len(words(match.group(1))) <= 6:
            source = source or match.group(1)
            drop(line, f"source line (source: {match.group(1)})")
        elif EDITORIAL.search(line.text) and not is_text(line.text):
            drop(line, "masthead or editorial-board line")
        elif COPYRIGHT.search(line.text) and len(words(line.text)) <= 15:
            drop(line, "copyright footer")
        elif plain in CHROME or COUNT_LINE.match(line.text):
            drop(line, "page chrome: live strip, section menu or share button")
        elif is_bullet(line.text) and not is_text(line.text):
            drop(line, "menu item")
        elif plain in BYLINE and after and len(words(after.text)) <= 5:
            source = source or after.text
            drop(line, "byline")
            drop(after, "byline: the publisher's name")
            skip.add(i + 1)
        elif (after and after.text == line.text and len(words(line.text)) <= 5
              and not any(is_text(k.text) for k in kept)):
            source = source or line.text
            drop(line, "masthead: the site's name")
            drop(after, "masthead: the site's name, repeated")
            skip.add(i + 1)
        else:
            kept.append(line)

    # 2. Headlines and stories.
    stories: list[Story] = []
    pending: list[Line] = []             # headline-like lines not yet followed by text
    for line in kept:
        if is_text(line.text) or (is_bullet(line.text) and stories):
            if pending:
                headline = pending[-1]
                for other in pending[:-1]:
                    drop(other, "short line with no story after it: a menu entry or another story's headline")
                pending = []
                if stories and _plain(headline.text) == _plain(stories[-1].title):
                    drop(headline, "the story's headline, repeated")
                elif one_story and stories and stories[-1].paragraphs:
                    stories[-1].paragraphs.append(headline)
                    stories[-1].headings.add(headline.number)
                else:
                    stories.append(Story(headline.text, headline.number, split_reason="headline"))
            if not stories:
                stories.append(Story("", None, split_reason="first paragraph"))
            stories[-1].paragraphs.append(line)
        else:
            pending.append(line)
    for line in pending:
        drop(line, "short line with no story after it: a menu entry or another story's headline")

    # 3. Headless stories that hold several: split at ledes.
    if not one_story:
        stories = [part for story in stories for part in _split_at_ledes(story)]
    for story in stories:
        if story.title_line is None:
            story.title = first_sentence(story.paragraphs[0].text)
    dropped.sort(key=lambda d: d.number)
    return Page([s for s in stories if s.paragraphs], dropped, source)


def _split_at_ledes(story: Story) -> list[Story]:
    parts = [Story(story.title, story.title_line, [], story.split_reason)]
    for line in story.paragraphs:
        reason = _lede(line.text, parts[-1]) if parts[-1].paragraphs else ""
        if reason:
            parts.append(Story("", None, [], reason))
        parts[-1].paragraphs.append(line)
    # A lone paragraph is not a story: give it back to the one before.
    merged = [parts[0]]
    for part in parts[1:]:
        if len([p for p in part.paragraphs if not is_bullet(p.text)]) < 2:
            merged[-1].paragraphs.extend(part.paragraphs)
        else:
            merged.append(part)
    return merged


def _lede(text: str, story: Story) -> str:
    """Why this paragraph starts a new story, or "" when it continues `story`."""
    if is_bullet(text):
        return ""
    if NEW_CONTEXT.match(text):
        return "a new context (في سياق منفصل)"
    first, *rest = words(text) or [""]
    first = first.strip("،,")
    if first[:1] in ("و", "ف") and len(first) > 3 or first.lower() in CONTINUING or first in REFERRING:
        return ""
    if rest and rest[0].strip("،,") in REFERRING:
        return ""
    subject = rest[0].strip("،,") if rest else ""
    if subject.startswith("ال") and any(fold(subject) in {fold(w.strip("،,.")) for w in words(p.text)}
                                        for p in story.paragraphs):
        return ""                          # "يهدف المنتدى ..." after a paragraph about the forum
    if not re.match(r"^[\u0621-\u064a]", first):
        return ""                          # only Arabic ledes are told apart; English text stays one story
    return f"a lede: the paragraph starts with «{first}», not a word that continues the story"


def first_sentence(text: str) -> str:
    """The opening sentence, at most TITLE_WORDS words (cut at a word, marked with …)."""
    sentence = re.split(r"(?<=[.!?؟])\s", text.strip(), maxsplit=1)[0].rstrip(".")
    parts = sentence.split()
    return sentence if len(parts) <= TITLE_WORDS else " ".join(parts[:TITLE_WORDS]).rstrip("،,") + "…"
