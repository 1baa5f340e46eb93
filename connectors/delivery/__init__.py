"""Alerts out: Apprise (``apprise_send.py``, one URL per call) and the channels of config.yaml
(``channels.py``: secrets from the environment or Prefect Secret blocks)."""

from .apprise_send import auto_format, mask, recognised, send
from .channels import console, feedback_signer, require_channels, resolve_channels, secret_url

__all__ = [
    "auto_format",
    "mask",
    "recognised",
    "send",
    "console",
    "require_channels",
    "resolve_channels",
    "secret_url",
    "feedback_signer",
]
