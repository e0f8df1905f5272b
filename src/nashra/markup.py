"""Markdown -> safe HTML, with the first mention of each linked actor and country made a link.

One configured Markdown instance does all the work: a tree processor finds mentions in text
nodes (never inside links, headings or code), and nh3 strips anything unsafe a body may carry.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
import zlib
from dataclasses import dataclass
from typing import Iterable

import markdown
import nh3
from markdown.treeprocessors import Treeprocessor

from . import arabic

SKIP_TAGS = frozenset({"a", "code", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "script", "style"})
ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "u", "s", "del", "ins", "mark",
    "blockquote", "q", "cite", "ul", "ol", "li", "dl", "dt", "dd", "a", "img", "figure", "figcaption",
    "table", "thead", "tbody", "tr", "th", "td", "code", "pre", "sub", "sup", "small", "abbr", "bdi", "bdo", "span",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "class", "hreflang"}, "img": {"src", "alt", "title", "width", "height"},
    "th": {"align"}, "td": {"align"}, "ol": {"start"}, "code": {"class"}, "abbr": {"title"},
    "bdo": {"dir"}, "*": {"lang", "dir"},
}
_STASH = re.compile(r"\x02[^\x03]*\x03")


@dataclass(frozen=True)
class Target:
    """Where a mention links: the page of one actor or country."""

    key: tuple[str, str]      # ("actor", slug) or ("country", code)
    url: str
    title: str


@dataclass(frozen=True)
class Rendered:
    """Markdown made HTML. The HTML is kept compressed: every article's stays in a build's memory (and in
    each worker's), hundreds of MB of text on a large site, and a page reads it once."""

    packed: bytes             # the HTML, packed (see `pack`, `of` and `html`)
    first_paragraph: str      # plain text, for summaries
    mentioned: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, html: str, first_paragraph: str, mentioned: tuple[tuple[str, str], ...] = ()) -> Rendered:
        return cls(pack(html), first_paragraph, mentioned)

    @property
    def html(self) -> str:
        return unpack(self.packed)


def pack(text: str) -> bytes:
    """Text as a build keeps it in memory: UTF-8, zlib-compressed at its quickest level."""
    return zlib.compress(text.encode("utf-8", "surrogatepass"), 1)


def unpack(data: bytes) -> str:
    return zlib.decompress(data).decode("utf-8", "surrogatepass")


class MentionTable:
    """Name keys of the entities an article links, indexed by their first folded word."""

    def __init__(self, names: Iterable[tuple[Target, Iterable[tuple[str, ...]]]]):
        names = [(target, tuple(keys)) for target, keys in names]
        by_head: dict[str, list[tuple[tuple[str, ...], Target]]] = {}
        for target, keys in names:
            for key in keys:
                by_head.setdefault(key[0], []).append((key, target))
        cores: dict[tuple[str, str], set[str]] = {}
        for target, keys in names:
            for key in keys:
                cores.setdefault(target.key, set()).add(_core(key))
        for entries in by_head.values():
            entries.sort(key=lambda e: (-len(e[0]), e[1].key))   # longest name first
        self.by_head = by_head
        self.cores = cores
        # Every word a mention may start with: a name's first word, bare or behind clitics (وبـ، للـ ...).
        self.starts = frozenset().union(*map(arabic.prefixed_forms, by_head))

    def find(self, text: str, linked: set[tuple[str, str]]) -> list[tuple[int, int, Target]]:
        """First mention of each not-yet-linked target in `text`: (start, end, target), in order."""
        pending = [cores for key, cores in self.cores.items() if key not in linked]
        if not pending:
            return []
        folded = arabic.fold_text(text)      # cheap test first: does any pending name occur at all?
        if not any(core in folded for cores in pending for core in cores):
            return []
        spans, words = arabic.word_spans(text)
        found = []
        after = 0                            # words before this are part of a mention found already
        for i in [i for i, word in enumerate(words) if word in self.starts]:
            match = self._match_at(text, spans, words, i, linked) if i >= after else None
            if match:
                start, length, target = match
                found.append((start, spans[i + length - 1][1], target))
                linked.add(target.key)
                after = i + length
        return found

    def _match_at(self, text, spans, words, i, linked):
        for prefix_len, head in arabic.unprefixed(words[i]):
            for key, target in self.by_head.get(head, ()):
                end = i + len(key)
                if target.key in linked or end > len(words):
                    continue
                if tuple(words[i + 1:end]) == key[1:] and all(
                        _joins(text[spans[j][1]:spans[j + 1][0]]) for j in range(i, end - 1)):
                    start = arabic.original_offset(text, spans[i][0], prefix_len) if prefix_len else spans[i][0]
                    return start, len(key), target
        return None


def _core(key: tuple[str, ...]) -> str:
    """A part of the name that any mention contains verbatim once folded: its last word,
    or for a one-word name the word without its article (clitics only ever come first)."""
    last = key[-1]
    if len(key) == 1:
        for head in ("ال", *arabic.COMPOUND_HEADS):    # عبدالله may be written عبد الله
            if last.startswith(head) and len(last) - len(head) >= arabic.MIN_STEM:
                return last[len(head):]
    return last


def _joins(gap: str) -> bool:
    """Words of one name are separated by spaces or hyphens only (al-Lafi, Abdul Hamid)."""
    return gap.strip(" \t\n\u00a0-\u2010\u2011") == ""


class _MentionLinker(Treeprocessor):
    def __init__(self, md: markdown.Markdown):
        super().__init__(md)
        self.table: MentionTable | None = None
        self.first_paragraph = ""
        self.mentioned: list[tuple[str, str]] = []

    def run(self, root: etree.Element) -> None:
        first = root.find("p")
        self.first_paragraph = _STASH.sub("", "".join(first.itertext())).strip() if first is not None else ""
        self.mentioned = []
        if self.table is not None and self.table.by_head:
            linked: set[tuple[str, str]] = set()
            self._walk(root, linked)
            self.mentioned = sorted(linked)

    def _walk(self, element: etree.Element, linked: set) -> None:
        if element.text:
            element.text, links = self._split(element.text, linked)
            for offset, link in enumerate(links):
                element.insert(offset, link)
            children = list(element)[len(links):]
        else:
            children = list(element)
        for child in children:
            if child.tag not in SKIP_TAGS:
                self._walk(child, linked)
            if child.tail:
                child.tail, links = self._split(child.tail, linked)
                position = list(element).index(child) + 1
                for offset, link in enumerate(links):
                    element.insert(position + offset, link)

    def _split(self, text: str, linked: set) -> tuple[str, list[etree.Element]]:
        mentions = self.table.find(text, linked)
        if not mentions:
            return text, []
        links = []
        for index, (start, end, target) in enumerate(mentions):
            link = etree.Element("a", {"class": "mention", "href": target.url, "title": target.title})
            link.text = text[start:end]
            stop = mentions[index + 1][0] if index + 1 < len(mentions) else len(text)
            link.tail = text[end:stop]
            links.append(link)
        return text[:mentions[0][0]], links


# A paragraph Markdown would leave as it is: one line of text with no character that inline syntax
# (emphasis, code, links, images, HTML, entities, escapes), a table or a fence is made of, and no start a
# block (heading, quote, list, rule, code, definition) may have. News copy is made of little else.
_PLAIN_BLOCK = re.compile(r"[^\s#>\-+*=|~:\d\\`_\[\]!<>&\x02\x03][^\n\r\t\x02\x03\\`*_\[\]!<>&|~]*")
_BLANK_LINES = re.compile(r"\n(?:[ \t]*\n)+")


def plain_paragraphs(text: str) -> list[str] | None:
    """The paragraphs of a body that is nothing but plain paragraphs, or None: a body Markdown would
    turn into exactly <p>paragraph</p> each (tests/test_markup.py checks this against Markdown itself)."""
    blocks = _BLANK_LINES.split(text.replace("\r\n", "\n").strip("\n"))
    if all(_PLAIN_BLOCK.fullmatch(block) and not block[0].isnumeric() and block == block.rstrip()
           for block in blocks):
        return blocks
    return None


class Markup:
    """The one Markdown renderer. Not thread-safe: one per process."""

    def __init__(self) -> None:
        self._md = markdown.Markdown(extensions=["tables", "fenced_code", "sane_lists"], output_format="html")
        self._linker = _MentionLinker(self._md)
        # After inline patterns (priority 20) so links made by Markdown are already elements.
        self._md.treeprocessors.register(self._linker, "nashra-mentions", 5)

    def render(self, text: str, mentions: MentionTable | None = None) -> Rendered:
        self._linker.table = mentions
        paragraphs = plain_paragraphs(text)
        html = self._md.reset().convert(text) if paragraphs is None else self._convert_plain(paragraphs)
        clean = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, link_rel=None,
                          url_schemes={"http", "https", "mailto"})
        return Rendered.of(clean, self._linker.first_paragraph, tuple(self._linker.mentioned))

    def _convert_plain(self, paragraphs: list[str]) -> str:
        """What Markdown.convert gives for plain paragraphs, without parsing: the same tree, the same tree
        processors but the inline one (it would find nothing), the same serializer and post-processors."""
        md = self._md
        root = etree.Element(md.doc_tag)
        for paragraph in paragraphs:
            etree.SubElement(root, "p").text = paragraph
        inline = md.treeprocessors["inline"]
        for processor in md.treeprocessors:
            if processor is not inline:
                root = processor.run(root) or root
        output = md.serializer(root)
        output = output[output.index(f"<{md.doc_tag}>") + len(md.doc_tag) + 2:output.rindex(f"</{md.doc_tag}>")].strip()
        for processor in md.postprocessors:
            output = processor.run(output)
        return output.strip()


def plain_summary(text: str, limit: int = 220) -> str:
    """The first paragraph, cut at a word boundary."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip("،,;:؛ ") + "…"

