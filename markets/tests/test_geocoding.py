"""The geocoders: Kakao Local over HTTP (against the local fake) and the offline one."""

import pytest

from common.errors import DomainError
from common.geo import haversine_km, in_korea
from markets import districts
from markets.geocoding import (
    MAX_QUERY_LENGTH,
    FallbackGeocoder,
    GeocodeResult,
    GeocodingError,
    KakaoGeocoder,
    OfflineGeocoder,
    get_geocoder,
)
from tests.factories import MarketFactory
from tests.fakes.kakao import FakeKakaoLocal, make_document


def _kakao(fake: FakeKakaoLocal, *, key: str | None = None, timeout: float = 2.0) -> KakaoGeocoder:
    return KakaoGeocoder(key or fake.api_key, fake.url, timeout)


def _geocode_error(geocoder, query: str) -> GeocodingError:
    with pytest.raises(GeocodingError) as caught:
        geocoder.geocode(query)
    return caught.value


# --- Kakao: success -----------------------------------------------------------------------


def test_kakao_geocoder_returns_coordinates_road_address_and_region(fake_kakao):
    result = _kakao(fake_kakao).geocode("서울 용산구 한강대로23길 55")

    assert isinstance(result, GeocodeResult)
    assert result.lat == pytest.approx(37.5291)  # y
    assert result.lng == pytest.approx(126.9649)  # x
    assert result.road_address == "서울특별시 용산구 한강대로23길 55"
    assert (result.sido, result.sigungu) == ("서울특별시", "용산구")


def test_kakao_geocoder_sends_the_query_with_the_kakaoak_key_header(fake_kakao):
    _kakao(fake_kakao).geocode("  서울   용산구 한강대로23길 55 ")

    [request] = fake_kakao.requests
    assert request.method == "GET"
    assert request.path == "/v2/local/search/address.json"
    assert request.params["query"] == "서울 용산구 한강대로23길 55"
    assert request.params["analyze_type"] == "similar"
    assert request.headers["Authorization"] == f"KakaoAK {fake_kakao.api_key}"


def test_kakao_geocoder_keeps_the_gu_of_a_city_in_sigungu(fake_kakao):
    result = _kakao(fake_kakao).geocode("경기도 성남시 분당구 판교역로146번길 20")

    assert (result.sido, result.sigungu) == ("경기도", "성남시 분당구")
    assert result.road_address == "경기도 성남시 분당구 판교역로146번길 20"


def test_kakao_geocoder_uses_the_lot_address_when_there_is_no_road_address(fake_kakao):
    fake_kakao.add_address(
        road_address=None, lot_address="대구 수성구 범어동 123-4", lat=35.8590, lng=128.6250
    )

    result = _kakao(fake_kakao).geocode("대구 수성구 범어동 123-4")

    assert result.road_address == "대구광역시 수성구 범어동 123-4"
    assert (result.sido, result.sigungu) == ("대구광역시", "수성구")
    assert (result.lat, result.lng) == pytest.approx((35.8590, 128.6250))


def test_kakao_geocoder_treats_a_result_outside_korea_as_not_found(fake_kakao):
    fake_kakao.add_address(
        "도쿄 치요다구 1-1",
        road_address=None,
        lot_address="도쿄 치요다구 1-1",
        lat=35.6812,
        lng=139.7671,
    )

    error = _geocode_error(_kakao(fake_kakao), "도쿄 치요다구 1-1")

    assert error.code == "address_not_found"


# --- Kakao: failures ----------------------------------------------------------------------


def test_kakao_geocoder_reports_a_wrong_key_as_geocoder_unauthorized(fake_kakao):
    error = _geocode_error(_kakao(fake_kakao, key="not-the-key"), "서울 용산구 한강대로23길 55")

    assert isinstance(error, DomainError)
    assert error.code == "geocoder_unauthorized"
    assert error.status == 503
    assert "KAKAO_REST_API_KEY" in error.message
    # The fake answered like Kakao does: 401 with its errorType body, and the key was sent.
    assert fake_kakao.requests[0].headers["Authorization"] == "KakaoAK not-the-key"


@pytest.mark.parametrize("status", [401, 403])
def test_kakao_geocoder_reports_401_and_403_as_geocoder_unauthorized(fake_kakao, status):
    fake_kakao.respond_with_status(status)

    error = _geocode_error(_kakao(fake_kakao), "서울 용산구 한강대로23길 55")

    assert (error.code, error.status) == ("geocoder_unauthorized", 503)


def test_kakao_geocoder_reports_429_as_geocoder_rate_limited(fake_kakao):
    fake_kakao.respond_with_status(429)

    error = _geocode_error(_kakao(fake_kakao), "서울 용산구 한강대로23길 55")

    assert (error.code, error.status) == ("geocoder_rate_limited", 503)


@pytest.mark.parametrize("status", [500, 502, 503])
def test_kakao_geocoder_reports_a_server_error_as_geocoder_unavailable(fake_kakao, status):
    fake_kakao.respond_with_status(status)

    error = _geocode_error(_kakao(fake_kakao), "서울 용산구 한강대로23길 55")

    assert (error.code, error.status) == ("geocoder_unavailable", 503)


def test_kakao_geocoder_gives_up_instead_of_waiting_for_a_slow_answer(fake_kakao):
    # The fake would answer (successfully) after 10 s: an error means the geocoder gave up.
    fake_kakao.respond_slowly(10)
    geocoder = _kakao(fake_kakao, timeout=0.5)

    error = _geocode_error(geocoder, "서울 용산구 한강대로23길 55")

    assert error.code == "geocoder_unavailable"


def test_kakao_geocoder_reports_a_refused_connection_as_geocoder_unavailable():
    with FakeKakaoLocal() as fake:
        url, key = fake.url, fake.api_key
    # The server is gone: nothing listens on that port any more.
    error = _geocode_error(KakaoGeocoder(key, url, 1.0), "서울 용산구 한강대로23길 55")

    assert error.code == "geocoder_unavailable"


def test_kakao_geocoder_reports_a_body_that_is_not_json_as_geocoder_unavailable(fake_kakao):
    fake_kakao.respond_with_raw(b"<html>maintenance</html>")

    error = _geocode_error(_kakao(fake_kakao), "서울 용산구 한강대로23길 55")

    assert error.code == "geocoder_unavailable"


def test_kakao_geocoder_reports_no_result_as_address_not_found(fake_kakao):
    fake_kakao.respond_empty()

    error = _geocode_error(_kakao(fake_kakao), "서울 용산구 한강대로23길 55")

    assert (error.code, error.status) == ("address_not_found", 400)


def test_kakao_geocoder_reports_an_unknown_address_as_address_not_found(fake_kakao):
    error = _geocode_error(_kakao(fake_kakao), "없는시 없는구 없는로 999")

    assert error.code == "address_not_found"
    assert len(fake_kakao.requests) == 1


@pytest.mark.parametrize("query", ["", "   ", "가" * (MAX_QUERY_LENGTH + 1)])
def test_kakao_geocoder_refuses_an_empty_or_too_long_query_without_calling_kakao(fake_kakao, query):
    error = _geocode_error(_kakao(fake_kakao), query)

    assert (error.code, error.status) == ("address_not_found", 400)
    assert fake_kakao.requests == []


# --- Choosing a geocoder ------------------------------------------------------------------


def test_get_geocoder_is_offline_without_a_kakao_key(settings):
    settings.KAKAO_REST_API_KEY = ""

    assert isinstance(get_geocoder(), OfflineGeocoder)


def test_get_geocoder_uses_kakao_when_the_key_is_set(kakao_settings, fake_kakao):
    geocoder = get_geocoder()

    assert isinstance(geocoder, FallbackGeocoder)
    assert isinstance(geocoder.primary, KakaoGeocoder)
    result = geocoder.geocode("부산 해운대구 센텀남대로 35")
    assert result.sigungu == "해운대구"
    assert (result.approximate, result.fallback) == (False, False)
    assert fake_kakao.requests[0].headers["Authorization"] == f"KakaoAK {fake_kakao.api_key}"


def test_get_geocoder_reads_the_settings_on_every_call(kakao_settings, settings):
    assert isinstance(get_geocoder(), FallbackGeocoder)

    settings.KAKAO_LOCAL_URL = "http://127.0.0.1:9"
    geocoder = get_geocoder()
    assert isinstance(geocoder, FallbackGeocoder)
    assert geocoder.primary.base_url == "http://127.0.0.1:9"

    settings.KAKAO_REST_API_KEY = ""
    assert isinstance(get_geocoder(), OfflineGeocoder)


def test_kakao_hit_on_a_district_name_only_is_approximate(fake_kakao):
    district = make_document(
        road_address=None, lot_address="서울 강남구", lat=37.5172, lng=127.0473
    )
    district["address_type"] = "REGION"  # what Kakao answers for a bare 시군구
    district["address"]["region_3depth_name"] = ""
    fake_kakao.add_document(district, "서울 강남구")

    area = _kakao(fake_kakao).geocode("서울 강남구")
    street = _kakao(fake_kakao).geocode("서울 용산구 한강대로23길 55")

    assert (area.sigungu, area.approximate) == ("강남구", True)
    assert street.approximate is False


# --- Kakao failing: the offline fallback -----------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fail",
    [
        pytest.param(lambda k: k.respond_with_status(500), id="5xx"),
        pytest.param(lambda k: k.respond_with_status(429), id="quota"),
        pytest.param(lambda k: k.respond_with_status(401), id="key-refused"),
        pytest.param(lambda k: k.respond_slowly(2.0), id="timeout"),
    ],
)
def test_kakao_outage_falls_back_to_the_district_centre_flagged_approximate(
    kakao_settings, settings, fake_kakao, fail
):
    settings.GEOCODER_TIMEOUT_SECONDS = 0.3
    fail(fake_kakao)

    result = get_geocoder().geocode("서울 강남구 테헤란로 152")

    gangnam = districts.lookup("서울특별시", "강남구")
    assert gangnam is not None
    assert (result.lat, result.lng) == (gangnam.lat, gangnam.lng)
    assert (result.sido, result.sigungu) == ("서울특별시", "강남구")
    assert (result.approximate, result.fallback) == (True, True)
    assert fake_kakao.requests  # Kakao was asked first


def test_kakao_no_such_address_is_not_hidden_by_the_fallback(kakao_settings, fake_kakao):
    fake_kakao.respond_empty()

    error = _geocode_error(get_geocoder(), "서울 강남구 없는길 999")

    assert (error.code, error.status) == ("address_not_found", 400)


@pytest.mark.django_db
def test_kakao_outage_on_an_address_the_offline_geocoder_cannot_place_is_503_offering_the_map(
    kakao_settings, fake_kakao
):
    fake_kakao.respond_with_status(500)

    error = _geocode_error(get_geocoder(), "qwerty 모르는 곳 1")

    assert (error.code, error.status) == ("geocoder_unavailable", 503)
    assert "지도에서 위치를 고르" in error.message


# --- Offline ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_offline_district_match_is_approximate_and_a_known_market_is_exact():
    MarketFactory(road_address="서울특별시 용산구 한강대로23길 55", sigungu="용산구")

    district = OfflineGeocoder().geocode("서울 마포구 월드컵로 212")
    market = OfflineGeocoder().geocode("서울특별시 용산구 한강대로23길 55")

    assert district.approximate is True
    assert market.approximate is False
    assert (district.fallback, market.fallback) == (False, False)


@pytest.mark.django_db
def test_offline_geocoder_finds_a_market_by_its_road_address_in_short_form():
    market = MarketFactory(
        road_address="서울특별시 용산구 한강대로23길 55, 아이파크몰 (한강로3가)",
        lat=37.5291,
        lng=126.9649,
        sido="서울특별시",
        sigungu="용산구",
    )

    result = OfflineGeocoder().geocode("서울  용산구 한강대로23길   55")

    assert (result.lat, result.lng) == (market.lat, market.lng)
    assert result.road_address == "서울특별시 용산구 한강대로23길 55"
    assert (result.sido, result.sigungu) == ("서울특별시", "용산구")


@pytest.mark.django_db
def test_offline_geocoder_finds_a_market_by_its_lot_address_and_gives_the_road_address():
    market = MarketFactory(
        road_address="부산광역시 해운대구 센텀남대로 35",
        lot_address="부산광역시 해운대구 우동 1495",
        lat=35.1690,
        lng=129.1296,
        sido="부산광역시",
        sigungu="해운대구",
    )

    result = OfflineGeocoder().geocode("부산 해운대구 우동 1495")

    assert (result.lat, result.lng) == (market.lat, market.lng)
    assert result.road_address == "부산광역시 해운대구 센텀남대로 35"


@pytest.mark.django_db
def test_offline_geocoder_places_an_unknown_address_at_its_district():
    result = OfflineGeocoder().geocode("부산 해운대구 해운대해변로 264")

    assert (result.sido, result.sigungu) == ("부산광역시", "해운대구")
    assert haversine_km(result.lat, result.lng, 35.1631, 129.1635) < 3
    assert result.road_address == "부산광역시 해운대구 해운대해변로 264"


@pytest.mark.django_db
def test_offline_geocoder_knows_the_gu_of_gyeonggi_cities_and_sejong():
    suwon = OfflineGeocoder().geocode("경기 수원시 팔달구 효원로 241")
    sejong = OfflineGeocoder().geocode("세종특별자치시 한누리대로 2130")

    assert (suwon.sido, suwon.sigungu) == ("경기도", "수원시 팔달구")
    assert haversine_km(suwon.lat, suwon.lng, 37.2826, 127.0196) < 3
    assert (sejong.sido, sejong.sigungu) == ("세종특별자치시", "")


@pytest.mark.django_db
def test_offline_geocoder_accepts_a_district_name_unique_to_one_sido():
    result = OfflineGeocoder().geocode("해운대구 센텀중앙로 79")

    assert (result.sido, result.sigungu) == ("부산광역시", "해운대구")
    assert result.road_address == "부산광역시 해운대구 센텀중앙로 79"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["asdf qwer 1234", "ㅁㄴㅇㄹ", "서울 없는구 무슨로 1", "중구 세종대로 110"]
)
def test_offline_geocoder_refuses_gibberish_and_unknown_or_ambiguous_districts(query):
    error = _geocode_error(OfflineGeocoder(), query)

    assert (error.code, error.status) == ("address_not_found", 400)


def test_district_table_covers_every_gu_of_seoul_and_busan_inside_korea():
    def gu_of(sido: str) -> set[str]:
        return {d.sigungu for d in districts.DISTRICTS if d.sido == sido}

    assert len(gu_of("서울특별시")) == 25
    assert len(gu_of("부산광역시")) == 16
    assert all(in_korea(d.lat, d.lng) for d in districts.DISTRICTS)
    for sido in ("대구광역시", "인천광역시", "광주광역시", "대전광역시", "울산광역시"):
        assert gu_of(sido), sido


def test_kakao_geocoder_reports_documents_without_coordinates_as_geocoder_unavailable(
    fake_kakao,
):
    document = fake_kakao.add_address(
        road_address="광주 서구 내방로 111", lat=35.1601, lng=126.8515
    )
    document["x"] = document["y"] = None

    error = _geocode_error(_kakao(fake_kakao), "광주 서구 내방로 111")

    assert error.code == "geocoder_unavailable"
