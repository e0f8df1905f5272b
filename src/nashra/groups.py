"""What a build remembers of its page groups, so that the next one keeps those whose every read is unchanged.

A group (a planner key: an article's pages, an actor's, the home page ...) is traced while it is planned
(Planner.traced): the keys of what it read, each with a digest of its value (Planner.value_digest). Tens of
thousands of groups read a few million keys between them, most shared (a country, a template, a card), so
each distinct key is held once in a ReadTable and a group carries the ids of its reads in it.
"""

from __future__ import annotations

import pickle
from array import array
from pathlib import Path
from typing import NamedTuple

from .write import Entry, Staging


class Written(NamedTuple):
    """A page written by a worker, as the build reports and checks it (see plan.check_unique). Small, as tens
    of thousands come back from the workers while the index is being made."""

    url: str
    kind: str
    lang: str
    source: str                  # the file it was made from ("" for none)
    templated: bool              # rendered from a template (a page), not written as it is (a feed, JSON)
    path: str                    # in the output folder
    entry: Entry                 # the file as written (or kept)
    rendered: bool               # rendered by this build (not kept from the last one)

    @property
    def sources(self) -> tuple[Path, ...]:
        return (Path(self.source),) if self.source else ()


class GroupMade(NamedTuple):
    """A planner group as a build made (or kept) it: the ids of its reads in the build's ReadTable, and its
    pages as written."""

    key: tuple
    ids: array
    pages: tuple[Written, ...]


class ReadTable:
    """Each distinct read key once, with the digest of its value: the groups hold ids into it."""

    def __init__(self, reads: list[tuple] | None = None, values: list[bytes] | None = None):
        self.reads = list(reads or ())
        self.values = list(values or ())
        self._ids = {read: i for i, read in enumerate(self.reads)}

    def add(self, read: tuple, value: bytes) -> int:
        """The id of `read`, with `value` as its digest from now on (a changed value: no kept group reads it)."""
        found = self._ids.get(read)
        if found is None:
            found = self._ids[read] = len(self.reads)
            self.reads.append(read)
            self.values.append(value)
        else:
            self.values[found] = value
        return found

    def packed(self) -> bytes:
        """This table as one bytes object, for a render worker to send back: it waits in the main process
        until merged (take), and each chunk's table repeats much of what the others read (cards, countries,
        templates): at 30,000 articles, 2-4 MB a chunk packed."""
        return pickle.dumps((self.reads, self.values), protocol=pickle.HIGHEST_PROTOCOL)

    def take(self, packed: bytes) -> array:
        """Add every read of a packed table: what each of its ids is in this table."""
        reads, values = pickle.loads(packed)
        return array("i", map(self.add, reads, values))

    def __len__(self) -> int:
        return len(self.reads)


# Groups made again by every build: they read what no trace records (the settings, the static files), and
# are few and small.
ALWAYS_MADE = frozenset({"root", "lost", "headers", "redirects", "robots", "search", "notfound"})


def kept_groups(last: dict, value_digest, setting: str, staging: Staging,
                wanted: set[tuple]) -> dict[tuple, GroupMade]:
    """The groups of the last build into this output that would make the same pages now: each value they
    read is as it was (value_digest(read) as saved, under the same templates, strings and settings,
    `setting`), and each of their files is in the output as that build left it. Their pages are kept
    without being planned. See saved_groups for the layout."""
    if last.get("output") != str(staging.output) or last.get("setting") != setting:
        return {}
    same = [value_digest(read) == value for read, value in zip(last["reads"], last["values"])]
    kept = {}
    for key, ids, pages in last["groups"]:
        if key[0] in ALWAYS_MADE or key not in wanted or not all(map(same.__getitem__, ids)):
            continue
        entries = [staging.kept(page[5]) for page in pages]
        if None not in entries:
            kept[key] = GroupMade(key, ids, tuple(Written(*page, entry, False) for page, entry in zip(pages, entries)))
    return kept


def saved_groups(output: Path, setting: str, groups: list[GroupMade], table: ReadTable) -> dict:
    """What kept_groups reads at the next build: each distinct read once ("reads", with the digest of its
    value in "values"), and each group as (key, the ids of its reads, its pages without their files'
    entries). The table goes on from build to build, as kept groups' ids point into it, and is made afresh
    when most of it is no longer read."""
    saved = [(group.key, group.ids, tuple(page[:6] for page in group.pages)) for group in groups]
    reads, values = table.reads, table.values
    used = set().union(*(ids for _, ids, _ in saved))
    if 2 * len(used) < len(reads):
        kept = sorted(used)
        renumber = {old: new for new, old in enumerate(kept)}
        reads, values = [reads[i] for i in kept], [values[i] for i in kept]
        saved = [(key, array("i", map(renumber.__getitem__, ids)), pages) for key, ids, pages in saved]
    return {"output": str(output), "setting": setting, "reads": reads, "values": values, "groups": saved}
