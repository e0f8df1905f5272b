"""The Markdown fast path: a body of plain paragraphs skips Markdown's parser and must come out the same."""

import random

import markdown

from nashra import arabic
from nashra.markup import Markup, MentionTable, Target, plain_paragraphs

FRAGMENTS = ["أكد", "الرئيس", "عبد الله", "ليبيا", "Kalın", "word", "1. ", "١. ", "٣) ", "- ", "+ ", "* ", "# ", "> ",
             "    ", "\t", "  \n", "\n", "\n\n", "\n\n\n", " \n \n", "\r\n", "===", "---", "***", "&amp;", "&", "<b>",
             "</p>", "*x*", "_y_", "`c`", "\\", "[a](b)", "![i](j)", "[r]: http://a.b", ":", ": def", "|a|b|", "~~~",
             "```", "«»", "(", ")", "،", ".", "2012", "٢٠١٢", "-", "—", "!", "?", "%", "$", "{#id}", "<http://x.y>"]


def markdown_itself(text: str) -> str:
    md = markdown.Markdown(extensions=["tables", "fenced_code", "sane_lists"], output_format="html")
    return md.convert(text)


def test_plain_paragraphs_render_as_markdown_renders_them():
    rng = random.Random(8)
    markup = Markup()
    plain = 0
    for _ in range(20000):
        text = "".join(rng.choice(FRAGMENTS) + rng.choice(["", " "]) for _ in range(rng.randint(1, 12)))
        if plain_paragraphs(text) is None:
            continue
        plain += 1
        assert markup._convert_plain(plain_paragraphs(text)) == markdown_itself(text), repr(text)
    assert plain > 300          # the fast path was taken often enough to mean something


def test_news_copy_takes_the_fast_path_and_markup_does_not():
    body = "أكد الرئيس، خلال لقائه في طرابلس، على أهمية التعاون.\n\nوقال إن عام 2012 كان صعبًا: «نعم».\n"
    assert plain_paragraphs(body) == ["أكد الرئيس، خلال لقائه في طرابلس، على أهمية التعاون.",
                                      "وقال إن عام 2012 كان صعبًا: «نعم»."]
    for marked in ("## عنوان\n\nنص", "نص *مائل*", "- بند\n- بند", "1. أول", "٣. ثالث", "نص\nسطر ثان", "    code",
                   "a <b>b</b>", "a &amp; b", "[a](b)", "| a | b |", "> quote"):
        assert plain_paragraphs(marked) is None, marked


# --- the mention finder -----------------------------------------------------------------------------------

NAMES = {("actor", "lafi"): "عبد الله اللافي", ("actor", "kalin"): "إبراهيم قالن", ("actor", "un"): "الأمم المتحدة",
         ("actor", "abu"): "أبو بكر", ("actor", "en"): "Ibrahim Kalın", ("country", "ly"): "ليبيا",
         ("country", "tr"): "تركيا", ("country", "eg"): "مصر"}
WORDS = ["عبد", "الله", "اللافي", "عبدالله", "وعبد", "إبراهيم", "ابراهيم", "قالن", "قالنُ", "الأمم", "للأمم", "المتحدة",
         "المتّحدة", "أبو", "وأبو", "بكر", "Ibrahim", "KALIN", "Kalın", "ليبيا", "بليبيا", "وليبيا", "لليبيا", "تركيا",
         "والتركيا", "مصر", "فمصر", "قال", "في", "وزير", "ـ", "-", "،", ".", "«", "»", "2012", "\n"]


def find_every_word(table: MentionTable, text: str, linked: set) -> list:
    """The finder as first written: every word of the text tried as the start of every name."""
    words = arabic.tokens(text)
    found, i = [], 0
    while i < len(words):
        match = None
        for prefix_len, head in arabic.unprefixed(words[i].folded):
            for key, target in table.by_head.get(head, ()):
                following = words[i + 1:i + len(key)]
                if target.key in linked or i + len(key) > len(words) or match:
                    continue
                if all(w.folded == k for w, k in zip(following, key[1:])) and all(
                        text[a.end:b.start].strip(" \t\n\u00a0-\u2010\u2011") == "" for a, b in zip(words[i:], following)):
                    start = arabic.original_offset(text, words[i].start, prefix_len) if prefix_len else words[i].start
                    match = start, len(key), target
        if match:
            found.append((match[0], words[i + match[1] - 1].end, match[2]))
            linked.add(match[2].key)
            i += match[1]
        else:
            i += 1
    return found


def test_the_mention_finder_finds_what_trying_every_word_finds():
    table = MentionTable((Target(key, f"/{key[1]}/", name), arabic.name_variants(name)) for key, name in NAMES.items())
    rng = random.Random(5)
    mentions = 0
    for _ in range(5000):
        text = "".join(rng.choice(WORDS) + rng.choice([" ", " ", "  ", "", "-", "\n"]) for _ in range(rng.randint(1, 20)))
        already = set(rng.sample(sorted(NAMES), rng.randint(0, 2)))
        expected = find_every_word(table, text, set(already))
        assert table.find(text, set(already)) == expected, repr(text)
        mentions += len(expected)
    assert mentions > 2000
