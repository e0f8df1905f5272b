"""New sites and new content files: `nashra init` and `nashra new`. Never overwrites a file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .errors import ContentError
from .model import COUNTRY_RE, check_slug

SITE_FILES = {
    "site.toml": '''base_url = "https://example.org"
languages = ["ar", "en"]      # the first is the default language
theme = "default"

[title]
ar = "نشرتي"
en = "My bulletin"

[locale]                      # Babel locale for dates: ar (أبريل), ar_SY (نيسان), ar_TN (أفريل)
ar = "ar"
en = "en_GB"

[digits]                      # latn: 2025, arab: ٢٠٢٥
ar = "latn"
''',
    "content/articles/welcome.ar.md": '''---
title: "مرحبًا بكم في نشرتي"
date: {today}
summary: "أول خبر في الموقع."
actors: [example-actor]
countries: [ly]
---
هذا أول خبر في موقعك. يذكر الخبر ليبيا والشخصية المثال، فيصير كل منهما رابطًا إلى صفحته.
''',
    "content/articles/welcome.en.md": '''---
title: "Welcome to my bulletin"
date: {today}
summary: "The first story on the site."
actors: [example-actor]
countries: [ly]
---
This is the first story on your site. It mentions Libya and the Example Actor, and each becomes a link to its page.
''',
    "content/actors/example-actor.md": '''---
name: {{ar: "الشخصية المثال", en: "Example Actor"}}
aliases: {{ar: ["المثال"], en: ["Example"]}}
role: {{ar: "مثال على شخصية", en: "An example person"}}
country: ly
kind: person
---
## ar
سيرة قصيرة بالعربية.

## en
A short biography in English.
''',
    "content/countries/ly.md": '''---
name: {{ar: "ليبيا", en: "Libya"}}
aliases: {{ar: ["الليبية", "الليبي", "طرابلس"], en: ["Libyan", "Tripoli"]}}
---
''',
}

NEW_FILES = {
    "article": ("content/articles/{slug}.{lang}.md", '''---
title: ""
date: {today}
summary: ""
actors: []
countries: []
source: {{name: "", url: ""}}
draft: true
---

'''),
    "actor": ("content/actors/{slug}.md", '''---
name: {{ar: "", en: ""}}
aliases: {{ar: [], en: []}}
role: {{ar: "", en: ""}}
country:
kind: person          # person | organisation
---
## ar


## en

'''),
    "country": ("content/countries/{slug}.md", '''---
name: {{ar: "", en: ""}}
aliases: {{ar: [], en: []}}
---
'''),
}


def _refuse_existing(paths: list[Path]) -> None:
    for path in paths:
        if path.exists():
            raise ContentError(path, None, "already exists; nashra never overwrites a file",
                               "choose another folder or name, or delete the file first")


def init_site(folder: Path) -> list[Path]:
    """Write a minimal site that builds at once: one article in each language, one actor, one country."""
    today = dt.date.today().isoformat()
    targets = {folder / name: text.format(today=today) for name, text in SITE_FILES.items()}
    _refuse_existing(list(targets))
    for path, text in targets.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return list(targets)


def new_file(site: Path, kind: str, slug: str, lang: str | None = None) -> Path:
    pattern, template = NEW_FILES[kind]
    path = site / pattern.format(slug=slug, lang=lang)
    if kind == "country":
        if not COUNTRY_RE.match(slug):
            raise ContentError(path, None, f"{slug!r} is not an ISO 3166-1 alpha-2 country code",
                               "use the two-letter code in lower case, such as tr or ly")
    else:
        check_slug(path, slug)
    _refuse_existing([path])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(template.format(today=dt.date.today().isoformat()), encoding="utf-8")
    return path
