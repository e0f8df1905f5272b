"""Incremental rebuilds (nashra.live): after every edit the output is byte for byte a clean full build,
and an edit re-renders only the pages it touches."""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path, PurePosixPath as PurePath

import pytest

from nashra.build import build
from nashra.errors import BuildError
from nashra import arabic, live as live_module, search
from nashra.live import LiveBuild

from helpers import REPO, tree

BASE = "http://127.0.0.1:8000"


def assert_same_as_full_build(site: Path, live_output: Path, reference: Path) -> None:
    shutil.rmtree(reference, ignore_errors=True)
    build(site, reference, base_url=BASE, fingerprint=False)
    live, full = tree(live_output), tree(reference)
    assert sorted(set(live) - set(full)) == [], "files a full build does not write"
    assert sorted(set(full) - set(live)) == [], "files missing after the incremental rebuild"
    assert [p for p in full if live[p] != full[p]] == [], "files that differ from a full build"
    leftovers = [p for p in live_output.rglob("*") if p.is_dir() and not any(p.iterdir())]
    assert leftovers == [], "empty folders left behind"


@pytest.fixture
def sample(tmp_path) -> Path:
    """A copy of the sample site with short list pages, so lists run over several pages."""
    site = tmp_path / "site"
    shutil.copytree(REPO / "content", site / "content")
    toml = (REPO / "site.toml").read_text(encoding="utf-8")
    (site / "site.toml").write_text(toml.replace('languages = ["ar", "en"]', 'languages = ["ar", "en"]\npage_size = 3'),
                                    encoding="utf-8")
    return site


def front(path: Path) -> tuple[str, str]:
    text = path.read_text(encoding="utf-8")
    _, meta, body = text.split("---\n", 2)
    return meta, body


class Editor:
    """Random edits an author makes, each returning the files it touched."""

    def __init__(self, site: Path, seed: int):
        self.site, self.random = site, random.Random(seed)
        self.articles = site / "content" / "articles"
        self.actors = site / "content" / "actors"
        self.count = 0

    def pick(self, folder: Path, pattern: str = "*.md") -> Path:
        return self.random.choice(sorted(folder.glob(pattern)))

    def change_body(self) -> set[Path]:
        path = self.pick(self.articles)
        meta, body = front(path)
        self.count += 1
        sentence = f"فقرة جديدة رقم {self.count} عن قالن." if path.name.endswith(".ar.md") else f"New paragraph {self.count}."
        lines = body.strip().split("\n\n")
        lines.insert(self.random.randrange(len(lines) + 1), sentence)
        path.write_text(f"---\n{meta}---\n" + "\n\n".join(lines) + "\n", encoding="utf-8")
        return {path}

    def change_title(self) -> set[Path]:
        path = self.pick(self.articles)
        text = path.read_text(encoding="utf-8")
        self.count += 1
        path.write_text(re.sub(r'^title: "?(.*?)"?$', rf'title: "\1 ({self.count})"', text, count=1, flags=re.M),
                        encoding="utf-8")
        return {path}

    def change_date(self) -> set[Path]:
        path = self.pick(self.articles)
        text = path.read_text(encoding="utf-8")
        day = f"20{self.random.randint(19, 26)}-0{self.random.randint(1, 9)}-1{self.random.randint(0, 9)}"
        path.write_text(re.sub(r"^date: .*$", f"date: {day}", text, count=1, flags=re.M), encoding="utf-8")
        return {path}

    def add_article(self) -> set[Path]:
        self.count += 1
        source = self.pick(self.articles, "*.ar.md")
        path = self.articles / f"new-story-{self.count}.ar.md"
        text = re.sub(r"^title: .*$", f'title: "خبر جديد {self.count}"', source.read_text(encoding="utf-8"),
                      count=1, flags=re.M)
        path.write_text(text, encoding="utf-8")
        return {path}

    def add_translation(self) -> set[Path]:
        lonely = [p for p in sorted(self.articles.glob("*.ar.md"))
                  if not (self.articles / p.name.replace(".ar.md", ".en.md")).exists()]
        if not lonely:
            return self.add_article()
        source = self.random.choice(lonely)
        meta, _ = front(source)
        meta = re.sub(r"^title: .*$", 'title: "A translation"', meta, flags=re.M)
        meta = re.sub(r"^summary: .*\n", "", meta, flags=re.M)
        target = self.articles / source.name.replace(".ar.md", ".en.md")
        target.write_text(f"---\n{meta}---\nThe story in English, with Kalın.\n", encoding="utf-8")
        return {target}

    def delete_article(self) -> set[Path]:
        path = self.pick(self.articles)
        path.unlink()
        return {path}

    def rename_article(self) -> set[Path]:
        path = self.pick(self.articles)
        self.count += 1
        target = path.with_name(f"renamed-{self.count}.{path.name.split('.')[-2]}.md")
        path.rename(target)
        return {path, target}

    def rename_actor(self) -> set[Path]:
        path = self.pick(self.actors)
        text = path.read_text(encoding="utf-8")
        self.count += 1
        path.write_text(re.sub(r"(\ben: ?\"?)([^\",}]+)", rf"\1\2 {self.count}", text, count=1), encoding="utf-8")
        return {path}

    def rename_country(self) -> set[Path]:
        path = self.pick(self.site / "content" / "countries")
        self.count += 1
        path.write_text(re.sub(r"(\bar: ?\"?)([^\",}]+)", rf"\1\2 {self.count}", path.read_text(encoding="utf-8"),
                               count=1), encoding="utf-8")
        return {path}

    def add_actor(self) -> set[Path]:
        self.count += 1
        slug = f"new-person-{self.count}"
        path = self.actors / f"{slug}.md"
        path.write_text(f'---\nname: {{ar: "شخص جديد {self.count}", en: "New Person {self.count}"}}\nkind: person\n---\n',
                        encoding="utf-8")
        story = self.pick(self.articles)
        text = story.read_text(encoding="utf-8")
        if re.search(r"^actors: \[", text, flags=re.M):
            story.write_text(re.sub(r"^actors: \[", f"actors: [{slug}, ", text, count=1, flags=re.M), encoding="utf-8")
        return {path, story}

    def delete_unused_actor(self) -> set[Path]:
        used = " ".join(p.read_text(encoding="utf-8") for p in self.articles.glob("*.md"))
        unused = [p for p in sorted(self.actors.glob("*.md")) if p.stem not in used]
        if not unused:
            return self.add_actor()
        path = self.random.choice(unused)
        path.unlink()
        return {path}

    def edit_page(self) -> set[Path]:
        path = self.pick(self.site / "content" / "pages")
        self.count += 1
        path.write_text(path.read_text(encoding="utf-8").replace("title: ", f"title: {self.count} ", 1), encoding="utf-8")
        return {path}

    def override_template(self) -> set[Path]:
        path = self.site / "templates" / "partials" / "embed_control.html"
        theme = REPO / "themes" / "default" / "templates" / "partials" / "embed_control.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        self.count += 1
        path.write_text(theme.read_text(encoding="utf-8") + f"<!-- override {self.count} -->\n", encoding="utf-8")
        return {path}

    def change_static(self) -> set[Path]:
        path = self.site / "static" / "css" / "extra.css"
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and self.random.random() < 0.4:
            path.unlink()
        else:
            self.count += 1
            path.write_text(f"body {{ --n: {self.count}; }}\n", encoding="utf-8")
        return {path}

    def change_config(self) -> set[Path]:
        path = self.site / "site.toml"
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"page_size = \d+", f"page_size = {self.random.choice([2, 3, 4])}", text),
                        encoding="utf-8")
        return {path}

    EDITS = ("change_body", "change_body", "change_body", "change_title", "change_date", "add_article",
             "add_translation", "delete_article", "rename_article", "rename_actor", "rename_country", "add_actor",
             "delete_unused_actor", "edit_page", "override_template", "change_static", "change_config")


@pytest.mark.parametrize("seed", [4, 11])
def test_random_edits_match_a_full_build(sample, tmp_path, seed):
    live = LiveBuild(sample, tmp_path / "live", base_url=BASE)
    live.rebuild()
    reference = tmp_path / "full"
    assert_same_as_full_build(sample, live.output, reference)
    editor = Editor(sample, seed=seed)
    done = []
    for step in range(30):
        edit = editor.EDITS[step] if step < len(editor.EDITS) else editor.random.choice(editor.EDITS)
        touched = getattr(editor, edit)()
        done.append(edit)
        live.rebuild(touched)
        live.finish()
        assert_same_as_full_build(sample, live.output, reference), done
    assert set(done) == set(Editor.EDITS)


def test_word_edits_update_the_index_in_place_as_a_full_build_makes_it(sample, tmp_path, monkeypatch):
    """Small shards, so the index has hundreds in many chunks: each edit re-cuts only the chunks of the terms
    it changed, including words that enter or leave the site and so refile other articles (زير, once it is
    a word of the site, is a form of وزير everywhere), and the output is still a full build's."""
    monkeypatch.setattr(search, "SHARD_BYTES", 300)
    monkeypatch.setattr(search, "CHUNK_SHARDS", 2)
    updates = []
    real_update = search.update_index
    monkeypatch.setattr(live_module, "update_index", lambda *a, **k: updates.append(real_update(*a, **k)) or updates[-1])
    live = LiveBuild(sample, tmp_path / "live", base_url=BASE)
    live.rebuild()
    shards = len(live._search.state.shards)
    assert shards > 100
    articles = sample / "content" / "articles"
    rng = random.Random(5)
    arabic_words = sorted(set(re.findall(r"[\u0621-\u064a]{5,}", " ".join(
        p.read_text(encoding="utf-8") for p in sorted(articles.glob("*.ar.md"))))))
    letters = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
    many = "\n" + " ".join("".join(rng.choice(letters) for _ in range(5)) for _ in range(40)) + "\n"
    # A word that sorts just before a chunk's first key: its chunk is the one before, as a full build cuts it.
    state = live._search.state
    bounds = search._bounds(state.shards)
    gap = next(bound for shard, bound in zip(state.shards, bounds) if bound and bound != shard.first
               and search._is_boundary(shard.first, state.modulus) and arabic.shard_key(bound) == bound
               and not search._is_boundary(bound, state.modulus))
    edits = ["\nزير\n", "\nوالزير وبالزير\n", f"\n{gap}\n", many] + [None] * 16
    for edit in edits:
        story = rng.choice(sorted(articles.glob("*.ar.md")))
        meta, body = front(story)
        few = edit is not many                              # new words all over the index: many chunks change
        if edit is None:
            word = rng.choice(arabic_words)
            kind = rng.randrange(4)
            if kind == 0:                                   # a clitic-free form of a word of the site
                edit = f"\nكلمة {word[1:]} هنا.\n"
            elif kind == 3:                                 # words new to the site, anywhere among the keys
                edit = "\n" + " ".join("".join(rng.choice(letters) for _ in range(5)) for _ in range(6)) + "\n"
            elif kind == 1:                                 # forms with clitics
                edit = f"\nوال{word} وب{word} ف{word}\n"
            else:                                           # a paragraph goes, and its words may leave the site
                paragraphs = body.strip().split("\n\n")
                body = "\n\n".join(paragraphs[1:] or paragraphs) + "\n"
                edit = "\nرئيس الرييس مسؤول مسئول\n"
        story.write_text(f"---\n{meta}---\n{body.rstrip()}\n{edit}", encoding="utf-8")
        live.rebuild({story})
        index = live.finish()
        assert updates[-1] is not None, "the index was made afresh"
        shard_files = [p for p in index.written if p.parts[1] == "t"]
        assert len(shard_files) < shards / 4 or not few
        assert_same_as_full_build(sample, live.output, tmp_path / "full")


def test_an_edit_renders_only_what_it_touches(sample, tmp_path):
    live = LiveBuild(sample, tmp_path / "live", base_url=BASE)
    live.rebuild()
    articles = sample / "content" / "articles"
    story = articles / "lafi-koni-meet-kalin.ar.md"

    # A new last paragraph: the article page, and the language's feeds, which carry full texts (lists show
    # the title and the first paragraph, actors' and countries' feeds the summary). The article and its embed
    # view are rendered again; the embed shows the first paragraph only, so it is not written.
    story.write_text(story.read_text(encoding="utf-8") + "\nجملة أخيرة جديدة.\n", encoding="utf-8")
    result = live.rebuild({story})
    assert result.written == {PurePath("ar/articles/lafi-koni-meet-kalin/index.html"), PurePath("ar/feed.xml"),
                              PurePath("ar/feed.json")}
    assert result.pages == 2
    index = live.finish()
    assert index.written and all(p.parts[0] == "search" for p in index.written - {PurePath("ar/search/index.html"),
                                                                                 PurePath("en/search/index.html")})

    # A new title: the article, its embed, and every list that shows it (home, its actors and countries,
    # related stories), but no page of an actor who is not in it.
    meta, body = front(story)
    story.write_text("---\n" + re.sub(r"^title: .*$", 'title: "عنوان جديد"', meta, flags=re.M) + "---\n" + body,
                     encoding="utf-8")
    result = live.rebuild({story})
    written = {p.as_posix() for p in result.written}
    assert "ar/articles/lafi-koni-meet-kalin/index.html" in written
    assert "ar/articles/lafi-koni-meet-kalin/embed/index.html" in written
    assert "ar/actors/ibrahim-kalin/index.html" in written
    assert "ar/countries/tr/index.html" in written
    assert not any(p.startswith("ar/actors/xi-jinping/") for p in written)
    assert not any(p.startswith("en/") for p in written)       # the English version keeps its own title

    # An actor's new name: their page, and the articles that link them, in that language.
    kalin = sample / "content" / "actors" / "ibrahim-kalin.md"
    kalin.write_text(kalin.read_text(encoding="utf-8").replace("Ibrahim Kalın", "İbrahim Kalın"), encoding="utf-8")
    result = live.rebuild({kalin})
    written = {p.as_posix() for p in result.written}
    assert "en/actors/ibrahim-kalin/index.html" in written
    assert "en/articles/lafi-koni-meet-kalin/index.html" in written
    assert not any(p.startswith("ar/articles/") for p in written)
    live.finish()
    assert_same_as_full_build(sample, live.output, tmp_path / "full")


def test_a_template_edit_renders_the_pages_that_use_it(sample, tmp_path):
    live = LiveBuild(sample, tmp_path / "live", base_url=BASE)
    live.rebuild()
    template = sample / "templates" / "country.html"
    template.parent.mkdir()
    theme = REPO / "themes" / "default" / "templates" / "country.html"
    template.write_text(theme.read_text(encoding="utf-8").replace("{% block main %}", "{% block main %}<!-- mine -->"),
                        encoding="utf-8")
    result = live.rebuild({template})
    kinds = {p.parts[1] for p in result.written}
    assert kinds == {"countries"}
    assert all("<!-- mine -->" in (live.output / p).read_text(encoding="utf-8") for p in result.written
               if p.parts[2:3] != ("index.html",))


def test_a_broken_save_leaves_the_output_and_a_fix_recovers(sample, tmp_path):
    live = LiveBuild(sample, tmp_path / "live", base_url=BASE)
    live.rebuild()
    before = tree(live.output)
    story = sample / "content" / "articles" / "lafi-koni-meet-kalin.ar.md"
    good = story.read_text(encoding="utf-8")
    story.write_text(good.replace("title:", "title: [unclosed", 1), encoding="utf-8")
    with pytest.raises(BuildError) as failure:
        live.rebuild({story})
    assert re.search(r"lafi-koni-meet-kalin\.ar\.md:3: front matter is not valid YAML.*starts on line 2",
                     failure.value.format())
    assert tree(live.output) == before
    story.write_text(good + "\nجملة بعد الإصلاح.\n", encoding="utf-8")
    live.rebuild({story})
    live.finish()
    assert "جملة بعد الإصلاح" in (live.output / "ar/articles/lafi-koni-meet-kalin/index.html").read_text()
    assert_same_as_full_build(sample, live.output, tmp_path / "full")



def test_a_failed_rebuild_is_redone_in_full_by_the_next(sample, tmp_path):
    """site.toml broken, then an article saved: the article's rebuild must not pass with the old settings."""
    live = LiveBuild(sample, tmp_path / "live", base_url=BASE)
    live.rebuild()
    config = sample / "site.toml"
    good = config.read_text(encoding="utf-8")
    config.write_text(good.replace("page_size = 3", "page_size = 0"), encoding="utf-8")
    with pytest.raises(BuildError):
        live.rebuild({config})
    story = sample / "content" / "articles" / "lafi-koni-meet-kalin.ar.md"
    story.write_text(story.read_text(encoding="utf-8") + "\nجملة.\n", encoding="utf-8")
    with pytest.raises(BuildError):
        live.rebuild({story})
    config.write_text(good.replace("page_size = 3", "page_size = 2"), encoding="utf-8")
    live.rebuild({story})                       # site.toml's fix is seen although only the article was named
    live.finish()
    assert_same_as_full_build(sample, live.output, tmp_path / "full")


def test_an_interrupted_index_is_finished_later(sample, tmp_path):
    live = LiveBuild(sample, tmp_path / "live", base_url=BASE, index_later=True)
    live.rebuild()
    assert live.index_stale and not (live.output / "search").exists()
    asked = []
    result = live.finish(cancelled=lambda: asked.append(1) or len(asked) > 1)     # a save arrives at once
    assert asked and not result.changed and live.index_stale
    assert not (live.output / "search").exists()
    live.finish(cancelled=lambda: False)
    assert not live.index_stale
    assert_same_as_full_build(sample, live.output, tmp_path / "full")


def test_open_pages_are_written_first(sample, tmp_path):
    live = LiveBuild(sample, tmp_path / "live", base_url=BASE)
    live.rebuild()
    story = sample / "content" / "articles" / "lafi-koni-meet-kalin.ar.md"
    meta, body = front(story)
    story.write_text("---\n" + re.sub(r"^title: .*$", 'title: "عنوان آخر"', meta, flags=re.M) + "---\n" + body,
                     encoding="utf-8")
    page = PurePath("ar/articles/lafi-koni-meet-kalin/index.html")
    early = []

    def first_done(result):
        early.append((result.written, (live.output / page).read_text(encoding="utf-8"),
                      (live.output / "ar/actors/ibrahim-kalin/index.html").read_text(encoding="utf-8")))

    result = live.rebuild({story}, first={page, PurePath("en/index.html")}, first_done=first_done)
    [(written, article_then, list_then)] = early
    assert written == {page} and "عنوان آخر" in article_then
    assert "عنوان آخر" not in list_then                          # the lists came after
    assert PurePath("ar/actors/ibrahim-kalin/index.html") in result.written and page in result.written
    live.finish()
    assert_same_as_full_build(sample, live.output, tmp_path / "full")


def test_a_page_that_comes_back_is_written_again(sample, tmp_path):
    """Delete an article, then put the same file back: its pages are gone, then written again."""
    live = LiveBuild(sample, tmp_path / "live", base_url=BASE)
    live.rebuild()
    story = sample / "content" / "articles" / "dbeibah-meets-kalin-tripoli.en.md"
    text = story.read_text(encoding="utf-8")
    story.unlink()
    live.rebuild({story})
    assert not (live.output / "en/articles/dbeibah-meets-kalin-tripoli/index.html").exists()
    story.write_text(text, encoding="utf-8")
    live.rebuild({story})
    live.finish()
    assert (live.output / "en/articles/dbeibah-meets-kalin-tripoli/index.html").exists()
    assert_same_as_full_build(sample, live.output, tmp_path / "full")
