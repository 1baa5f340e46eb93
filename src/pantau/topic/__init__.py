"""The topic: a folder (topic.yaml + exemplars/) and the matcher that judges articles against it.

Public API: ``load_topic``, ``Matcher``, ``Topic``, ``TopicSpec``, ``TopicError``, ``load_idf``.
This package reads only its own folder and the bundled IDF table: no store, no network, no flows.
"""

from ..errors import TopicError
from .matcher import Matcher, Topic, load_idf, load_topic
from .spec import TopicSpec

__all__ = ["Matcher", "Topic", "TopicSpec", "TopicError", "load_idf", "load_topic"]
