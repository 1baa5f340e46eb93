"""An article as the matcher reads it: its regions (title, lead, body, the body without its dateline) and
their sentences, each as normalised words with the clause every word is in. Read once per article, used
by the exemplar vector (topic/matcher.py) and by the judgement of what the article is about (topic/about.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .normalize import words

# sentence ends; also ".,Next" / "word,Next": paragraphs that some corpora join with a bare comma
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+|(?<=[\w.!?\"”]),(?=[A-Z\"“])")
# clause ends inside a sentence: a setting marker ("akibat", "menjelang") reaches to the next of these
_CLAUSE = re.compile(r"[,;:()\"“”'‘’]|\s[-–—]+\s")
_CLAUSE_WORD = "qxclauseqx"  # stands for a clause end in the word stream (no Indonesian word looks like it)
_CLAUSE_MARK = f" {_CLAUSE_WORD} "
_SPEAKER = re.compile(r"^[^:,.!?]{2,40}:\s")  # a headline that opens with who speaks: "Kremlin: …"
_DATELINE = re.compile(r"^([^\n]{0,64}?)(?:(?<=\s)|^)[-–—]+[ \t]?")
_NOT_DATELINE = re.compile(r"[!?\"“”:;]|\.\s")


@dataclass
class Sentence:
    region: str  # title, lead or body
    words: list[str]  # normalised words
    clauses: list[int]  # the clause (within the sentence) of each word
    text: str  # as written, for explanations
    speaker: bool = False  # a headline opening with "Who:": what follows is what the first clause said


def regions_of(title: str, text: str, lead_chars: int, body_chars: int) -> dict[str, str]:
    """Title, lead and body: the body cut at ``body_chars``, the lead its first ``lead_chars`` or so."""
    body = strip_dateline(text)[:body_chars]
    cut = lead_chars
    dot = body.find(". ", cut)  # end the lead at a sentence boundary close after lead_chars
    if 0 <= dot < cut + 200:
        cut = dot + 1
    elif (space := body.find(" ", cut)) >= 0:  # else at least between two words
        cut = space
    return {"title": title or "", "lead": body[:cut], "body": body[cut:]}


def read_sentences(chunks: dict[str, str]) -> list[Sentence]:
    """Every sentence of each region (region → text), as normalised words with the clause each word is in."""
    out = []
    for region, chunk in chunks.items():
        for sentence in _SENTENCE.split(chunk):
            ws: list[str] = []
            clause: list[int] = []
            c = 0
            for w in words(_CLAUSE.sub(_CLAUSE_MARK, sentence)):
                if w == _CLAUSE_WORD:
                    c += 1
                else:
                    ws.append(w)
                    clause.append(c)
            if ws:
                speaker = region == "title" and _SPEAKER.match(sentence) is not None
                out.append(Sentence(region, ws, clause, sentence.strip(), speaker))
    return out


def strip_dateline(text: str) -> str:
    """The body without its dateline (``Liputan6.com, Moskow -``, ``MOSKOW, KOMPAS.com -``, ``Jakarta -``):
    the place a story was filed from is not what the story is about."""
    m = _DATELINE.match(text)
    if m and len(m.group(1).split()) <= 6 and not _NOT_DATELINE.search(m.group(1)):
        return text[m.end() :]
    return text
