"""The Markdown fast path: a body of plain paragraphs skips Markdown's parser and must come out the same."""

import random

import markdown

from nashra.markup import Markup, plain_paragraphs

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
