"""Scrapy's downloader, holding to one request at a time per site even without a delay.

Scrapy 2.19 counts a request against its slot's concurrency only once its download task has
started, a turn of the event loop after the slot queue handed it out. With a delay between
requests the queue hands out one at a time anyway; without one (`CRPV_DOWNLOAD_DELAY=0`: the
tests, the benchmarks, a site of one's own), a slot sent every queued request at once, each on
a new TCP connection, whatever CONCURRENT_REQUESTS_PER_DOMAIN said. Here a request counts as
soon as it leaves the queue: one at a time, on the kept-alive connection of the previous one.
"""

from __future__ import annotations

from time import monotonic

from scrapy.core.downloader import Downloader, Slot
from scrapy.utils.defer import _schedule_coro


class OneAtATimeDownloader(Downloader):
    def _process_queue(self, slot: Slot) -> None:
        if slot.latercall or slot.download_delay():
            super()._process_queue(slot)  # a delay paces the slot: Scrapy's own way
            return
        while slot.queue and slot.free_transfer_slots() > 0:
            slot.lastseen = monotonic()
            request, queue_dfd = slot.queue.popleft()
            # Counted now, not when the task starts; `_download` adds it again (a set) and
            # removes it when the response is in.
            slot.transferring.add(request)
            _schedule_coro(self._wait_for_download(slot, request, queue_dfd))
