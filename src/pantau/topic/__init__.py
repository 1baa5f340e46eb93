"""The topic: a folder (topic.yaml + exemplars/) and the matcher that judges articles against it.

Public API: ``load_topic``, ``Matcher``, ``Topic``, ``TopicSpec``, ``TopicError``, ``load_idf``.
This package reads only its own folder and the bundled IDF table: no store, no network, no flows.
"""

from ..errors import TopicError
from .loading import Topic, load_topic
from .matcher import Matcher, load_idf
from .spec import TopicSpec

__all__ = ["Matcher", "Topic", "TopicSpec", "TopicError", "load_idf", "load_topic"]
