"""The feedback pages behind an alert's "wrong" / "right" links (alerts/tokens.py): a small ASGI app
(Starlette), served by uvicorn — in a thread of ``pantau serve``, or alone by ``pantau feedback-server``.

``GET /feedback/{token}`` only shows a confirmation page (the story's title and one button): mail
scanners and link previews fetch links, so a GET never changes anything. The button POSTs the token in
the form body to the same address; the POST is refused when its Origin (or, without one, its Referer)
is another site's. A valid POST saves the verdict as ``pantau feedback`` does (alerts/verdicts.py),
once per alert, and audits it. A forged link answers 400, an expired one 410, a used one 409 — each a
page that says so in a sentence. Pages are self-contained HTML (no external assets, inline style),
every value escaped, sent with a Content-Security-Policy that allows nothing else.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

from jinja2 import Environment
from sqlalchemy.exc import NoResultFound
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse
from starlette.routing import Route

from .alerts.tokens import Signer, Token, TokenError
from .alerts.verdicts import record, used
from .clock import utcnow
from .config import Config
from .errors import PantauError
from .store import Store

log = logging.getLogger("pantau.feedback")
MAX_FORM_BYTES = 8192
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",  # the token never leaks to another site (no-referrer: Origin "null")
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
}
WHAT = {
    "wrong": (
        "This alert is wrong",
        "pantau will learn from it: the story's lead article becomes a <em>negative</em> example, so "
        "stories like it stop being alerted.",
    ),
    "right": (
        "This alert is right",
        "pantau will learn from it: the story's lead article becomes a <em>positive</em> example, so "
        "more stories like it are found.",
    ),
}

PAGE = Environment(autoescape=True).from_string(
    """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>pantau · {{ heading }}</title>
<style>
body{font-family:system-ui,Arial,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#222;line-height:1.45}
h1{font-size:1.3rem;margin:0 0 1rem}
.story{border-left:4px solid #888;padding:.4rem .8rem;margin:1rem 0;background:#f6f6f6}
.story b{display:block;font-size:1.05rem} .meta{color:#666;font-size:.9rem}
label{display:block;margin:1rem 0 .3rem;font-size:.9rem;color:#444}
input[type=text]{width:100%;box-sizing:border-box;padding:.5rem;font-size:1rem;border:1px solid #aaa;border-radius:4px}
button{font:inherit;margin-top:1rem;padding:.7rem 1.2rem;border:0;border-radius:4px;color:#fff;cursor:pointer}
.wrong button{background:#b3261e} .right button{background:#1e6b32} .note{color:#555;font-size:.9rem}
.error h1{color:#b3261e} .done h1{color:#1e6b32} footer{margin-top:2rem;color:#888;font-size:.8rem}
</style></head>
<body class="{{ kind }}">
<h1>{{ heading }}</h1>
{% if story %}<div class="story"><b>{{ story.title }}</b><span class="meta">{{ story.meta }}</span></div>{% endif %}
{% if message %}<p>{{ message }}</p>{% endif %}
{% if explain %}<p class="note">{{ explain|safe }}</p>{% endif %}
{% if form %}<form method="post" action="">
<input type="hidden" name="token" value="{{ form.token }}">
<label for="who">Your name or email (optional, kept with the verdict)</label>
<input type="text" id="who" name="who" maxlength="200" autocomplete="email">
<button type="submit">{{ form.button }}</button>
</form>
<p class="note">Nothing is recorded until you press the button; to leave it, just close this page.</p>{% endif %}
<footer>pantau · news alerts</footer>
</body></html>
"""
)


def _page(status: int, kind: str, heading: str, **ctx) -> HTMLResponse:
    return HTMLResponse(PAGE.render(kind=kind, heading=heading, **ctx), status_code=status, headers=HEADERS)


def _refused(e: PantauError, status: int | None = None, heading: str | None = None) -> HTMLResponse:
    code = int(status or getattr(e, "status", None) or 400)
    heading = heading or {409: "Already recorded", 410: "This link has expired", 404: "Story not found"}.get(
        code, "This link cannot be used"
    )
    return _page(code, "error", heading, message=str(e))


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def same_site(request: Request, base_url: str) -> bool:
    """Does the POST come from our own page? Its Origin header, else its Referer, when either is sent,
    must be the public base URL's origin or the address the request came to; with neither (some
    privacy settings strip both), the token in the body is what proves the reader has the link."""
    allowed = {_origin(base_url), _origin(str(request.base_url))}
    origin = request.headers.get("origin")
    if origin is not None:
        return origin.lower() in allowed  # "null" (a sandboxed or cross-origin redirect) is refused
    referer = request.headers.get("referer")
    if referer is not None:
        return _origin(referer) in allowed
    return True


def create_app(cfg: Config, store: Store, signer: Signer, now: Callable[[], datetime] = utcnow) -> Starlette:
    """The feedback app for ``cfg`` on ``store``, verifying links with ``signer``."""

    def story_of(token: Token) -> dict | None:
        try:
            story = store.stories.get(token.story_id)
        except NoResultFound:
            return None
        outlets = sorted({a.site or urlsplit(a.url).hostname or "" for a in store.articles.of_story(story.id)})
        return {"title": story.title, "meta": f"{', '.join(o for o in outlets if o)} · story {story.id}"}

    def check(raw: str) -> Token | HTMLResponse:
        try:
            token = signer.verify(raw, now())
        except TokenError as e:
            return _refused(e)
        seen = used(store, token)
        if seen is not None:
            return _refused(seen)
        return token

    async def confirm(request: Request) -> HTMLResponse:
        token = check(request.path_params["token"])
        if isinstance(token, HTMLResponse):
            return token
        story = story_of(token)
        if story is None:
            return _refused(PantauError(f"story {token.story_id} is no longer in pantau's store"), 404)
        heading, explain = WHAT[token.verdict]
        form = {"token": request.path_params["token"], "button": f"Yes — {heading.lower()}"}
        return _page(200, token.verdict, f"{heading}?", story=story, explain=explain, form=form)

    async def submit(request: Request) -> HTMLResponse:
        if not same_site(request, cfg.feedback.base_url or ""):
            return _page(403, "error", "Refused", message="this form was sent from another site; open the link again")
        body = await request.body()
        if len(body) > MAX_FORM_BYTES:
            return _page(413, "error", "Refused", message="the form is too large")
        form = parse_qs(body.decode("utf-8", "replace"), max_num_fields=10)
        raw = (form.get("token") or [""])[0]
        if raw != request.path_params["token"]:
            return _page(400, "error", "This link cannot be used", message="the form does not match its link")
        token = check(raw)
        if isinstance(token, HTMLResponse):
            return token
        client = request.client.host if request.client else None
        who = " ".join((form.get("who") or [""])[0].split())[:200] or client or "unknown"
        story = story_of(token)
        try:
            row, lead = record(cfg, store, token, who, client, now())
        except TokenError as e:
            return _refused(e)
        except PantauError as e:  # an unknown story, an article that is an exemplar already
            return _refused(e, 404) if story is None else _refused(e, 409, "pantau knows this one already")
        log.info("feedback: story %s is %s (from %s)", row.story_id, row.verdict, who)
        polarity = "negative" if row.verdict == "wrong" else "positive"
        return _page(
            200,
            "done",
            "Thank you — recorded",
            story=story,
            message=f"Saved as a {polarity} example of the topic. The next run uses it, and its report lists it.",
        )

    async def health(request: Request) -> PlainTextResponse:
        return PlainTextResponse("ok", headers=HEADERS)

    return Starlette(
        routes=[
            Route("/feedback/{token}", confirm, methods=["GET"]),
            Route("/feedback/{token}", submit, methods=["POST"]),
            Route("/health", health, methods=["GET"]),
        ]
    )


class FeedbackServer:
    """uvicorn serving the feedback app on ``host:port`` in a thread (``start``/``stop``), or in the
    calling thread (``run``, for ``pantau feedback-server``: Ctrl-C stops it)."""

    def __init__(self, cfg: Config, signer: Signer, host: str | None = None, port: int | None = None):
        import uvicorn

        self.store = Store(cfg.resolved_storage_url())
        app = create_app(cfg, self.store, signer)
        self.host = host or cfg.feedback.host
        self.port = cfg.feedback.port if port is None else port
        config = uvicorn.Config(app, host=self.host, port=self.port, log_level="warning", access_log=False)
        self.server = uvicorn.Server(config)
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def run(self) -> None:
        self.server.run()

    def _serve(self) -> None:
        # uvicorn ends with sys.exit(3) when it cannot bind; in a thread that would print a traceback
        # beside the one line ``start`` raises
        try:
            self.server.run()
        except SystemExit:
            pass

    def start(self, timeout: float = 10.0) -> FeedbackServer:
        self.thread = threading.Thread(target=self._serve, name="pantau-feedback", daemon=True)
        self.thread.start()
        end = datetime.now().timestamp() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or datetime.now().timestamp() > end:
                raise PantauError(f"feedback pages: cannot listen on {self.url} (is the port in use?)")
            threading.Event().wait(0.05)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        if self.thread is not None:
            self.thread.join(timeout=10)
        self.store.close()


def pages_for(cfg: Config, host: str | None = None, port: int | None = None) -> FeedbackServer | None:
    """The feedback server of ``cfg`` (not started), or None when ``feedback.base_url`` is not set;
    a ConfigError (one line) when the secret is missing."""
    from .connectors.delivery import feedback_signer

    signer = feedback_signer(cfg.feedback)
    return None if signer is None else FeedbackServer(cfg, signer, host, port)
