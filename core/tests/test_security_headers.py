"""Content-Security-Policy on the dashboard, HTTPS and HSTS in production, no loopback outside development."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings


def test_dashboard_pages_carry_a_csp_whose_nonce_their_inline_scripts_use(client, tenant):
    client.force_login(tenant.user)
    response = client.get("/api-test/")
    policy = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert f'<script nonce="{nonce}">' in response.content.decode()
    assert "script-src 'self' 'nonce-" in policy and "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "Content-Security-Policy" in client.get("/login/")


def test_api_answers_carry_no_csp(client, tenant):
    for response in (
        client.get("/v1/account", **tenant.auth_headers()),
        client.get("/healthz"),
        client.get("/rest/users", **tenant.auth_headers("basic")),
    ):
        assert "Content-Security-Policy" not in response


@override_settings(
    SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=3600, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https")
)
def test_https_redirect_and_hsts_behind_the_trusted_proxy(db):
    client = Client()
    plain = client.get("/login/")
    assert plain.status_code == 301 and plain["Location"].startswith("https://")
    secure = client.get("/login/", HTTP_X_FORWARDED_PROTO="https")
    assert secure.status_code == 200 and secure["Strict-Transport-Security"] == "max-age=3600"
    assert client.get("/healthz").status_code in (200, 503)  # probes speak plain HTTP


def _settings_under(env: dict[str, str]) -> dict:
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; print(json.dumps({"
        "'redirect': s.SECURE_SSL_REDIRECT, 'hsts': s.SECURE_HSTS_SECONDS, 'loopback': s.WEBHOOKS_ALLOW_LOOPBACK, "
        "'plain_http': s.ALLOW_PLAIN_HTTP_API, 'proxy_ssl': getattr(s, 'SECURE_PROXY_SSL_HEADER', None)}))"
    )
    clean = {k: v for k, v in os.environ.items() if k not in ("WEBHOOKS_ALLOW_LOOPBACK", "ALLOW_PLAIN_HTTP_API")}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", "SECRET_KEY": "x" * 50, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    ("env", "redirect", "loopback"),
    [
        ({"APP_ENV": "production", "TRUSTED_PROXY_COUNT": "1"}, True, False),
        ({"APP_ENV": "staging"}, False, False),
        ({"APP_ENV": "development"}, False, True),
    ],
)
def test_environment_defaults(env, redirect, loopback, tmp_path):
    values = _settings_under({**env, "VAR_DIR": str(tmp_path)})
    assert values["redirect"] is redirect and (values["hsts"] > 0) is redirect
    assert values["loopback"] is loopback and values["plain_http"] is loopback
    assert (values["proxy_ssl"] is not None) is (env.get("TRUSTED_PROXY_COUNT") == "1")
