"""The end of a centre's crawl: the idle rounds (files found only on listings, then known
items not met) never leave the crawl waiting for Scrapy's heartbeat."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from scrapy import Request
from scrapy.exceptions import DontCloseSpider

from crawlers.registry import Centre
from crawlers.sources import Link
from crawlers.spiders.centre import CentreSpider
from normalize.template import SiteTemplate


def idle_spider(unseen: list[str], orphans: list[str]) -> tuple[CentreSpider, list[Request]]:
    state = SimpleNamespace(template=SiteTemplate(), unseen_item_urls=lambda: list(unseen))
    centre = Centre(id="wp", name="CRPV", url="http://127.0.0.1:9/")
    spider = CentreSpider(centre=centre, state=state, mode="full")
    crawled: list[Request] = []
    spider.crawler = SimpleNamespace(engine=SimpleNamespace(crawl=crawled.append))
    spider._request = lambda link, **meta: Request(link.url)
    for url in orphans:
        spider.orphan_documents[url] = Link(url, "document", orphan=True)
    return spider, crawled


def test_a_crawl_with_nothing_left_to_ask_closes_at_its_first_idle():
    """Raising DontCloseSpider with nothing scheduled kept each crawl idle until the engine's
    next heartbeat (5 s), holding its place among the centres crawled at once."""
    spider, crawled = idle_spider(unseen=[], orphans=[])
    spider.on_idle()  # no DontCloseSpider: the crawl closes now
    assert crawled == []


def test_known_items_not_met_are_revisited_at_the_first_idle_when_no_file_waits():
    spider, crawled = idle_spider(unseen=["http://127.0.0.1:9/old/"], orphans=[])
    with pytest.raises(DontCloseSpider):
        spider.on_idle()
    assert [r.url for r in crawled] == ["http://127.0.0.1:9/old/"]
    spider.on_idle()  # once they are fetched, the crawl closes
    assert len(crawled) == 1


def test_files_first_then_known_items_then_close():
    spider, crawled = idle_spider(unseen=["http://127.0.0.1:9/old/"],
                                  orphans=["http://127.0.0.1:9/f.pdf"])
    with pytest.raises(DontCloseSpider):
        spider.on_idle()
    assert [r.url for r in crawled] == ["http://127.0.0.1:9/f.pdf"]
    with pytest.raises(DontCloseSpider):
        spider.on_idle()
    assert [r.url for r in crawled][1:] == ["http://127.0.0.1:9/old/"]
    spider.on_idle()
    assert len(crawled) == 2
