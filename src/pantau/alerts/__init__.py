"""Alerts: one per story per channel, exactly once.

* a channel at run time (settings + sender) is ``pantau.models.Channel``;
* ``plan.py``    — the intent to alert, recorded in the outbox before anything is sent;
* ``render.py``  — the words, per format, with untrusted text escaped (the event card: pantau.events);
* ``digest.py``  — a digest: header, one compact entry per story, best first, within the channel's size;
* ``deliver.py`` — claim, send, record; digests on their cron (``deliver_digests``: the digest flow);
* ``sample.py``  — the sample alert of ``pantau test-alert``.
"""

from ..models import Channel, Sender
from .deliver import ORPHAN_AFTER, backoff, deliver, deliver_digests, digest_due
from .plan import plan
from .render import excerpt_of, render, slack_escape, text_escape
from .sample import sample_alert

__all__ = [
    "Channel",
    "Sender",
    "ORPHAN_AFTER",
    "backoff",
    "deliver",
    "deliver_digests",
    "digest_due",
    "plan",
    "excerpt_of",
    "render",
    "slack_escape",
    "text_escape",
    "sample_alert",
]
