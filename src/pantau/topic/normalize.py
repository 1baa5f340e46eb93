"""Indonesian text normalisation for matching: spelling variants → one form, tokens, stopwords, stems.

Order: words glued by a lost space split at a lower→upper case change (``VladimirPutin``), phrase
variants on the lowercased text (``menteri luar negeri`` → ``menlu``, ``g-20`` → ``g20``),
then tokens, then single-word variants (``moscow``/``moskwa`` → ``moskow``), then Sastrawi stems
(cached: a news vocabulary repeats, so each distinct word is stemmed once per process).
"""

from __future__ import annotations

import re
from functools import lru_cache

from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary
from Sastrawi.Stemmer.Stemmer import Stemmer
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

# Multi-word variants, applied to lowercased text before tokenising.
PHRASES: list[tuple[re.Pattern, str]] = [
    (re.compile(p), r)
    for p, r in [
        (r"\bg\s?-?\s?20\b", "g20"),
        (r"\bg\s?-?\s?7\b", "g7"),
        (r"\bmenteri\s+luar\s+negeri\b", "menlu"),
        (r"\bkementerian\s+luar\s+negeri\b", "kemlu"),
        (r"\bkemenlu\b", "kemlu"),
        (r"\bforeign\s+minist(?:er|ry)\b", "menlu"),
        (r"\bkonferensi\s+tingkat\s+tinggi\b", "ktt"),
        (r"\bperserikatan\s+bangsa[\s-]*bangsa\b", "pbb"),
        (r"\bunited\s+nations\b", "pbb"),
        (r"\bdewan\s+keamanan\b", "dk"),
        (r"\bduta\s+besar\b", "dubes"),
        (r"\bkedutaan\s+besar\b", "kedubes"),
        (r"\bamerika\s+serikat\b", "amerika"),
        (r"\bgencatan\s+senjata\b", "gencatansenjata"),
        (r"\bceasefire\b", "gencatansenjata"),
        (r"\bkerja\s*-?\s*sama\b", "kerjasama"),
        (r"\bnew\s+start\b", "newstart"),
        (r"\bvladimir\s+putin\b", "putin"),
        (r"\buni\s+soviet\b", "soviet"),
        (r"\buni\s+sovyet\b", "soviet"),
        (r"\bsergey?\s+lavrov\b", "lavrov"),
    ]
]

# Single-word spelling variants (Indonesian / English / transliterations) → canonical form.
WORDS: dict[str, str] = {
    "russia": "rusia",
    "russian": "rusia",
    "rusian": "rusia",
    "rossiya": "rusia",
    "moscow": "moskow",
    "moskwa": "moskow",
    "moskou": "moskow",
    "ukraine": "ukraina",
    "ukrainian": "ukraina",
    "ukrania": "ukraina",
    "kiev": "kyiv",
    "kiew": "kyiv",
    "kyiv": "kyiv",
    "zelenskyy": "zelensky",
    "zelenskiy": "zelensky",
    "zelenskyi": "zelensky",
    "zelenski": "zelensky",
    "volodymyr": "zelensky",
    "peskov": "peskov",
    "zakharova": "zakharova",
    "kremlin": "kremlin",
    "kremlinnya": "kremlin",
    "diplomacy": "diplomasi",
    "diplomatic": "diplomatik",
    "summit": "ktt",
    "sanctions": "sanksi",
    "sanction": "sanksi",
    "treaty": "perjanjian",
    "negotiation": "negosiasi",
    "negotiations": "negosiasi",
    "talks": "perundingan",
    "un": "pbb",
    "nato": "nato",
    "eropa": "eropa",
    "europe": "eropa",
    "tiongkok": "china",
    "cina": "china",
    "rrt": "china",
}

STOPWORDS = frozenset(
    """
ada adalah agar akan akhir aku anda antara apa apakah atas atau bagai bagaimana bagi bahwa baik
banyak baru beberapa begitu belum benar berapa berbagai bersama beserta bisa boleh bukan cukup
dalam dan dapat dari daripada demikian dengan di dia diri dua hal hampir hanya harus hari hingga
ia ialah ini itu jadi jika juga jumat kali kalau kami kamis kamu karena ke kemudian kepada ketika
kini kita lagi lain lalu lama lebih maka mampu masih mau melalui memang mereka minggu misalnya mungkin
namun nya oleh pada para pula pun rabu saat saja salah sama sambil sampai sangat sebagai sebelum
sebuah secara sedang sejak selasa selama seluruh semua senin seorang seperti serta setelah
sudah supaya tak tahun tanpa tapi telah tentang tersebut tetapi tiga tidak untuk usai waktu yaitu
yakni yang the of and to in a is for on that with by at from
""".split()
)

_TOKEN = re.compile(r"[a-z0-9]+")
# "danRusiamenyepakati", "VladimirPutin": scraped pages whose link texts lost their spaces
_GLUED = re.compile(r"(?<=[a-z])(?=[A-Z])")
# Sastrawi's own factory wraps the stemmer in an unbounded per-word cache; stem()'s bounded one is
# enough, and keeps a long run's memory flat in the number of distinct words it meets.
_stemmer = Stemmer(ArrayDictionary(StemmerFactory().get_words()))


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    if word.isdigit() or len(word) <= 3 or word in WORDS.values():
        return word
    return _stemmer.stem(word) or word


def _trigger(pattern: str) -> str:
    """The literal start of a variant's pattern: most texts lack it, and ``in`` is far cheaper than a scan."""
    m = re.match(r"(?:\\b)?([a-z]+)([?*{]?)", pattern)
    if m is None:
        return ""  # no literal start: always try the pattern
    return m.group(1)[:-1] if m.group(2) else m.group(1)  # "sergey?" → "serge"


_TRIGGERED = [(_trigger(pat.pattern), pat, rep) for pat, rep in PHRASES]


def prepare(text: str) -> str:
    t = _GLUED.sub(" ", text).lower()
    for trigger, pat, rep in _TRIGGERED:
        if trigger in t:
            t = pat.sub(rep, t)
    return t


def words(text: str) -> list[str]:
    """Lowercased words with spelling variants unified; not stemmed (concept matching uses these)."""
    return [WORDS.get(w, w) for w in _TOKEN.findall(prepare(text))]


def tokens(text: str, drop_stopwords: bool = True) -> list[str]:
    """Normalised stems of a text, in order (for similarity)."""
    return [stem(w) for w in words(text) if not (drop_stopwords and w in STOPWORDS)]


def phrase_key(phrase: str) -> tuple[str, ...]:
    """A concept phrase from topic.yaml as the word sequence it matches; a word ending in * is a prefix."""
    star = phrase.rstrip().endswith("*")
    key = [WORDS.get(w, w) for w in _TOKEN.findall(prepare(phrase.rstrip("* ")))]
    if star and key:
        key[-1] += "*"
    return tuple(key)
