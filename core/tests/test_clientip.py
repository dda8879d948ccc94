import pytest
from django.test import RequestFactory, override_settings

from core.clientip import client_ip


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "1.1.1.1", "10.0.0.2"),  # no proxy: the header is the client's own words
        (1, "1.1.1.1, 203.0.113.5", "203.0.113.5"),  # our proxy appended the real address
        (1, "203.0.113.5", "203.0.113.5"),
        (2, "1.1.1.1, 203.0.113.5, 10.0.0.9", "203.0.113.5"),
        (2, "203.0.113.5", "10.0.0.2"),  # fewer entries than proxies: misconfigured, use the peer
    ],
)
def test_client_ip_honours_the_trusted_proxy_count(proxies, forwarded, expected):
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="10.0.0.2")
    with override_settings(TRUSTED_PROXY_COUNT=proxies):
        assert client_ip(request) == expected
