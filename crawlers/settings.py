"""Scrapy settings: the only settings module. Environments differ through CRPV_* variables."""

import os

BOT_NAME = "portail-crpv"
SPIDER_MODULES = ["crawlers.spiders"]

# Politeness: the centres must never notice the portal.
CONTACT_URL = os.getenv("CRPV_CONTACT_URL", "https://github.com/portail-crpv/portail-crpv")
USER_AGENT = f"PortailCRPV/0.1 (+{CONTACT_URL}; agrégateur des centres de ressources politique de la ville)"
ROBOTSTXT_OBEY = True
ROBOTSTXT_PARSER = "crawlers.robots.CappedRobotParser"  # its first 500 KB, as Google reads it
CONCURRENT_REQUESTS = 32  # across centres; each centre gets one request at a time
CONCURRENT_REQUESTS_PER_DOMAIN = 1
# Scrapy's own downloader holds to it only while a delay paces the requests (crawlers/downloader.py).
DOWNLOADER = "crawlers.downloader.OneAtATimeDownloader"
# Scrapy reads the source of a response's callback (inspect + ast) to warn about a generator
# that returns a value. Its cache is keyed by the bound method, which dies with its request:
# the source of CentreSpider.parse was parsed again for every response, 4 % of a harvest's
# CPU. tests/crawling/test_callbacks.py makes the same check once.
WARN_ON_GENERATOR_RETURN_VALUE = False
# One second between two requests to the same site. CRPV_DOWNLOAD_DELAY lowers it for
# the loopback demo mirror and the tests, which are our own servers.
DOWNLOAD_DELAY = float(os.getenv("CRPV_DOWNLOAD_DELAY", "1.0"))
DOWNLOAD_DELAY_JITTER = 0  # the delay is exact: a robots.txt Crawl-delay is a floor
# robots.txt Crawl-delay is honoured up to this many seconds.
CRPV_MAX_CRAWL_DELAY = float(os.getenv("CRPV_MAX_CRAWL_DELAY", "30"))
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
DOWNLOAD_TIMEOUT = float(os.getenv("CRPV_DOWNLOAD_TIMEOUT", "30"))
DOWNLOAD_MAXSIZE = 40 * 1024 * 1024  # a PDF larger than this is not fetched (pages: CRPV_MAX_PAGE_BYTES)
DOWNLOAD_WARNSIZE = 10 * 1024 * 1024
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
REDIRECT_MAX_TIMES = 5
DEPTH_LIMIT = int(os.getenv("CRPV_DEPTH_LIMIT", "8"))
# Breadth-first: listings named in the registry are read before the deep tail of a site.
DEPTH_PRIORITY = 1
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleFifoDiskQueue"
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"
# The page budget (CRPV_MAX_PAGES) is counted by the crawl controller on the requests it
# sends, so the crawl stops at it with a `trap` row. Responses it did not ask for (retries,
# redirects) are counted by Scrapy against twice the budget: a safety net only, because a
# close by page count lets the requests already queued go out.
CRPV_MAX_PAGES = os.getenv("CRPV_MAX_PAGES")
CLOSESPIDER_PAGECOUNT = 2 * (int(CRPV_MAX_PAGES) if (CRPV_MAX_PAGES or "").isdigit() else 5000)
CLOSESPIDER_ERRORCOUNT = 0
# Pipelines are synchronous and cheap: one item at a time, instead of a hundred tasks per
# response that cost CPU and change nothing.
CONCURRENT_ITEMS = 1
# Bounds of a harvest (crawlers.context.HarvestLimits, where the defaults live); each bound
# reached is a harvest_errors row. Values are checked by `crpv harvest` before any crawl.
LIMIT_SETTINGS = ("CRPV_MAX_PAGES", "CRPV_MAX_LINKS_PER_PAGE", "CRPV_MAX_SITEMAPS", "CRPV_MAX_PAGE_BYTES",
                  "CRPV_MAX_OCCURRENCES", "CRPV_MAX_SERIES_OCCURRENCES", "CRPV_CALENDAR_SECONDS",
                  "CRPV_GIVE_UP_AFTER_TIMEOUTS")
CRPV_MAX_LINKS_PER_PAGE = os.getenv("CRPV_MAX_LINKS_PER_PAGE")
CRPV_MAX_SITEMAPS = os.getenv("CRPV_MAX_SITEMAPS")
CRPV_MAX_PAGE_BYTES = os.getenv("CRPV_MAX_PAGE_BYTES")
CRPV_MAX_OCCURRENCES = os.getenv("CRPV_MAX_OCCURRENCES")
CRPV_MAX_SERIES_OCCURRENCES = os.getenv("CRPV_MAX_SERIES_OCCURRENCES")
CRPV_CALENDAR_SECONDS = os.getenv("CRPV_CALENDAR_SECONDS")
CRPV_GIVE_UP_AFTER_TIMEOUTS = os.getenv("CRPV_GIVE_UP_AFTER_TIMEOUTS")

DOWNLOADER_MIDDLEWARES = {
    "crawlers.middlewares.OriginGuardMiddleware": 50,  # before robots.txt is asked anywhere
    "crawlers.middlewares.TimeoutsMiddleware": 555,  # just after RetryMiddleware (550)
    "crawlers.middlewares.ConditionalRequestsMiddleware": 560,
    "crawlers.middlewares.PermanentRedirectsMiddleware": 650,
}
SPIDER_MIDDLEWARES = {
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
    "crawlers.depth.ListingDepthMiddleware": 900,  # pagination is not depth; a drop is a row
}
ITEM_PIPELINES = {
    "pipelines.normalize.NormalizePipeline": 300,
    "pipelines.validate.ValidatePipeline": 400,
    "pipelines.store.StorePipeline": 800,
}

LOG_LEVEL = os.getenv("CRPV_LOG_LEVEL", "WARNING")
LOG_FORMAT = "%(asctime)s [%(name)s] %(levelname)s: %(message)s"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"
