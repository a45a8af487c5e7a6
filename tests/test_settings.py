"""Settings switch on environment variables exactly as the design's table says.

Each case imports the settings in a fresh interpreter with a controlled environment, as a
process started by `make run` or a Procfile would.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROBE = """
import json
from django.conf import settings
import django
django.setup()
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "db_name": settings.DATABASES["default"]["NAME"],
    "cache": settings.CACHES["default"]["BACKEND"],
    "layer": settings.CHANNEL_LAYERS["default"]["BACKEND"],
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "broker": settings.CELERY_BROKER_URL,
    "mode": settings.RUNTIME_MODE,
    "debug": settings.DEBUG,
    "tz": settings.TIME_ZONE,
    "lang": settings.LANGUAGE_CODE,
    "use_tz": settings.USE_TZ,
    "cors": settings.CORS_ALLOWED_ORIGINS,
    "cors_all": getattr(settings, "CORS_ALLOW_ALL_ORIGINS", False),
    "dev_mode": settings.DEV_MODE,
    "secret_sha": __import__("hashlib").sha256(settings.SECRET_KEY.encode()).hexdigest(),
    "secret_len": len(settings.SECRET_KEY),
    "secure_cookies": settings.SESSION_COOKIE_SECURE,
}))
"""
GOOD_SECRET = "abcdefghij" * 5
SERVICE_ENV = {
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/gonggu",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "RABBITMQ_URL": "amqp://guest:guest@127.0.0.1:5672//",
}


def run_python(code: str, **env_vars: str) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "RABBITMQ_", "CORS_"))
    }
    env.update(DJANGO_SETTINGS_MODULE="config.settings", **env_vars)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def probe(**env_vars: str) -> dict:
    result = run_python(PROBE, **env_vars)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


DEV = {"DJANGO_DEV_MODE": "1"}


def test_dev_mode_without_service_urls_means_embedded_mode(tmp_path):
    settings = probe(**DEV, DJANGO_DEV_SECRET_FILE=str(tmp_path / "secret"))
    assert settings["mode"] == "embedded"
    assert settings["engine"] == "django.db.backends.sqlite3"
    assert settings["cache"].endswith("LocMemCache")
    assert settings["layer"] == "channels.layers.InMemoryChannelLayer"
    assert settings["eager"] is True
    # Development mode is not DEBUG: residents see the app's own error pages.
    assert settings["debug"] is False
    assert (settings["tz"], settings["lang"], settings["use_tz"]) == ("Asia/Seoul", "ko", True)


def test_without_dev_mode_the_app_refuses_to_start_on_defaults():
    """A deployment that forgets every setting must not come up with development defaults."""
    result = run_python(PROBE)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr
    assert "DJANGO_DEV_MODE=1" in result.stderr


def test_service_urls_without_dev_mode_and_without_a_secret_refuse_to_start():
    result = run_python(PROBE, DJANGO_ALLOWED_HOSTS="gonggu.kr", **SERVICE_ENV)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_the_once_published_dev_secret_is_refused_in_every_mode():
    published = "gonggu-dev-insecure-secret-key-do-not-use-in-production"
    for extra in ({}, DEV):
        result = run_python(
            PROBE, DJANGO_SECRET_KEY=published, DJANGO_ALLOWED_HOSTS="gonggu.kr",
            **SERVICE_ENV, **extra,
        )  # fmt: skip
        assert result.returncode != 0
        assert "DJANGO_SECRET_KEY" in result.stderr


def test_dev_secret_is_random_per_checkout_and_shared_by_its_processes(tmp_path):
    first = probe(**DEV, DJANGO_DEV_SECRET_FILE=str(tmp_path / "a"))
    again = probe(**DEV, DJANGO_DEV_SECRET_FILE=str(tmp_path / "a"))
    other = probe(**DEV, DJANGO_DEV_SECRET_FILE=str(tmp_path / "b"))
    assert first["secret_sha"] == again["secret_sha"]  # web, dispatcher and tests sign alike
    assert first["secret_sha"] != other["secret_sha"]  # another checkout has its own
    assert first["secret_len"] >= 50
    assert (tmp_path / "a").stat().st_mode & 0o077 == 0  # readable by its owner only


def test_debug_pages_are_for_development_only():
    result = run_python(
        PROBE, DJANGO_DEBUG="True", DJANGO_SECRET_KEY=GOOD_SECRET, DJANGO_ALLOWED_HOSTS="gonggu.kr",
        **SERVICE_ENV,
    )  # fmt: skip
    assert result.returncode != 0
    assert "DJANGO_DEBUG" in result.stderr


def test_service_urls_switch_every_backend(tmp_path):
    settings = probe(**SERVICE_ENV, **DEV, DJANGO_DEV_SECRET_FILE=str(tmp_path / "secret"))
    assert settings["mode"] == "services"
    assert settings["engine"] == "django.db.backends.postgresql"
    assert settings["db_name"] == "gonggu"
    assert settings["cache"] == "common.cache.ResilientRedisCache"  # django-redis + breaker
    assert settings["layer"] == "common.layer_redis.ObservedPubSubChannelLayer"  # pub/sub, observed
    assert settings["eager"] is False
    assert settings["broker"] == SERVICE_ENV["RABBITMQ_URL"]


def test_cors_uses_explicit_origins_never_wildcard(tmp_path):
    settings = probe(
        CORS_ALLOWED_ORIGINS="https://app.gonggu.kr,https://partner.example",
        **DEV,
        DJANGO_DEV_SECRET_FILE=str(tmp_path / "secret"),
    )
    assert settings["cors"] == ["https://app.gonggu.kr", "https://partner.example"]
    assert settings["cors_all"] is False


@pytest.mark.parametrize(
    ("env_vars", "complaint"),
    [
        ({"DJANGO_ALLOWED_HOSTS": "gonggu.kr", **SERVICE_ENV}, "DJANGO_SECRET_KEY"),
        (
            {"DJANGO_SECRET_KEY": "short", "DJANGO_ALLOWED_HOSTS": "gonggu.kr", **SERVICE_ENV},
            "DJANGO_SECRET_KEY",
        ),
        ({"DJANGO_SECRET_KEY": GOOD_SECRET, **SERVICE_ENV}, "DJANGO_ALLOWED_HOSTS"),
        ({"DJANGO_SECRET_KEY": GOOD_SECRET, "DJANGO_ALLOWED_HOSTS": "gonggu.kr"}, "DATABASE_URL"),
    ],
)
def test_production_mode_refuses_to_start_without_real_settings(env_vars, complaint):
    result = run_python(PROBE, **env_vars)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert complaint in result.stderr


def test_production_settings_pass_check_deploy():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
            "DJANGO_SECRET_KEY": "k8$Jd0-q9!mZr2@wVx7#pLs4^tYb6&nHc1*eFg5(uAo3)iRk-Zq7W",
            "DJANGO_ALLOWED_HOSTS": "gonggu.kr",
            **SERVICE_ENV,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_token_signed_with_the_once_published_dev_secret_is_refused(api_client, user):
    """The old default: anyone who read the code could sign an admin's token with it."""
    from datetime import UTC, datetime, timedelta

    import jwt

    now = datetime.now(UTC)
    forged = jwt.encode(
        {
            "token_type": "access",
            "exp": now + timedelta(minutes=5),
            "iat": now,
            "jti": "forged",
            "user_id": str(user.pk),
        },
        "gonggu-dev-insecure-secret-key-do-not-use-in-production",
        algorithm="HS256",
    )
    response = api_client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {forged}")
    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"
