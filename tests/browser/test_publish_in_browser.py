"""The published site in Chromium, served with the headers its `_headers` file asks for: the
Content-Security-Policy breaks nothing, and / finds the reader's language without any redirect rule."""

from __future__ import annotations

import pytest

# Everything a reader does on the sample site, each page with the script it runs.
VISITS = [
    ("/ar/articles/lafi-koni-meet-kalin/", "h1"),
    ("/en/actors/ibrahim-kalin/", "h1"),
    ("/ar/countries/tr/", "h1"),
    ("/ar/search/?q=قالن", "#search-results > li"),
    ("/en/search/?q=Kalin", "#search-results > li"),
    ("/ar/actors/ibrahim-kalin/embed/", ".card"),
    ("/en/404.html", "h1"),
    ("/404.html", "h1"),
]


def watch_policy(context) -> None:
    """Record every Content-Security-Policy violation in the page (window.__violations)."""
    context.add_init_script("window.__violations = []; document.addEventListener('securitypolicyviolation', "
                            "e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));")


def test_the_security_policy_blocks_nothing_the_site_uses(browser, serve, sample_public):
    base = serve(sample_public, host_headers=True)
    context = browser.new_context()
    watch_policy(context)
    page = context.new_page()
    messages: list[str] = []
    page.on("console", lambda m: messages.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: messages.append(str(e)))
    for path, ready in VISITS:
        response = page.goto(base + path)
        assert "default-src 'self'" in response.headers["content-security-policy"], path
        page.wait_for_selector(ready)
        assert page.evaluate("window.__violations") == [], path
    assert [m for m in messages if "Content Security Policy" in m or "Refused" in m] == []
    # The search page really searched under the policy, and its results are stories.
    page.goto(base + "/en/search/?q=Kalin")
    page.wait_for_selector("#search-results > li a[href*='/articles/']")
    context.close()


def test_a_page_cannot_run_an_inline_script_under_the_policy(browser, serve, sample_public):
    """The policy is real: an inline script (what an injection would add) is refused."""
    base = serve(sample_public, host_headers=True)
    context = browser.new_context()
    watch_policy(context)
    page = context.new_page()
    page.goto(base + "/ar/")
    page.evaluate("() => { const s = document.createElement('script'); s.textContent = 'window.__ran = 1'; "
                  "document.body.append(s); }")
    assert page.evaluate("window.__ran") is None
    assert any(v.startswith("script-src") for v in page.evaluate("window.__violations"))
    context.close()


@pytest.mark.parametrize("locale, javascript, home", [
    ("en-US", True, "/en/"),
    ("ar-LY", True, "/ar/"),
    ("fr-FR", True, "/ar/"),         # a language the site lacks: the default language
    ("en-US", False, "/ar/"),        # no JavaScript: the meta refresh, to the default language
])
def test_the_root_page_sends_readers_to_their_language(browser, serve, sample_public, locale, javascript, home):
    base = serve(sample_public, host_headers=True)
    context = browser.new_context(locale=locale, java_script_enabled=javascript)
    page = context.new_page()
    page.goto(base + "/")
    page.wait_for_url(base + home)
    assert page.locator("html").get_attribute("lang") == home.strip("/")
    context.close()
