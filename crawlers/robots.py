"""robots.txt read as the major crawlers read it: its first 500 KB only.

Google documents the same bound. Beyond it, a robots.txt is a trap rather than a policy:
Protego parsing a 30 MB file of a million rules took 700 MB and ten seconds. The cut is at a
line's end, so no rule is read half; a `robots` row says the file was cut.
"""

from __future__ import annotations

from scrapy.robotstxt import ProtegoRobotParser

MAX_ROBOTS_BYTES = 500 * 1024


class CappedRobotParser(ProtegoRobotParser):
    @classmethod
    def from_crawler(cls, crawler, robotstxt_body: bytes):
        if len(robotstxt_body) > MAX_ROBOTS_BYTES:
            size = len(robotstxt_body)
            robotstxt_body = robotstxt_body[:MAX_ROBOTS_BYTES].rpartition(b"\n")[0]
            note = getattr(crawler.spider, "note", None)
            if note is not None:
                origin = getattr(crawler.spider, "origin", "")
                note("robots", f"robots.txt of {size} bytes: only its first {MAX_ROBOTS_BYTES} "
                               "bytes read", origin + "/robots.txt")
        return super().from_crawler(crawler, robotstxt_body)
