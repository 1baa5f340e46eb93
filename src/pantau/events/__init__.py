"""The event at a glance: who met whom, where, at which forum, when, and what they did — read from an
Indonesian article's title and lead with gazetteers and rules (no model), each field traceable to its
sentence, and left out when the rules are unsure.

* ``gazetteer.py`` — the YAML data (states, roles, people and their posts by date, places, forums,
  actions), validated and compiled;
* ``sentences.py`` — title and lead, dateline dropped, quotations blanked;
* ``action.py``, ``people.py``, ``places.py``, ``forum.py``, ``when.py`` — one rule per field;
* ``card.py`` — the card (``extract``), its one-line form and its explanation.

Measured on labeled articles by ``scripts/eval_events.py`` (docs/alerts.md).
"""

from .card import FIELDS, EventCard, extract
from .field import Field

__all__ = ["FIELDS", "EventCard", "Field", "extract"]
