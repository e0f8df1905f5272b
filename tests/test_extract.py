"""Saved HTML pages → article lines: every story paragraph kept, in order; the page's furniture dropped.

Each fixture tests/fixtures/html/<name>.html has its story beside it in <name>.story.txt, one line per
paragraph, heading or list item, headline first; the Arabic stories are the seed texts byte for byte.
"""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest

from nashra.errors import ContentError
from nashra.extract import extract_html

HTML = Path(__file__).parent / "fixtures" / "html"
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"

# Strings of each page's furniture: no line may hold one as a whole word or phrase.
FURNITURE = {
    "ar-libya-turkey": [
        "الرئيسية", "المغرب العربي", "عربي ودولي", "مقالات الرأي", "تسجيل الدخول", "اشترك في النشرة البريدية",
        "عاجل", "استئناف الرحلات في مطار معيتيقة الدولي بعد توقف مؤقت", "كتب: فريق التحرير",
        "شارك", "فيسبوك", "تويتر", "واتساب", "نسخ الرابط", "أرشيفية", "إعلان", "اقرأ أيضاً",
        "الوسوم", "موضوعات متعلقة", "الدبيبة يصل أنقرة في زيارة رسمية تستمر يومين",
        "المنفي يبحث مع رئيسة الوزراء الإيطالية ملف الهجرة غير النظامية",
        "المؤسسة الوطنية للنفط: الإنتاج يتجاوز 1.4 مليون برميل يومياً",
        "التعليقات", "نتمنى أن تنعكس هذه اللقاءات على حياة المواطن البسيط.",
        "كلام مكرر منذ سنوات ولا جديد على الأرض.", "أضف تعليقك", "إرسال التعليق",
        "الأكثر قراءة", "سعر الدينار الليبي أمام الدولار في السوق الموازية اليوم",
        "الأرصاد: رياح نشطة وأتربة على المناطق الساحلية", "موعد امتحانات الشهادة الثانوية للعام الدراسي الحالي",
        "من نحن", "اتصل بنا", "سياسة الخصوصية", "جميع الحقوق محفوظة",
        "alert", "onerror",
    ],
    "ar-rt-erdogan-sarraj": [
        "مباشر", "بث مباشر لقناة RT عربية", "أين يمكنك متابعتنا", "تلغرام", "يوتيوب", "أقسام مهمة",
        "الأخبار", "الشرق الأوسط", "Stories", "41 خبر", "خطة أمريكية للتسوية في أوكرانيا", "90 دقيقة",
        "العملية العسكرية الروسية في أوكرانيا", "كأس العرب 2025 في قطر", "خطة ترامب لإنهاء الحرب في غزة",
        "فيديوهات", "18:40 GMT", "شارك", "فيسبوك", "تويتر", "التعليقات",
        "وثيقة مسربة.. الولايات المتحدة تريد فصل 4 دول عن الاتحاد الأوروبي والسبب صادم",
        "مدفيديف: فكرة واشنطن لإنشاء \"مجموعة الخمسة\" بمثابة صفعة لأوروبا",
        "وليد جنبلاط: أؤيد إجراء استفتاء شعبي بشأن انضمام لبنان إلى الاتفاقات الإبراهيمية",
        "شارك فيه الأسطول الخامس.. تمرين بحري أمريكي ـ إسرائيلي في أعماق المتوسط (صور + فيديو)",
        "سوريا تعلن إلغاء المحاكم الاستثنائية والالتزام بالعدالة الانتقالية",
        "إثر ضغط أمريكي.. إسرائيل توافق على تحمل مسؤولية إزالة الأنقاض في قطاع غزة",
        "لافروف: نسعى لتحقيق سلام دائم ومستدام في أوكرانيا فيما تريد أوروبا هدنة لالتقاط الأنفاس",
        "عن القناة", "اتصل بنا", "جميع الحقوق محفوظة", "TV-Novosti",
    ],
    "en-erdogan-sarraj": [
        "We use cookies", "Accept all", "Manage settings", "Privacy policy", "Mediterranean Wire", "Home",
        "World", "Middle East", "Africa", "Business", "Opinion", "Subscribe", "By Staff reporter",
        "Share on Facebook", "Share on Twitter", "Email this story", "Read more",
        "Sarraj says he will hand over power by the end of October", "Get the Middle East briefing",
        "every weekday morning", "Sign up", "Topics", "Comments", "Please keep it civil", "desert_fox",
        "Ankara always gets what it wants in Tripoli.", "Most read", "Oil output in Libya hits a nine-month high",
        "Egypt warns against any advance on Sirte", "Malta and Libya sign a migration memorandum",
        "All rights reserved", "Terms of use", "Contact us",
    ],
    "ar-legacy-windows-1256": ["الرئيسية", "الأخبار", "مقالات", "اتصل بنا"],   # and its footer: see below
}

META = {
    "ar-libya-turkey": ("ليبيا وتركيا تبحثان دعم الاستقرار وتعزيز المسار السياسي", "2025-04-28",
                        "بوابة المغرب العربي",
                        "https://www.bawabat-almaghrib.example/news/2025/04/28/libya-turkey-stability"),
    "ar-rt-erdogan-sarraj": ("حكومة الوفاق الليبية: أردوغان والسراج أكدا على الحل السياسي للأزمة في ليبيا",
                             "2020-10-04", "RT Arabic",
                             "https://arabic.rt.com/middle_east/1160000-حكومة-الوفاق-أردوغان-السراج/"),
    "en-erdogan-sarraj": ("Libya's GNA: Erdoğan and Sarraj affirm a political solution to the crisis in Libya",
                          "2020-10-04", "Mediterranean Wire",
                          "https://www.medwire.example/2020/10/04/erdogan-sarraj-meet-istanbul"),
    "ar-legacy-windows-1256": ("رابطة رجال الأعمال الروس واتحاد غرف التجارة في ليبيا يوقعان مذكرة تفاهم", None,
                               None, None),
}


def collapse(text: str) -> str:
    return " ".join(text.split())


def story(name: str) -> list[str]:
    return [collapse(line) for line in (HTML / f"{name}.story.txt").read_text("utf-8").splitlines() if line.strip()]


def lines_of(name: str) -> list[str]:
    return [collapse(line) for line in extract_html((HTML / f"{name}.html").read_bytes(), HTML / f"{name}.html").lines]


def page(body: str, head: str = "") -> bytes:
    return f'<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8">{head}</head><body>{body}</body></html>'.encode()


@pytest.mark.parametrize("name", FURNITURE)
def test_every_story_paragraph_is_kept_in_order(name):
    lines, expected = lines_of(name), story(name)
    assert lines[0] == expected[0], "the headline comes first"
    lost = [paragraph for paragraph in expected if paragraph not in lines]
    assert not lost
    positions = [lines.index(paragraph) for paragraph in expected]
    assert positions == sorted(positions)


@pytest.mark.parametrize("name", FURNITURE)
def test_no_furniture_survives(name):
    lines = lines_of(name)
    left = [(furniture, line) for furniture in FURNITURE[name] for line in lines
            if re.search(rf"(?<!\w){re.escape(furniture)}(?!\w)", line)]
    assert not left


def test_a_long_sidebar_of_teasers_does_not_displace_the_story():
    teaser = ('<div class="card"><h3><a href="/n{0}">عنوان خبر آخر رقم {0}</a></h3><p>ملخص قصير للخبر رقم {0} يظهر '
              'تحت العنوان في الشريط الجانبي، ويعرض أول سطرين من الخبر كما تفعل مواقع الأخبار عادة.</p></div>')
    data = (HTML / "ar-libya-turkey.html").read_bytes().replace(
        b"</body>", ("<aside>" + "".join(teaser.format(n) for n in range(150)) + "</aside></body>").encode())
    lines = [collapse(line) for line in extract_html(data, Path("x.html")).lines]
    assert [paragraph for paragraph in story("ar-libya-turkey") if paragraph not in lines] == []
    assert not [line for line in lines if "ملخص قصير للخبر" in line or "عنوان خبر آخر" in line]


@pytest.mark.parametrize("name", FURNITURE)
def test_lines_are_plain_single_lines(name):
    lines = extract_html((HTML / f"{name}.html").read_bytes(), HTML / f"{name}.html").lines
    assert all(isinstance(line, str) and line and line == collapse(line) for line in lines)


@pytest.mark.parametrize("name", META)
def test_what_the_page_states_is_read(name):
    got = extract_html((HTML / f"{name}.html").read_bytes(), HTML / f"{name}.html")
    assert (got.title, got.date, got.source, got.url) == META[name]


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside the repository")
def test_arabic_stories_are_the_seed_texts():
    seeds = {collapse(line).removeprefix("• ") for path in SEEDS.glob("*.txt")
             for line in path.read_text("utf-8").splitlines()}
    for name in ("ar-libya-turkey", "ar-rt-erdogan-sarraj", "ar-legacy-windows-1256"):
        assert [line for line in story(name)[1:] if line not in seeds] == []


def test_a_page_without_article_text_is_a_content_error():
    path = HTML / "menu-only.html"
    with pytest.raises(ContentError) as caught:
        extract_html(path.read_bytes(), path)
    assert caught.value.path == path and caught.value.line is None
    assert "menu-only.html" in str(caught.value) and caught.value.hint


def test_the_declared_legacy_charset_decodes():
    data = (HTML / "ar-legacy-windows-1256.html").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert lines_of("ar-legacy-windows-1256")[1] == story("ar-legacy-windows-1256")[1]


def test_bytes_that_are_not_the_declared_charset_are_a_content_error(tmp_path):
    path = tmp_path / "saved.html"
    with pytest.raises(ContentError) as caught:
        extract_html(page("<article><p>" + "نص " * 50 + "</p></article>").replace("نص".encode(), b"\xd5\xc8", 1), path)
    assert "saved.html" in str(caught.value) and "utf-8" in caught.value.message.lower()
    assert "UTF-8" in caught.value.hint
    with pytest.raises(ContentError, match="charset"):
        extract_html(b'<html><head><meta charset="x-no-such"></head><body><p>x</p></body></html>', path)
    with pytest.raises(ContentError, match="not an HTML page"):
        extract_html(b"", path)


def test_scripts_and_attributes_never_reach_the_text():
    body = ("<article><h1>عنوان الخبر</h1><p>الفقرة الأولى من الخبر، وفيها تفاصيل كافية لتكون فقرة حقيقية من نص الخبر المنشور."
            "<script>alert(1)</script> تتمة الفقرة الأولى.</p><img src=x onerror=\"alert(2)\">"
            "<p>الفقرة الثانية من الخبر: هل انتهى الاجتماع؟ نعم؛ انتهى بعد ساعتين من المباحثات بين الطرفين.</p></article>")
    lines = extract_html(page(body), Path("x.html")).lines
    text = "\n".join(lines + lines_of("ar-libya-turkey"))    # the fixture has both in its body too
    assert "alert" not in text and "onerror" not in text and "<" not in text and ">" not in text
    assert "الفقرة الأولى من الخبر، وفيها تفاصيل كافية لتكون فقرة حقيقية من نص الخبر المنشور. تتمة الفقرة الأولى." in lines


def test_invisible_characters_go_and_the_texts_own_stay():
    paragraph = "قال الوزير\u200f، في بيان\u200b: هل\u00a0 \u200dتـــم الاتفاق؟ نَعَم؛ تمّ\u0007 الاتفاق\ufeff."
    body = f"<article><h1>عنوان</h1><p>{paragraph}</p><p>{'فقرة أخرى من نص الخبر. ' * 8}</p></article>"
    lines = extract_html(page(body), Path("x.html")).lines
    assert "قال الوزير، في بيان: هل تـــم الاتفاق؟ نَعَم؛ تمّ الاتفاق." in lines


def test_title_falls_back_to_the_page_title_without_the_site_name():
    body = "<article><p>" + "نص الخبر الكامل كما نشر في الموقع. " * 10 + "</p></article>"
    head = '<title>عنوان الخبر - المرصد الليبي</title><meta property="og:site_name" content="المرصد الليبي">'
    got = extract_html(page(body, head), Path("x.html"))
    assert got.title == "عنوان الخبر" and got.lines[0] == "عنوان الخبر"


def test_no_date_unless_the_page_states_one():
    body = "<article><h1>عنوان</h1><p>" + "اجتمع الطرفان أمس الاثنين 28 أبريل 2025 في طرابلس. " * 6 + "</p></article>"
    assert extract_html(page(body), Path("x.html")).date is None


def test_nothing_is_fetched(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("extract_html opened a network connection")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert lines_of("en-erdogan-sarraj")
