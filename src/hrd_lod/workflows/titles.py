"""Find a document's title: the HTML ``<title>``, or the first line of plain text."""

from __future__ import annotations

import re
from html.parser import HTMLParser

MAX_TITLE = 300


class _TitleParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.inside = False
        self.done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title" and not self.done:
            self.inside = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self.inside:
            self.inside = False
            self.done = True

    def handle_data(self, data: str) -> None:
        if self.inside:
            self.parts.append(data)


def decode(body: bytes, charset: str | None) -> str:
    """Return the body as text: the declared charset, else UTF-8, with replacement."""
    head = body[:2048].decode("ascii", "replace")
    meta = re.search(r"""<meta[^>]+charset=["']?([\w-]+)""", head, re.I)
    for enc in (charset, meta.group(1) if meta else None, "utf-8"):
        if not enc:
            continue
        try:
            return body.decode(enc, "replace")
        except LookupError:
            continue
    return body.decode("utf-8", "replace")


def extract_title(body: bytes, media_type: str, charset: str | None) -> str | None:
    """Return the document's title, or None where the format gives none."""
    if media_type in ("text/html", "application/xhtml+xml"):
        parser = _TitleParser()
        parser.feed(decode(body[:1_000_000], charset))
        title = " ".join("".join(parser.parts).split())
    elif media_type == "text/plain" or media_type == "text/markdown":
        text = decode(body[:100_000], charset)
        first = next((line for line in text.splitlines() if line.strip()), "")
        title = " ".join(first.lstrip("#").split())
    else:
        return None
    title = re.sub(r"[\x00-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", title)
    return title[:MAX_TITLE].strip() or None
