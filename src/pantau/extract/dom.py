"""Pass 1 of extraction: normalise and clean an article page's DOM before trafilatura sees it.

Passes (``PASSES``, in order; each can be left out for ablation in evaluation):
``code``       scripts, styles, widgets and hidden blocks go; a ``<form>`` goes unless it holds the
               page's text (CMSs that wrap the whole page in one); quoted posts (tweets) stay;
``paragraphs`` text written as ``<br>``-separated runs or bare/styled ``<div>``s becomes paragraphs
               (trafilatura otherwise drops such leads) — never inside a paragraph, item, heading or link;
``tables``     tables of figures beside the story (rates widgets) go; tables in or among the story
               (results, standings) stay;
``boxes``      link-dense boxes (menus, link lists) go;
``teasers``    headline teasers ("Berita terkait", "Terpopuler") go — not lists that are the story
               ("10 things…") nor the sources it cites;
``captions``   dropped beside a written story, kept on a photo page (a gallery's list of captions
               too; a ``<p>`` that opens with a picture is a paragraph, not a caption);
``shield``     the story's block and its ancestors lose only the class/id words under which
               trafilatura would discard them (okezone's ``div.author-and-share``); "article",
               "content", "post" stay, and comment sections are never shielded.
General rules that hold for any outlet — never per-URL or per-site rules.
The rules live by concern: ``blocks.py`` (code, forms, hidden blocks, paragraphs, tables, captions),
``teasers.py`` (link boxes, teasers), ``shield.py``; ``story.py`` finds where the story is.
"""

from __future__ import annotations

from lxml.etree import ParserError

from .blocks import drop_code, drop_figure_tables, judge_captions, paragraphs_from_text
from .shield import shield_story
from .teasers import drop_link_boxes, drop_teasers

__all__ = ["PASSES", "parse_html", "prune_tree"]


PASSES = {
    "code": drop_code,
    "paragraphs": paragraphs_from_text,
    "tables": drop_figure_tables,
    "boxes": drop_link_boxes,
    "teasers": drop_teasers,
    "captions": judge_captions,
    "shield": shield_story,
}


def prune_tree(tree, skip: frozenset[str] | set[str] = frozenset()) -> None:
    """Normalise and clean an article page in place (see the module docstring); ``skip``: names of
    passes (``PASSES``) to leave out, for ablation in evaluation."""
    for name, fn in PASSES.items():
        if name not in skip:
            fn(tree)


def parse_html(html: str):
    """An lxml tree of ``html``; None when it is not HTML at all."""
    from trafilatura.utils import load_html  # trafilatura loads on first use, not on import

    try:
        return load_html(html)
    except (ParserError, ValueError, TypeError):
        return None
