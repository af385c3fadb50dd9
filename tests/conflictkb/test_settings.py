"""Start-up settings: a secret key is required without DEBUG, and `check --deploy` is
clean with the production settings `.env.example` shows (its placeholder key replaced)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # The browser tests let Django run in Playwright's event loop; a deployment never does.
    unset = ("SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    base = {k: v for k, v in os.environ.items() if k not in unset}
    base["DJANGO_SETTINGS_MODULE"] = "conflictkb.settings"
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env},
                          capture_output=True, text=True, timeout=120)


def example_env() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#") and "=" in line:
            name, value = line.split("=", 1)
            values[name.strip()] = value.strip()
    return values


def test_without_a_secret_key_and_debug_the_product_does_not_start(tmp_path):
    result = manage("check", DEBUG="false", SECRET_KEY_FILE=str(tmp_path / "none"))
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is false" in result.stderr
    assert manage("check", DEBUG="true").returncode == 0  # local development needs none


def test_the_key_make_wrote_for_the_checkout_is_used(tmp_path):
    key_file = tmp_path / "key"
    key_file.write_text(secrets.token_urlsafe(50) + "\n")
    result = manage("check", DEBUG="false", SECRET_KEY_FILE=str(key_file))
    assert result.returncode == 0, result.stderr


def test_check_deploy_is_clean_with_the_example_production_settings():
    env = {**example_env(), "SECRET_KEY": secrets.token_urlsafe(50)}
    result = manage("check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_refuses_the_example_s_placeholder_key():
    result = manage("check", "--deploy", **example_env())
    assert result.returncode != 0
    assert "conflictkb.E001" in result.stderr + result.stdout
