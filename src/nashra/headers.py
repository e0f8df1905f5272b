"""Reading a `_headers` file the way Netlify and similar hosts do, so `nashra serve` sends what they send."""

from __future__ import annotations

import re

Rules = list[tuple[re.Pattern, dict[str, str]]]


def parse(text: str) -> Rules:
    """A `_headers` file as (path pattern, headers): `*` matches the rest of the path, `:name` one segment,
    and a trailing slash is optional."""
    rules: Rules = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            parts = [p for p in line.strip().split("/") if p]
            pattern = "/".join("([^/]+)" if p.startswith(":") else "?(.*)" if p == "*"
                               else re.escape(p).replace(r"\*", "(.*)") for p in parts)
            rules.append((re.compile(f"^/{pattern}/?$", re.I), {}))
        elif rules:
            name, _, value = line.strip().partition(":")
            rules[-1][1][name.strip()] = value.strip()
    return rules


def headers_for(rules: Rules, path: str) -> dict[str, str]:
    """The headers a host sends for `path`: every matching rule, later ones overriding earlier ones."""
    out: dict[str, str] = {}
    for pattern, headers in rules:
        if pattern.match(path):
            out.update(headers)
    return out
