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


def test_no_env_means_embedded_mode():
    settings = probe()
    assert settings["mode"] == "embedded"
    assert settings["engine"] == "django.db.backends.sqlite3"
    assert settings["cache"].endswith("LocMemCache")
    assert settings["layer"] == "channels.layers.InMemoryChannelLayer"
    assert settings["eager"] is True
    assert settings["debug"] is True
    assert (settings["tz"], settings["lang"], settings["use_tz"]) == ("Asia/Seoul", "ko", True)


def test_service_urls_switch_every_backend():
    settings = probe(**SERVICE_ENV)
    assert settings["mode"] == "services"
    assert settings["engine"] == "django.db.backends.postgresql"
    assert settings["db_name"] == "gonggu"
    assert settings["cache"] == "django_redis.cache.RedisCache"
    assert settings["layer"].startswith("channels_redis.")
    assert settings["eager"] is False
    assert settings["broker"] == SERVICE_ENV["RABBITMQ_URL"]


def test_cors_uses_explicit_origins_never_wildcard():
    settings = probe(CORS_ALLOWED_ORIGINS="https://app.gonggu.kr,https://partner.example")
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
def test_debug_false_refuses_to_start_without_real_settings(env_vars, complaint):
    result = run_python(PROBE, DJANGO_DEBUG="False", **env_vars)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert complaint in result.stderr


def test_debug_false_with_real_settings_passes_check_deploy():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
            "DJANGO_DEBUG": "False",
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
