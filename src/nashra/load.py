"""content/ -> raw documents with line numbers. The only reader of content."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import ContentError
from .parallel import in_order, map_chunks

SECTIONS = ("articles", "actors", "countries", "pages")


# libyaml's parser when PyYAML has it (about 10x faster); the resolvers below are Python either way.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _FrontMatterLoader(_BaseLoader):
    """YAML without 1.1's surprises: only true/false are booleans, nothing else is guessed.

    So the country code `no` (Norway), `on` and `yes` stay strings, numbers stay the digits
    the author wrote, and dates stay text until the model parses them.
    """


_FrontMatterLoader.yaml_implicit_resolvers = {}
_FrontMatterLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_FrontMatterLoader.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])


@dataclass(frozen=True)
class RawDocument:
    """One content file: its front matter, where each key sits, and its Markdown body."""

    path: Path
    section: str                 # articles | actors | countries | pages
    stem: str                    # file name without .md: "slug.ar", "ibrahim-kalin", "tr"
    meta: dict[str, Any]
    lines: dict[str, int]        # front matter key -> line number in the file
    item_lines: dict[str, list[int]] = field(default_factory=dict)   # list key -> line of each item
    body: str = ""
    body_line: int = 1

    def line(self, key: str) -> int:
        return self.lines.get(key, 1)


def _split_front_matter(path: Path, text: str) -> tuple[str, str, int]:
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise ContentError(path, 1, "the file must start with front matter: a line '---', YAML, then '---'",
                           "add the front matter block at the top of the file; see CONTENT_FORMAT.md")
    for number, line in enumerate(lines[1:], 2):
        if line.strip() == "---":
            return "\n".join(lines[1:number - 1]), "\n".join(lines[number:]), number + 1
    raise ContentError(path, 1, "front matter is not closed: no second '---' line",
                       "add a line '---' after the last YAML line")


def _parse_yaml(path: Path, text: str, first_line: int) -> tuple[dict, dict[str, int], dict[str, list[int]]]:
    loader = _FrontMatterLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = first_line + mark.line if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        context, start = getattr(exc, "context", None), getattr(exc, "context_mark", None)
        if context and start is not None and first_line + start.line != line:
            problem += f" ({context} that starts on line {first_line + start.line})"
        raise ContentError(path, line, f"front matter is not valid YAML: {problem}",
                           "quote text that contains ':' or '#', and indent lists consistently") from None
    finally:
        loader.dispose()
    if data is None:
        return {}, {}, {}
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        raise ContentError(path, first_line, "front matter must be a set of 'key: value' lines",
                           "write one 'key: value' per line, such as title: \"...\"")
    lines: dict[str, int] = {}
    item_lines: dict[str, list[int]] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        lines[key] = first_line + key_node.start_mark.line
        if isinstance(value_node, yaml.SequenceNode):
            item_lines[key] = [first_line + item.start_mark.line for item in value_node.value]
    return {str(k): v for k, v in data.items()}, lines, item_lines


class ParsedFrontMatter:
    """Front matter text -> what _parse_yaml made of it: the last build's (`known`) and this build's (`used`,
    which a build keeps in .nashra-cache/: YAML is most of the time spent reading a large site)."""

    def __init__(self, known: dict | None = None):
        self.known = known or {}
        self.used: dict[str, tuple] = {}
        self.parsed = 0                  # how many were not known

    def get(self, path: Path, front: str) -> tuple[dict, dict[str, int], dict[str, list[int]]]:
        found = self.known.get(front)
        if found is None:
            found = _parse_yaml(path, front, 2)
            self.parsed += 1
        self.used[front] = found
        return found

    def learn(self, front: str, found: tuple) -> None:
        """What _parse_yaml made of `front`, parsed elsewhere (by load_content's workers)."""
        self.known[front] = found
        self.parsed += 1


def _read_text(path: Path) -> tuple[str, str, int]:
    """A content file's front matter, its body and the body's first line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ContentError(path, None, f"not UTF-8 text ({exc.reason})", "save the file as UTF-8") from None
    return _split_front_matter(path, text.replace("\r\n", "\n").replace("\r", "\n"))


def _document(path: Path, section: str, body: str, body_line: int, parsed: tuple) -> RawDocument:
    meta, lines, item_lines = parsed
    return RawDocument(path, section, path.name[:-len(".md")], meta, lines, item_lines, body, body_line)


def read_document(path: Path, section: str, parsed: ParsedFrontMatter | None = None) -> RawDocument:
    front, body, body_line = _read_text(path)
    return _document(path, section, body, body_line,
                     parsed.get(path, front) if parsed is not None else _parse_yaml(path, front, 2))


def is_temporary(path: Path) -> bool:
    """Hidden files and editors' swap, backup and temporary files: .x.swp, x~, #x#, .#x, 4913 (vim's probe)."""
    name = path.name
    return (name.startswith((".", "#", "~")) or name.endswith(("~", ".swp", ".swx", ".tmp", ".part"))
            or name == "4913")


def content_files(root: Path) -> dict[str, list[Path]]:
    """Every Markdown file per content section, in a stable order; hidden and temp files skipped."""
    found: dict[str, list[Path]] = {}
    for section in SECTIONS:
        folder = root / "content" / section
        files = sorted(folder.glob("*.md")) if folder.is_dir() else []
        found[section] = [p for p in files if not is_temporary(p) and p.is_file()]
    return found


def load_content(root: Path, parsed: ParsedFrontMatter | None = None,
                 workers: int | None = None) -> tuple[dict[str, list[RawDocument]], list[ContentError]]:
    """Read all content; return the documents that parsed and an error for each that did not. `parsed`:
    see read_document. The files are read here, and the front matter that `parsed` does not know is parsed
    on `workers` cores (parallel.py: YAML is most of the time spent reading a large site afresh)."""
    errors: list[ContentError] = []
    read: list[tuple[str, Path, str, str, int]] = []
    for section, paths in content_files(root).items():
        for path in paths:
            try:
                read.append((section, path, *_read_text(path)))
            except ContentError as exc:
                errors.append(exc)
    parsed = parsed if parsed is not None else ParsedFrontMatter()
    new = list({front: path for _, path, front, _, _ in read if front not in parsed.known}.items())
    found = dict(zip((front for front, _ in new), in_order(map_chunks(_parse_each, new, workers))))
    documents: dict[str, list[RawDocument]] = {section: [] for section in SECTIONS}
    for section, path, front, body, body_line in read:
        made = found.get(front)
        if isinstance(made, ContentError):
            errors.append(made if made.path == path else dataclasses.replace(made, path=path))
            continue
        if made is not None:
            parsed.learn(front, made)
            del found[front]
        documents[section].append(_document(path, section, body, body_line, parsed.get(path, front)))
    return documents, errors


def _parse_each(chunk: list[tuple[str, Path]]) -> list[tuple | ContentError]:
    """_parse_yaml of each (front matter, a file it is from); a ContentError in place of one that fails."""
    out: list[tuple | ContentError] = []
    for front, path in chunk:
        try:
            out.append(_parse_yaml(path, front, 2))
        except ContentError as exc:
            out.append(exc)
    return out
