"""Per-plan REST rate limit: 429 with Retry-After once an account exceeds
``Plan.rate_limit_per_minute`` (counted in Redis through Django's cache)."""

from __future__ import annotations

from rest_framework.throttling import SimpleRateThrottle

from accounts.auth import Principal


class PlanRateThrottle(SimpleRateThrottle):
    scope = "plan"

    def get_rate(self) -> str | None:
        return None  # set per request from the plan in allow_request

    def allow_request(self, request, view) -> bool:
        principal = request.user
        if not isinstance(principal, Principal):
            return True
        self.num_requests = principal.account.plan.rate_limit_per_minute
        self.duration = 60
        if not self.num_requests:
            return True
        self.key = f"throttle:plan:{principal.account.pk}"
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        if len(self.history) >= self.num_requests:
            return self.throttle_failure()
        return self.throttle_success()

    def get_cache_key(self, request, view) -> str | None:
        return getattr(self, "key", None)
