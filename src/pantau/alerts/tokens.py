"""One-click feedback links: each alert carries a "wrong" and a "right" link, ``{base_url}/feedback/{token}``.

A token says which story, which verdict, until when, and which alert (a random nonce shared by the
alert's two links, and its channel), signed with HMAC-SHA256 over all of it. ``verify`` checks the
signature in constant time (``hmac.compare_digest``) before it reads anything else, then the expiry;
that a nonce is used once is the store's part (``store.feedback``). Tokens use only URL-safe characters::

    <story id>.<w|r>.<expiry, epoch seconds>.<nonce>.<channel, base64url>.<signature, base64url>
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ..clock import utcnow
from ..errors import ConfigError, PantauError

VERDICTS = {"w": "wrong", "r": "right"}
_DOMAIN = b"pantau-feedback-v1|"  # a signature made for anything else never verifies here
MIN_SECRET = 16


class TokenError(PantauError):
    """A feedback link that cannot be used; ``status`` is the HTTP status its page answers with."""

    status = 400


class Forged(TokenError):
    status = 400


class Expired(TokenError):
    status = 410


class Used(TokenError):
    status = 409


@dataclass(frozen=True)
class Token:
    story_id: int
    verdict: str  # wrong | right
    expires: datetime
    nonce: str  # one per alert: its wrong and right links share it, so only one of them counts
    channel: str

    @property
    def right(self) -> bool:
        return self.verdict == "right"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Signer:
    """Signs and verifies feedback tokens with one secret; builds an alert's links."""

    def __init__(self, secret: str | bytes, base_url: str, ttl: timedelta = timedelta(days=14)):
        key = secret.encode() if isinstance(secret, str) else secret
        if len(key) < MIN_SECRET:
            raise ConfigError(f"feedback: the secret is too short ({len(key)} bytes; give at least {MIN_SECRET})")
        self._key = key
        self.base_url = base_url.rstrip("/")
        self.ttl = ttl

    def _mac(self, payload: str) -> str:
        return _b64(hmac.new(self._key, _DOMAIN + payload.encode("ascii"), hashlib.sha256).digest())

    def sign(self, story_id: int, verdict: str, expires: datetime, nonce: str, channel: str = "") -> str:
        code = next((k for k, v in VERDICTS.items() if v == verdict), None)
        if code is None:
            raise ValueError(f"verdict must be one of {sorted(VERDICTS.values())}, not {verdict!r}")
        payload = f"{int(story_id)}.{code}.{int(expires.timestamp())}.{nonce}.{_b64(channel.encode())}"
        return f"{payload}.{self._mac(payload)}"

    def verify(self, token: str, now: datetime | None = None) -> Token:
        """The token's content; Forged (bad signature, or not a token at all) or Expired otherwise."""
        payload, _, mac = token.rpartition(".")
        try:
            expected = self._mac(payload)
        except UnicodeEncodeError:
            raise Forged("this feedback link is not valid (it was changed or cut short)") from None
        if not hmac.compare_digest(expected.encode("ascii"), mac.encode("utf-8", "replace")):
            raise Forged("this feedback link is not valid (it was changed or cut short)")
        try:  # signed by us, so well formed; checked all the same
            story, code, exp, nonce, channel = payload.split(".")
            parsed = Token(
                int(story),
                VERDICTS[code],
                datetime.fromtimestamp(int(exp), UTC),
                nonce,
                _unb64(channel).decode("utf-8"),
            )
        except (ValueError, KeyError, binascii.Error, UnicodeDecodeError):
            raise Forged("this feedback link is not valid") from None
        if (now or utcnow()) >= parsed.expires:
            raise Expired(f"this feedback link expired on {parsed.expires:%d %b %Y %H:%M} UTC")
        return parsed

    def links(self, story_id: int, channel: str = "", now: datetime | None = None) -> dict[str, str]:
        """An alert's feedback: ``wrong_url``, ``right_url`` (one nonce for both) and ``command``."""
        expires = (now or utcnow()) + self.ttl
        nonce = secrets.token_urlsafe(12)
        out = {"command": command(story_id)}
        for verdict in ("wrong", "right"):
            out[f"{verdict}_url"] = f"{self.base_url}/feedback/{self.sign(story_id, verdict, expires, nonce, channel)}"
        return out


def command(story_id: int, verdict: str = "wrong") -> str:
    return f"pantau feedback {story_id} --{verdict}"
