"""core.links: the one signed-link scheme (videos, media previews, document downloads)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core import errors
from core.errors import AppError
from core.links import link_claims, link_token


def test_round_trip_and_expiry():
    now = timezone.now()
    token = link_token("a", {"x": 1}, expires_at=now + timedelta(seconds=30))
    assert link_claims("a", token, invalid=errors.NOT_FOUND_ERROR, now=now)["x"] == 1
    with pytest.raises(AppError) as info:
        link_claims("a", token, invalid=errors.NOT_FOUND_ERROR, now=now + timedelta(seconds=30))
    assert info.value.entry is errors.GONE


@pytest.mark.parametrize("purpose, mangle", [("b", str), ("a", lambda t: t[:-2] + "xy"), ("a", lambda t: "junk")])
def test_a_token_opens_only_its_own_purpose_and_only_unaltered(purpose, mangle):
    token = link_token("a", {"x": 1}, expires_at=timezone.now() + timedelta(hours=1))
    with pytest.raises(AppError) as info:
        link_claims(purpose, mangle(token), invalid=errors.MEDIA_NOT_FOUND)
    assert info.value.entry is errors.MEDIA_NOT_FOUND
