"""Language identification with langdetect, seeded so the same text always gets the same answer.

langdetect has no Malay model: Malaysian text comes back as ``id``.
"""
from __future__ import annotations

import threading

from langdetect import DetectorFactory, LangDetectException, detect_langs

DetectorFactory.seed = 0
_lock = threading.Lock()   # langdetect's factory is a module-level singleton; keep it deterministic


def detect_language(text: str, sample_chars: int = 2000) -> tuple[str | None, float]:
    """Return (language code, probability); (None, 0.0) for text with no letters."""
    sample = (text or "")[:sample_chars]
    if not any(ch.isalpha() for ch in sample):
        return None, 0.0
    with _lock:
        DetectorFactory.seed = 0
        try:
            best = detect_langs(sample)[0]
        except LangDetectException:
            return None, 0.0
    return best.lang, float(best.prob)
