"""Bad input: file, line, what is wrong, what to do; exit code 1; the previous output untouched."""

import pytest

from nashra.build import build
from nashra.cli import main
from nashra.errors import BuildError
from nashra.load import ParsedFrontMatter, load_content

from helpers import article


def errors_of(root):
    with pytest.raises(BuildError) as caught:
        build(root)
    return caught.value.errors


def test_malformed_yaml_names_file_and_line(make_site):
    root = make_site({"content/articles/a.ar.md": '---\ntitle: "ok"\ndate: 2025-01-01\nactors: [a, b\n---\nنص\n'})
    (error,) = errors_of(root)
    assert error.path.name == "a.ar.md" and error.line in (4, 5) and "not valid YAML" in error.message


def test_missing_title_and_date(make_site):
    root = make_site({
        "content/articles/a.ar.md": '---\ndate: 2025-01-01\n---\nنص\n',
        "content/articles/b.ar.md": '---\ntitle: "x"\n---\nنص\n',
        "content/articles/c.ar.md": '---\ntitle: "x"\ndate: 28/04/2025\n---\nنص\n',
    })
    errors = {e.path.name: e for e in errors_of(root)}
    assert errors["a.ar.md"].message == "missing title"
    assert errors["b.ar.md"].message == "missing date"
    assert errors["c.ar.md"].line == 3 and "ISO 8601" in errors["c.ar.md"].message
    assert "YYYY-MM-DD" in errors["c.ar.md"].hint


def test_unknown_actor_points_at_the_list_item_and_suggests(make_site):
    root = make_site({"content/articles/a.ar.md":
                      '---\ntitle: "x"\ndate: 2025-01-01\nactors:\n  - abdullah-al-lafi\n  - kalin\n---\n'})
    (error,) = errors_of(root)
    assert (error.line, error.message) == (6, "unknown actor 'kalin'")
    assert "ibrahim-kalin" in error.hint


def test_unknown_country_suggests_by_name(make_site):
    root = make_site({"content/articles/a.ar.md": article("x", countries="[turkey]")})
    (error,) = errors_of(root)
    assert error.message == "unknown country 'turkey'" and "tr" in error.hint


@pytest.mark.parametrize("name,expected", [
    ("content/articles/Bad_Slug.ar.md", "bad slug 'Bad_Slug'"),
    ("content/articles/good.fr.md", "language code 'fr' is not one of the site's languages"),
    ("content/articles/nolang.md", "the file name has no language code"),
    ("content/countries/turkey.md", "not an ISO 3166-1 alpha-2 code"),
])
def test_bad_file_names(make_site, name, expected):
    text = article("x") if "articles" in name else '---\nname: {ar: "x"}\n---\n'
    (error,) = errors_of(make_site({name: text}))
    assert expected in error.message and error.hint


def test_two_files_claiming_one_page(make_site):
    root = make_site({"content/pages/actors.ar.md": '---\ntitle: "x"\n---\n'})
    (error,) = errors_of(root)
    assert "/ar/actors/" in error.hint and "rename" in error.hint


def test_every_error_is_reported_at_once(make_site):
    root = make_site({
        "content/articles/a.ar.md": article("x", actors="[nobody]"),
        "content/articles/b.ar.md": '---\ntitle: "y"\n---\n',
        "content/actors/broken.md": '---\nname: {ar: "x"}\ncountry: zz\n---\n',
    })
    assert len(errors_of(root)) == 3


def test_failed_build_leaves_previous_output_untouched(make_site, capsys):
    root = make_site({"content/articles/a.ar.md": article("أول")})
    output = build(root).output
    before = {p.relative_to(output): p.read_bytes() for p in output.rglob("*") if p.is_file()}
    (root / "content/articles/b.ar.md").write_text('---\ntitle: "x"\ndate: nope\n---\n', encoding="utf-8")
    assert main(["build", str(root), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "b.ar.md:3: date 'nope' is not an ISO 8601 date" in err and "hint:" in err
    assert "Traceback" not in err
    after = {p.relative_to(output): p.read_bytes() for p in output.rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in output.parent.iterdir() if p.name.startswith(".public")] == []


def test_not_a_site(tmp_path, capsys):
    assert main(["build", str(tmp_path)]) == 1
    assert "no site.toml" in capsys.readouterr().err


def test_bad_site_toml_reports_every_problem(make_site, capsys):
    root = make_site({"site.toml": 'base_url = "example.org"\nlanguages = ["ar", "xx"]\n[digits]\nar = "roman"\n'})
    assert main(["build", str(root)]) == 1
    err = capsys.readouterr().err
    assert "base_url must be an absolute" in err and "unknown language code 'xx'" in err and "digits" in err


@pytest.mark.parametrize("output", [".", "..", "content", "content/articles", "themes"])
def test_output_folder_never_replaces_the_sources(make_site, output):
    root = make_site({"content/articles/a.ar.md": article("أول")})
    before = sorted(p for p in root.rglob("*"))
    with pytest.raises(BuildError) as caught:
        build(root, output=root / output)
    assert "output folder would replace" in caught.value.errors[0].message
    assert sorted(p for p in root.rglob("*")) == before


def test_unclosed_quote_names_the_line_it_started_on(make_site):
    root = make_site({"content/articles/a.en.md": '---\ntitle: "Talks\ndate: 2025-01-01\n---\ntext\n'})
    (error,) = errors_of(root)
    assert "starts on line 2" in error.message


@pytest.mark.parametrize("template, line, message", [
    ("{% extends 'base.html' %}\n{% block main %}\n<p>\n{{ page.title \n{% endblock %}\n", 5, "expected token"),
    ("{% extends 'base.html' %}\n{% block main %}\n{{ page.title }}\n{{ nosuch.title }}\n{% endblock %}\n", 4,
     "'nosuch' is undefined"),
])
@pytest.mark.parametrize("workers", [1, 2])
def test_a_broken_template_names_its_file_and_line(make_site, capsys, template, line, message, workers):
    """A syntax error, or a name the context lacks, even when pages render in worker processes."""
    files = {"content/pages/about.ar.md": '---\ntitle: "عن"\n---\nنص\n', "templates/page.html": template}
    files |= {f"content/articles/s{i}.ar.md": article(f"خبر {i}") for i in range(40)}   # enough for workers
    root = make_site(files)
    with pytest.raises(BuildError) as caught:
        build(root, workers=workers)
    (error,) = caught.value.errors
    assert (error.path, error.line) == (root / "templates/page.html", line) and message in error.message
    assert main(["build", str(root)]) == 1
    assert f"templates/page.html:{line}: template error" in capsys.readouterr().err


def test_front_matter_parsed_by_workers_is_named_by_its_own_file(make_site):
    """load_content parses new front matter on several cores: each bad file is still named with its line,
    also when two files hold the same bad front matter, and the good ones load as they do on one core."""
    bad = '---\ntitle: "ok"\ndate: 2025-01-01\nactors: [a, b\n---\nنص\n'
    root = make_site({"content/articles/a.ar.md": bad, "content/articles/b.ar.md": bad,
                      "content/articles/c.ar.md": article("good")})
    documents, errors = load_content(root, ParsedFrontMatter(), workers=2)
    assert sorted((e.path.name, e.line) for e in errors) == [("a.ar.md", 5), ("b.ar.md", 5)]
    assert all("not valid YAML" in e.message for e in errors)
    assert [d.path.name for d in documents["articles"]] == ["c.ar.md"]
    assert (documents, errors) == load_content(root, ParsedFrontMatter(), workers=1)
