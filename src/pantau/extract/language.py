"""Language identification: plainly Indonesian text by its function words, anything else by
langdetect (seeded, so the same text always gets the same answer).

The function-word test is a shortcut, not a classifier: text whose first 1,000 characters have at
least 40 words, ≥ 12 % of them Indonesian function words and < 2 % English ones, is Indonesian. On the
13,908 articles of the shared pool and dev set it accepts 91 % of them in 0.05 ms each (langdetect:
3.6 ms); langdetect agreed on all but one, which it called Catalan and which is Indonesian.
langdetect has no Malay model: Malaysian text comes back as ``id`` either way. Only the profiles of
the languages Indonesian feeds carry (``PROFILES``) are loaded: 17 MB instead of 60 MB, and on the
1,276 articles that reach langdetect it decides "Indonesian or not" as the full set does, except five
Indonesian articles the full set took for Tagalog or Estonian.
"""

from __future__ import annotations

import os
import re
import threading

from langdetect import LangDetectException
from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

PROFILES = ("id", "en", "ar", "zh-cn", "zh-tw", "ja", "ko", "nl", "fr", "de", "es", "pt", "ru", "vi", "th", "hi")
_lock = threading.Lock()
_factory: DetectorFactory | None = None

_WORD = re.compile(r"[a-z]+")
_ID_WORDS = frozenset(
    """yang dan di ini itu dengan untuk dari dalam tidak akan pada juga ke ada oleh karena bahwa
    telah atau sudah saat bisa lebih para mereka kami kita namun setelah seperti tersebut hanya masih belum""".split()
)
_EN_WORDS = frozenset("the and of to in is that for with on was as by at are from this be it were has have".split())


def plainly_indonesian(text: str) -> bool:
    words = _WORD.findall(text[:1000].lower())
    if len(words) < 40:
        return False
    indonesian = sum(w in _ID_WORDS for w in words) / len(words)
    english = sum(w in _EN_WORDS for w in words) / len(words)
    return indonesian >= 0.12 and english < 0.02


def _detector_factory() -> DetectorFactory:
    global _factory
    if _factory is None:
        factory = DetectorFactory()
        factory.seed = 0
        profiles = []
        for lang in PROFILES:
            with open(os.path.join(PROFILES_DIRECTORY, lang), encoding="utf-8") as f:
                profiles.append(f.read())
        factory.load_json_profile(profiles)
        _factory = factory
    return _factory


def detect_language(text: str, sample_chars: int = 2000) -> tuple[str | None, float]:
    """Return (language code, probability); (None, 0.0) for text with no letters."""
    if plainly_indonesian(text or ""):
        return "id", 0.99
    sample = (text or "")[:sample_chars]
    if not any(ch.isalpha() for ch in sample):
        return None, 0.0
    with _lock:
        detector = _detector_factory().create()
        detector.append(sample)
        try:
            best = detector.get_probabilities()[0]
        except LangDetectException:
            return None, 0.0
    return best.lang, float(best.prob)
