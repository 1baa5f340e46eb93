"""A response body read within a size cap: the cap counts the *decoded* bytes and is enforced while
the body streams in, so a 50 MB page or a gzip bomb is stopped before it has been received or
inflated — never held in memory whole (peak: the cap plus one inflated slice)."""

from __future__ import annotations

import zlib

import httpx

from pantau.errors import FetchError

SLICE = 256 * 1024  # inflate at most this much of a compressed chunk at a time


class BodyReader:
    def __init__(self, limit: int, headers: httpx.Headers, decoded: bool = False):
        self.limit = limit
        self.received = 0  # bytes on the wire
        self.size = 0  # bytes after decoding
        self.chunks: list[bytes] = []
        declared = headers.get("content-length")
        encoding = "identity" if decoded else headers.get("content-encoding", "identity").strip().lower()
        if declared and declared.isdigit() and int(declared) > limit:
            raise FetchError(f"body too large ({declared} bytes > {limit})")
        if encoding in ("", "identity"):
            self._inflate = None
        elif encoding in ("gzip", "x-gzip"):
            self._inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._inflate = zlib.decompressobj()
        else:
            raise FetchError(f"unsupported content encoding ({encoding})")

    def _add(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.limit:
            raise FetchError(f"body too large (> {self.limit} bytes)")
        self.chunks.append(data)

    def feed(self, chunk: bytes) -> None:
        self.received += len(chunk)
        if self._inflate is None:
            self._add(chunk)
            return
        data = chunk
        try:
            while data:
                out = self._inflate.decompress(data, SLICE)
                self._add(out)
                data = self._inflate.unconsumed_tail
        except zlib.error as e:
            raise FetchError(f"broken compressed body ({e})") from None

    def finish(self) -> bytes:
        if self._inflate is not None:
            try:
                self._add(self._inflate.flush())
            except zlib.error as e:
                raise FetchError(f"broken compressed body ({e})") from None
        return b"".join(self.chunks)
