"""The check Scrapy makes of every response's callback (WARN_ON_GENERATOR_RETURN_VALUE, off in
crawlers/settings.py because it parsed the callback's source again for each response), made
once here: a generator callback that returns a value loses that value silently."""

from __future__ import annotations

from scrapy.utils.misc import is_generator_with_return_value

from crawlers import settings
from crawlers.spiders.centre import CentreSpider


def test_no_callback_is_a_generator_that_returns_a_value():
    assert settings.WARN_ON_GENERATOR_RETURN_VALUE is False
    for callback in (CentreSpider.parse, CentreSpider.on_error):
        assert not is_generator_with_return_value(callback), callback.__qualname__


def test_the_check_itself_sees_such_a_callback():
    def parse(response):
        yield {"title": "x"}
        return "lost"

    assert is_generator_with_return_value(parse)
