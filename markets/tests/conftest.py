"""Fixtures for the markets tests: the fake Kakao Local server and settings pointing at it."""

import pytest

from tests.fakes.kakao import FakeKakaoLocal, fake_kakao

__all__ = ["fake_kakao", "kakao_settings"]


@pytest.fixture
def kakao_settings(settings, fake_kakao: FakeKakaoLocal):
    """Settings that make ``get_geocoder()`` use Kakao, served by ``fake_kakao``."""
    settings.KAKAO_REST_API_KEY = fake_kakao.api_key
    settings.KAKAO_LOCAL_URL = fake_kakao.url
    settings.GEOCODER_TIMEOUT_SECONDS = 1.0
    return settings
