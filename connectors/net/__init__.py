"""The HTTP client and its manners, one manner per module (as Scrapy's downloader middlewares):

* ``client.py``   — ``Fetcher``: the httpx client, size caps, and the manners composed;
* ``robots.py``   — robots.txt (protego), cached per site, with Crawl-delay;
* ``pacing.py``   — per-host concurrency and spacing, Retry-After;
* ``failures.py`` — httpx failures as one readable ``FetchError`` line;
* ``pages.py``    — article pages, multi-page articles followed.
"""

from pantau.errors import FetchError

from .client import Fetcher, Response

__all__ = ["Fetcher", "FetchError", "Response"]
