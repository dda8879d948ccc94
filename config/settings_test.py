"""Test settings: the real settings, with a private embedded Redis per test run
unless REDIS_URL is given (CI gives it), media in a temporary folder and fast
password hashing."""

import os
import tempfile
from pathlib import Path

TEST_TMP = Path(tempfile.mkdtemp(prefix="persona-test-"))
os.environ.setdefault("REDIS_URL", f"unix://{TEST_TMP / 'redis.sock'}")
os.environ.setdefault("MEDIA_ROOT", str(TEST_TMP / "media"))
os.environ.setdefault("SCRATCH_DIR", str(TEST_TMP / "scratch"))
os.environ.setdefault("STATIC_ROOT", str(TEST_TMP / "static"))
(TEST_TMP / "static").mkdir()  # whitenoise warns about a missing STATIC_ROOT (make run collects into it)

from config.settings import *  # noqa: E402,F403

EMBEDDED_REDIS = not REDIS_URL.startswith("redis")  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
WEBHOOKS_ALLOW_LOOPBACK = True
ALLOW_PLAIN_HTTP_API = True
AXES_FAILURE_LIMIT = 3

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file rather than shared-cache memory: tests that run the webhook dispatcher in
    # threads then get WAL and busy_timeout, not "database table is locked".
    DATABASES["default"]["TEST"] = {"NAME": str(TEST_TMP / "test.sqlite3")}  # noqa: F405
