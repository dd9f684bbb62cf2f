"""Downloaded files (PDF, office documents): the bytes, for the pipeline to read.

A PDF is looked into first, without parsing it: its compressed streams are inflated (and
thrown away) up to a bound. A 1 MB file whose content stream inflates to a gigabyte is a
decompression bomb: the PDF reader would spend hundreds of megabytes and seconds on it, so
it is not read, and a `size` row says why.
"""

from __future__ import annotations

import re
import zlib

from crawlers.items import DocumentItem, ErrorItem
from crawlers.sources import Reading
from crawlers.state import utc_now
from normalize.urls import canonicalize_url

MAX_INFLATED_BYTES = 64 * 1024 * 1024  # all of a PDF's streams, inflated: text needs far less
_STREAM = re.compile(rb"stream\r?\n")
_CHUNK = 64 * 1024  # bytes fed at a time (what zlib does not use is copied: keep it small)
_OUT = 1024 * 1024  # bytes inflated at a time


def read(response, context) -> Reading:
    meta = response.meta
    body = response.body
    if body[:5] == b"%PDF-" and inflates_past(body, MAX_INFLATED_BYTES):
        return Reading(records=[ErrorItem(
            context.id, response.url, "size",
            f"PDF whose streams inflate past {MAX_INFLATED_BYTES} bytes (a decompression bomb): not read")])
    return Reading(records=[DocumentItem(
        centre_id=context.id,
        file_url=canonicalize_url(response.url),
        parent_url=meta.get("parent"),
        body=body,
        content_type=response.headers.get("Content-Type", b"").decode("latin-1") or None,
        link_text=meta.get("link_text"),
        source_url=meta.get("source"),
        fetched_at=utc_now(),
    )])


def inflates_past(body: bytes, limit: int) -> bool:
    """Whether the zlib streams of a PDF inflate to more than `limit` bytes in all, found by
    inflating them a piece at a time (a stream that is not zlib stops at its first byte)."""
    total = 0
    view = memoryview(body)
    for match in _STREAM.finditer(body):
        inflater = zlib.decompressobj()
        at = match.end()
        try:
            while at < len(body) and not inflater.eof:
                total += len(inflater.decompress(view[at:at + _CHUNK], _OUT))
                # Past the stream's end zlib keeps what follows it as an unconsumed tail
                # that never shrinks: without `eof` here, a stream inflating past `_OUT`
                # whose end lies in the fed chunk looped forever.
                while inflater.unconsumed_tail and not inflater.eof and total <= limit:
                    total += len(inflater.decompress(inflater.unconsumed_tail, _OUT))
                if total > limit:
                    return True
                at += _CHUNK
        except zlib.error:
            continue
    return False
