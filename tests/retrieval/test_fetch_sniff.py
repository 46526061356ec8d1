"""Content-type sniffing and charset detection of fetched bodies, without a server."""

from __future__ import annotations

import pytest

from trustbench.retrieval.sniff import decode_text, detect_charset, media_type, sniff_kind

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"


@pytest.mark.parametrize(
    ("content_type", "body", "url", "kind"),
    [
        ("application/pdf", PDF, "https://x/a", "pdf"),
        ("application/octet-stream", PDF, "https://x/a", "pdf"),
        (None, PDF, "https://x/a", "pdf"),
        ("text/html", PDF, "https://x/a", "pdf"),
        ("application/pdf", b"\r\n\r\n" + PDF, "https://x/a", "pdf"),
        ("application/octet-stream", b"\r\n\r\n" + PDF, "https://x/a", "text"),
        (
            "text/html",
            b"<html><body>Type %PDF- to start a PDF.</body></html>",
            "https://x/",
            "html",
        ),
        (None, b"<!DOCTYPE html><p>%PDF-1.4 in a page</p>", "https://x/", "html"),
        ("application/pdf", b"<!DOCTYPE html><html>Not found</html>", "https://x/a", "html"),
        ("application/pdf", b"", "https://x/a", "pdf"),
        (None, b"", "https://x/paper.PDF", "pdf"),
        (None, b"", "https://x/page.html?x=1", "html"),
        (None, b"", "https://x/", "other"),
        ("text/html; charset=utf-8", b"", "https://x/", "html"),
        ("application/xhtml+xml", b"<?xml version='1.0'?><html/>", "https://x/", "html"),
        (None, b"\xef\xbb\xbf  <!DOCTYPE html><html></html>", "https://x/", "html"),
        (None, b"<!-- c --><html lang=en>", "https://x/", "html"),
        ("text/plain", b"<html><body>x</body></html>", "https://x/", "html"),
        ("binary/octet-stream", b"<HEAD><TITLE>x", "https://x/", "html"),
        ("text/plain", b"hello", "https://x/", "text"),
        ("text/plain", b"", "https://x/", "text"),
        ("text/csv", b"a,b\n1,2\n", "https://x/", "text"),
        ("application/json", b"{}", "https://x/", "text"),
        ("application/ld+json", b"{}", "https://x/", "text"),
        ("application/rss+xml", b"<rss/>", "https://x/", "text"),
        (None, "naïve text".encode(), "https://x/", "text"),
        (None, b"\xff\xfeh\x00i\x00", "https://x/", "text"),  # UTF-16 with a BOM
        (None, b"\x89PNG\r\n\x1a\n\x00\x00", "https://x/", "other"),
        ("application/zip", b"PK\x03\x04", "https://x/", "other"),
        ("image/jpeg", b"\xff\xd8\xff", "https://x/", "other"),
    ],
)
def test_sniff_kind(content_type: str | None, body: bytes, url: str, kind: str) -> None:
    assert sniff_kind(content_type, body, url) == kind


def test_media_type() -> None:
    assert media_type(" Text/HTML ; charset=UTF-8") == "text/html"
    assert media_type(None) == ""


@pytest.mark.parametrize(
    ("content_type", "body", "charset"),
    [
        ("text/html; charset=UTF-8", b"caf\xc3\xa9", "utf-8"),
        ('text/html; charset="Shift_JIS"', b"", "cp932"),
        ("text/html; charset=iso-8859-1", b"caf\xe9", "cp1252"),  # as browsers read it
        ("text/html; charset=us-ascii", b"", "cp1252"),
        ("text/html; charset=gb2312", b"", "gbk"),
        ("text/html; charset=EUC-KR", b"", "cp949"),
        ("text/html; charset=koi8-r", b"", "koi8-r"),
        ("text/html; charset=utf-8", b"\xef\xbb\xbfx", "utf-8"),
        ("text/html; charset=iso-8859-1", b"\xff\xfex\x00", "utf-16-le"),  # a BOM wins
        (None, b"\xfe\xff\x00x", "utf-16-be"),
        ("text/html; charset=base64", "café".encode(), "utf-8"),  # not a text codec
        ("text/html; charset=bogus", "café".encode(), "utf-8"),
        (None, b'<html><head><meta charset="windows-1251">', "cp1251"),
        (None, b"<meta http-equiv='Content-Type' content='text/html; charset=euc-jp'>", "euc_jp"),
        (None, b'<?xml version="1.0" encoding="ISO-8859-2"?><root/>', "iso8859-2"),
        (None, "plain ascii and ünïcödé".encode(), "utf-8"),
        (None, b"", "utf-8"),
    ],
)
def test_detect_charset_from_marks_and_declarations(
    content_type: str | None, body: bytes, charset: str
) -> None:
    assert detect_charset(content_type, body) == charset


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (
            "Le café est une boisson très appréciée en France. On le déguste souvent après le "
            "déjeuner. À Paris, les cafés sont des lieux de rencontre, été comme hiver.",
            "latin-1",
        ),
        (
            "東京は日本の首都であり、世界でも有数の大都市です。多くの人々が毎日電車で通勤して"
            "います。春には桜が咲き、公園は花見を楽しむ人でいっぱいになります。",
            "shift_jis",
        ),
        (
            "Москва — столица России, крупнейший по численности населения город страны. "
            "Город расположен на реке Москве в центре Восточно-Европейской равнины.",
            "cp1251",
        ),
    ],
)
def test_undeclared_legacy_encodings_are_guessed(text: str, encoding: str) -> None:
    body = text.encode(encoding)
    assert decode_text(body, detect_charset(None, body)) == text


def test_decode_text_never_fails() -> None:
    assert decode_text(b"\xef\xbb\xbfhi", "utf-8") == "hi"
    assert decode_text(b"\xff\xfeh\x00i\x00", "utf-16-le") == "hi"
    assert decode_text(b"caf\xe9", "utf-8") == "caf\ufffd"
    assert decode_text(b"caf\xe9", None) == "caf\ufffd"
    assert decode_text(b"caf\xe9", "no-such-codec") == "caf\ufffd"
    assert decode_text(b"\x93quoted\x94", "cp1252") == "\u201cquoted\u201d"
