"""The Markdown fast paths: a body of plain blocks skips Markdown's parser (and nh3), and must come out the same."""

import random

import markdown

from nashra import arabic
from nashra import markup as markup_module
from nashra.markup import Block, Markup, MentionTable, Target, plain_blocks

FRAGMENTS = ["أكد", "الرئيس", "عبد الله", "ليبيا", "Kalın", "word", "1. ", "١. ", "٣) ", "- ", "+ ", "* ", "# ", "> ",
             "    ", "\t", "  \n", "\n", "\n\n", "\n\n\n", " \n \n", "\r\n", "===", "---", "***", "&amp;", "&", "<b>",
             "</p>", "*x*", "_y_", "`c`", "\\", "[a](b)", "![i](j)", "[r]: http://a.b", ":", ": def", "|a|b|", "~~~",
             "```", "«»", "(", ")", "،", ".", "2012", "٢٠١٢", "-", "—", "!", "?", "%", "$", "{#id}", "<http://x.y>", "## ",
             "###### ", "####### ", " #", "\n- ", "\n\n- ", "-  ", "\n\n## ", "\n\n# "]


def markdown_itself(text: str) -> str:
    md = markdown.Markdown(extensions=["tables", "fenced_code", "sane_lists"], output_format="html")
    return md.convert(text)


def test_plain_blocks_render_as_markdown_renders_them():
    rng = random.Random(8)
    markup = Markup()
    plain = 0
    for _ in range(20000):
        text = "".join(rng.choice(FRAGMENTS) + rng.choice(["", " "]) for _ in range(rng.randint(1, 12)))
        if plain_blocks(text) is None:
            continue
        plain += 1
        assert markup._convert_plain(plain_blocks(text)) == markdown_itself(text), repr(text)
    assert plain > 300          # the fast path was taken often enough to mean something


def test_news_copy_takes_the_fast_path_and_markup_does_not():
    body = "أكد الرئيس، خلال لقائه في طرابلس، على أهمية التعاون.\n\nوقال إن عام 2012 كان صعبًا: «نعم».\n"
    assert plain_blocks(body) == [Block("p", ("أكد الرئيس، خلال لقائه في طرابلس، على أهمية التعاون.",)),
                                  Block("p", ("وقال إن عام 2012 كان صعبًا: «نعم».",))]
    assert plain_blocks("## عنوان\n\nنص\n\n- بند\n- آخر") == [Block("h2", ("عنوان",)), Block("p", ("نص",)),
                                                          Block("ul", ("بند", "آخر"))]
    for marked in ("نص *مائل*", "- بند\n\n- بند", "نص\n- بند", "- بند\nنص", "1. أول", "٣. ثالث", "نص\nسطر ثان",
                   "    code", "a <b>b</b>", "a &amp; b", "[a](b)", "| a | b |", "> quote", "## عنوان\nنص", "## #"):
        assert plain_blocks(marked) is None, marked


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


# --- plain bodies written without Markdown or nh3 -----------------------------------------------------------

PLAIN_FRAGMENTS = [w for w in WORDS if w != "\n"] + ["\u00a0", "\x0c", "\x01", "\x00", "\x7f", "\x85", "\u2028",
                                                    "\ufeff", "'", '"', "é", "e\u0301", "ﻷ", "½", "word", "Kalin", "  "]


def test_plain_bodies_come_out_as_markdown_and_nh3_make_them(monkeypatch):
    names = {**NAMES, ("actor", "amp"): "مصر & تركيا", ("actor", "quote"): 'وزير "الخارجية"'}
    table = MentionTable((Target(key, f"/{key[1]}/", name), arabic.name_variants(name)) for key, name in names.items())
    rng = random.Random(11)

    def line() -> str:
        return "".join(rng.choice(PLAIN_FRAGMENTS) + rng.choice(["", " ", " "]) for _ in range(rng.randint(1, 12))).strip()

    def block() -> str:
        kind = rng.choice(["p", "p", "p", "h", "ul"])
        if kind == "h":
            return "#" * rng.randint(1, 6) + " " + line()
        return line() if kind == "p" else "\n".join("- " + line() for _ in range(rng.randint(1, 4)))

    texts = ["\n\n".join(block() for _ in range(rng.randint(1, 5))) for _ in range(6000)]
    direct = [Markup().render_with_text(text, table) for text in texts]
    taken = [plain_blocks(text) for text in texts]
    taken = [{tag[0] for tag, _ in blocks} for blocks in taken
             if blocks is not None and markup_module._plain_html(blocks, table) is not None]
    monkeypatch.setattr(markup_module, "_plain_html", lambda blocks, mentions: None)
    through = [Markup().render_with_text(text, table) for text in texts]
    for text, (fast, fast_text), (slow, slow_text) in zip(texts, direct, through):
        assert (fast.html, fast.first_paragraph, fast.mentioned, fast_text) == \
               (slow.html, slow.first_paragraph, slow.mentioned, slow_text), repr(text)
        assert fast_text == markup_module.plain_text(fast.html)
    assert len(taken) > 2000 and sum("h" in tags for tags in taken) > 500 and sum("u" in tags for tags in taken) > 500
    assert sum(bool(r.mentioned) for r, _ in direct) > 3000
