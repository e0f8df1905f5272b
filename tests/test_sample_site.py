"""The sample site in content/: what a new user sees first."""

import re
from collections import Counter

import pytest

from nashra.build import build, mention_table
from nashra.config import load_config
from nashra.link import link
from nashra.load import load_content
from nashra.markup import MentionTable, Target
from nashra.model import make_site
from nashra.urls import Urls

from helpers import REPO, broken_links, page

SEEDS = REPO.parent / "shared" / "seeds"


@pytest.fixture(scope="module")
def public(tmp_path_factory):
    return build(REPO, output=tmp_path_factory.mktemp("sample") / "public").output


@pytest.fixture(scope="module")
def site():
    config = load_config(REPO)
    documents, errors = load_content(REPO)
    site, model_errors = make_site(config, documents, drafts=False)
    links, link_errors = link(site)
    assert not errors + model_errors + link_errors
    return site, links


def story_links(doc):
    return doc.xpath("//ol[@class='story-list']//*[@class='story-title']/a/@href")


def test_every_story_in_both_languages(site):
    _, links = site
    assert len(links.stories) == 9
    assert all(set(story.versions) == {"ar", "en"} for story in links.stories.values())


def test_no_broken_links_and_every_kind_of_page(public):
    assert broken_links(public) == []
    for lang in ("ar", "en"):
        assert len(story_links(page(public, lang))) == 9
        for path in ("actors", "countries", "about", "actors/ibrahim-kalin", "countries/ru"):
            assert (public / lang / path / "index.html").is_file()


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_kalin_page_lists_every_story_he_appears_in(public, site, lang):
    site_, links = site
    names = links.mention_names["ar"][("actor", "ibrahim-kalin")]
    table = mention_table(site_, links, Urls(site_.config.base_url), "ar", ["ibrahim-kalin"], [])
    appears = {s.slug for s in links.stories.values() if table.find(s.versions["ar"].body, set())}
    assert names and len(appears) == 2
    listed = story_links(page(public, f"{lang}/actors/ibrahim-kalin"))
    assert sorted(listed) == sorted(f"/{lang}/articles/{slug}/" for slug in appears)


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_russia_page_lists_every_russia_story(public, site, lang):
    site_, links = site
    table = mention_table(site_, links, Urls(site_.config.base_url), "ar", [], ["ru"])
    russian = {s.slug for s in links.stories.values() if table.find(s.versions["ar"].body, set())}
    assert len(russian) == 4
    assert sorted(story_links(page(public, f"{lang}/countries/ru"))) == sorted(
        f"/{lang}/articles/{slug}/" for slug in russian)


def test_front_matter_links_every_actor_and_country_the_body_names(site):
    """Each story's actors and countries cover everything its bodies name (by names no other entity shares)."""
    site_, links = site
    for lang in site_.config.languages:
        names = links.mention_names[lang]
        owners = Counter(key for keys in names.values() for key in keys)
        tables = {entity: MentionTable([(Target(entity, "/", ""), [k for k in keys if owners[k] == 1])])
                  for entity, keys in names.items()}
        for story in links.stories.values():
            linked = {("actor", a) for a in story.actors} | {("country", c) for c in story.countries}
            named = {entity for entity, table in tables.items() if table.find(story.versions[lang].body, set())}
            assert named <= linked, f"{story.slug}.{lang}.md names {sorted(named - linked)}"


def test_duplicate_coverage_of_one_meeting_is_related(public):
    one, other = "lafi-receives-kinshchak-tripoli", "russia-libya-discuss-political-situation-tripoli"
    for a, b in ((one, other), (other, one)):
        related = page(public, f"en/articles/{a}").xpath("//section[@class='related']//*[@class='story-title']/a/@href")
        assert related[0] == f"/en/articles/{b}/"


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside the repository")
def test_arabic_bodies_are_the_seed_text_as_published(site):
    seeds = "\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
    seed_lines = {line.strip().lstrip("•").strip() for line in seeds.splitlines() if line.strip()}
    site_, _ = site
    for article in site_.articles:
        if article.lang != "ar":
            continue
        for paragraph in filter(None, (p.strip() for p in article.body.split("\n"))):
            text = re.sub(r"^[-*] ", "", paragraph)
            assert text in seed_lines, f"{article.path.name}: {text[:60]}"
