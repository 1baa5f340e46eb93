"""pantau extract: one article (a file or a URL) as pantau reads it."""

from __future__ import annotations

from typing import Any

from .common import add_common, load_document, print_json


def cmd_extract(args) -> int:
    from ..extract.language import detect_language

    title, text, url, x = load_document(args.target, args.config)
    lang, _ = detect_language(f"{title}\n{text}")
    print(title)
    print(text)
    if args.json:
        print_json(
            {
                "title": title,
                "text": text,
                "date": x.published.isoformat() if x and x.published else None,
                "url": url,
                "language": lang,
            }
        )
    return 0


def register(sub: Any) -> None:
    sp = sub.add_parser("extract", help="extract one article (file or URL)")
    add_common(sp)
    sp.add_argument("target")
    sp.set_defaults(fn=cmd_extract)
