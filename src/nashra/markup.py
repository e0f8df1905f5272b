"""Markdown -> safe HTML, with the first mention of each linked actor and country made a link.

One configured Markdown instance does all the work: a tree processor finds mentions in text
nodes (never inside links, headings or code), and nh3 strips anything unsafe a body may carry.
A body of nothing but plain paragraphs, headings and lists (most news copy) is written directly,
as exactly the HTML those two would make of it.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from functools import cached_property, lru_cache
from html import unescape
from typing import Iterable, NamedTuple

import lz4.block
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

    packed: bytes | memoryview    # the HTML, packed (see `pack`, `of` and `html`), or a view of it mapped
                                  # from .nashra-cache/ (build.BuildCache.load_bodies)
    first_paragraph: str      # plain text, for summaries
    mentioned: tuple[tuple[str, str], ...] = ()
    digest: bytes = b""       # of the packed HTML: what the search index keys the words read from it by

    @classmethod
    def of(cls, html: str, first_paragraph: str, mentioned: tuple[tuple[str, str], ...] = ()) -> Rendered:
        packed = pack(html)
        return cls(packed, first_paragraph, mentioned, hashlib.blake2b(packed, digest_size=16).digest())

    @property
    def html(self) -> str:
        return unpack(self.packed)


def pack(text: str) -> bytes:
    """Text as a build keeps it in memory: UTF-8, LZ4-compressed (to about half, at a few GB/s both ways:
    a build unpacks each article's HTML for every page that shows it)."""
    return lz4.block.compress(text.encode("utf-8", "surrogatepass"))


def unpack(data: bytes) -> str:
    return lz4.block.decompress(data).decode("utf-8", "surrogatepass")


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


@lru_cache(maxsize=None)
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
_HEADING = re.compile(r"(#{1,6}) ([^\n]+)")


class Block(NamedTuple):
    """A block of a plain body: a paragraph ("p") or heading ("h2") of one text, or a list ("ul") of items."""

    tag: str
    texts: tuple[str, ...]


def plain_blocks(text: str) -> list[Block] | None:
    """The blocks of a body made of nothing but plain paragraphs, headings (## text) and lists (- item, one
    a line) of plain text, or None: a body Markdown turns into exactly those elements, with the text as it
    is (tests/test_markup.py checks this against Markdown itself)."""
    blocks: list[Block] = []
    for block in _BLANK_LINES.split(text.replace("\r\n", "\n").strip("\n")):
        if _plain(block):
            blocks.append(Block("p", (block,)))
        elif (heading := _HEADING.fullmatch(block)) and _plain(heading[2]) and not heading[2].endswith("#"):
            blocks.append(Block(f"h{len(heading[1])}", (heading[2],)))
        elif block.startswith("- ") and all(line.startswith("- ") and _plain(line[2:]) for line in block.split("\n")):
            if blocks and blocks[-1].tag == "ul":    # Markdown makes one loose list (<li><p>) of the two
                return None
            blocks.append(Block("ul", tuple(line[2:] for line in block.split("\n"))))
        else:
            return None
    return blocks


def _plain(line: str) -> bool:
    return bool(_PLAIN_BLOCK.fullmatch(line)) and not line[0].isnumeric() and line == line.rstrip()


class Markup:
    """The one Markdown renderer. Not thread-safe: one per process."""

    @cached_property
    def _md(self) -> markdown.Markdown:
        """Made when first needed: most bodies are plain (plain_blocks), and loading the extensions takes
        about 0.2 s, which a rebuild of one plain article would spend on nothing else."""
        md = markdown.Markdown(extensions=["tables", "fenced_code", "sane_lists"], output_format="html")
        self._linker = _MentionLinker(md)
        # After inline patterns (priority 20) so links made by Markdown are already elements.
        md.treeprocessors.register(self._linker, "nashra-mentions", 5)
        return md

    def render(self, text: str, mentions: MentionTable | None = None) -> Rendered:
        return self._render(text, mentions)[0]

    def render_with_text(self, text: str, mentions: MentionTable | None = None) -> tuple[Rendered, str]:
        """The HTML and its text (see plain_text), which the search index reads."""
        rendered, blocks = self._render(text, mentions)
        if blocks is None:
            return rendered, plain_text(rendered.html)
        texts = [text for block in blocks for text in block.texts]
        if any(map(_IRREGULAR_SPACE.search, texts)):
            return rendered, _text_lines("\n".join(texts))
        return rendered, "\n".join(texts)          # each text a line as it is

    def _render(self, text: str, mentions: MentionTable | None) -> tuple[Rendered, list[Block] | None]:
        """The HTML, and the blocks when the body is plain and rendered without Markdown or nh3."""
        blocks = plain_blocks(text)
        if blocks is not None:
            plain = _plain_html(blocks, mentions if mentions is not None and mentions.by_head else None)
            if plain is not None:
                return plain, blocks
        md = self._md
        self._linker.table = mentions
        html = md.reset().convert(text) if blocks is None else self._convert_plain(blocks)
        clean = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, link_rel=None,
                          url_schemes={"http", "https", "mailto"})
        return Rendered.of(clean, self._linker.first_paragraph, tuple(self._linker.mentioned)), None

    def _convert_plain(self, blocks: list[Block]) -> str:
        """What Markdown.convert gives for plain blocks, without parsing: the same tree, the same tree
        processors but the inline one (it would find nothing), the same serializer and post-processors."""
        md = self._md
        root = etree.Element(md.doc_tag)
        for tag, texts in blocks:
            if tag == "ul":
                items = etree.SubElement(root, "ul")
                for text in texts:
                    etree.SubElement(items, "li").text = text
            else:
                etree.SubElement(root, tag).text = texts[0]
        inline = md.treeprocessors["inline"]
        for processor in md.treeprocessors:
            if processor is not inline:
                root = processor.run(root) or root
        output = md.serializer(root)
        output = output[output.index(f"<{md.doc_tag}>") + len(md.doc_tag) + 2:output.rindex(f"</{md.doc_tag}>")].strip()
        for processor in md.postprocessors:
            output = processor.run(output)
        return output.strip()


# What keeps a mention link out of the direct path: an address or title that nh3 would write escaped.
_UNSAFE_ATTRIBUTE = re.compile("[&<>\"\x00-\x1f\x7f\u00a0]")


def _plain_html(blocks: list[Block], mentions: MentionTable | None) -> Rendered | None:
    """Plain blocks as Markdown and nh3 together make them, without either (None when unsure): text only
    needs a no-break space written as nh3 writes it, and paragraphs and list items get the mention links
    _MentionLinker would make. tests/test_markup.py compares the two paths."""
    linked: set[tuple[str, str]] = set()
    html: list[str] = []

    def linking(text: str) -> bool:
        done = 0
        for start, end, target in mentions.find(text, linked) if mentions is not None else ():
            opening = _link_opening(target)
            if opening is None:
                return False
            html.extend((text[done:start], opening, text[start:end], "</a>"))
            done = end
        html.append(text[done:])
        return True

    for tag, texts in blocks:
        if tag == "h1" or any("\x00" in text for text in texts):   # nh3 drops <h1> (not allowed) and NULs
            return None
        if tag == "p":
            html.append("<p>")
            if not linking(texts[0]):
                return None
            html.append("</p>\n")
        elif tag == "ul":
            html.append("<ul>\n")
            for text in texts:
                html.append("<li>")
                if not linking(text):
                    return None
                html.append("</li>\n")
            html.append("</ul>\n")
        else:                                   # headings: never linked
            html.extend((f"<{tag}>", texts[0], f"</{tag}>\n"))
    first = next((texts[0].strip() for tag, texts in blocks if tag == "p"), "")
    return Rendered.of("".join(html)[:-1].replace("\u00a0", "&nbsp;"), first, tuple(sorted(linked)))


@lru_cache(maxsize=None)
def _link_opening(target: Target) -> str | None:
    """A mention link's opening tag as nh3 writes it, or None for an address or title it would escape."""
    if _UNSAFE_ATTRIBUTE.search(target.url) or _UNSAFE_ATTRIBUTE.search(target.title):
        return None
    return f'<a class="mention" href="{target.url}" title="{target.title}">'


_BLOCK_END = re.compile(r"</(p|li|h[1-6]|blockquote|pre|tr|table|ul|ol)>|<br\s*/?>", re.I)
_TAG = re.compile(r"<[^>]+>")


def plain_text(body_html: str) -> str:
    """The text of rendered HTML, a line per block."""
    return _text_lines(unescape(_TAG.sub("", _BLOCK_END.sub("\n", body_html))))


# Space that _text_lines would change in a plain block's text (which neither starts nor ends with space).
_IRREGULAR_SPACE = re.compile(r"[^\S ]|  ")


def _text_lines(text: str) -> str:
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


def plain_summary(text: str, limit: int = 220) -> str:
    """The first paragraph, cut at a word boundary."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip("،,;:؛ ") + "…"

