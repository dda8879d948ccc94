"""Schemathesis over /api/schema/: every phase (examples, coverage, fuzzing, stateful) and
every check, against a live server with a real tenant's credentials. 0 failures.

Bounded: a fixed seed, a few examples per operation and a time budget, so the run takes well
under two minutes; the summary line is in the assertion message and in the captured output.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from accounts.models import Plan

ROOT = Path(__file__).resolve().parents[2]
SEED = 20261125
MAX_EXAMPLES = 8
MAX_TIME_S = 60


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_schemathesis_finds_nothing(live_server, tenant, settings, tmp_path):
    Plan.objects.filter(pk=tenant.account.plan_id).update(rate_limit_per_minute=0)  # unthrottled
    settings.AXES_FAILURE_LIMIT = 1_000_000  # the ignored_auth check sends wrong keys on purpose
    command = [
        str(Path(sys.executable).with_name("st")),
        "--config-file",
        str(ROOT / "schemathesis.toml"),
        "run",
        f"{live_server.url}/api/schema/",
        "--checks=all",
        f"--seed={SEED}",
        f"--max-examples={MAX_EXAMPLES}",
        f"--max-time={MAX_TIME_S}",
        "--workers=1",
        "--generation-database=none",
        "--no-color",
        # revoking keys would revoke the one the run authenticates with
        "--exclude-operation-id=v1_keys_destroy",
    ]
    env = os.environ | {"PERSONA_ACCOUNT_ID": tenant.account_id, "PERSONA_API_KEY": tenant.key}
    run = subprocess.run(command, env=env, capture_output=True, text=True, timeout=MAX_TIME_S + 60, cwd=tmp_path)
    lines = run.stdout.strip().splitlines()
    summary = "\n".join([line.strip() for line in lines if "generated," in line or line.startswith("=")][-2:])
    print(summary)
    failures = run.stdout.partition("= FAILURES =")[2].partition("= WARNINGS =")[0]
    assert run.returncode == 0, (failures or run.stdout[-5000:]) + run.stderr
