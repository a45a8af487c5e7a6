"""A new resident signs up, logs in and sets a home address, in real headless Chromium."""

import pytest
from playwright.sync_api import expect

from accounts.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_signup_login_and_set_home_address(browser_page, live_server):
    page = browser_page
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="회원가입").first.click()

    signup = page.get_by_test_id("signup-form")
    signup.get_by_label("이메일").fill("mangwon@example.kr")
    signup.get_by_label("닉네임").fill("망원동주민")
    signup.get_by_label("비밀번호", exact=True).fill("s3cure-pass-9")
    signup.get_by_label("비밀번호 확인").fill("s3cure-pass-9")
    signup.get_by_role("button", name="가입하기").click()
    expect(page.get_by_test_id("current-user")).to_have_text("망원동주민")

    page.get_by_role("button", name="로그아웃").click()
    header = page.get_by_role("banner")
    expect(header.get_by_role("link", name="로그인")).to_be_visible()

    header.get_by_role("link", name="로그인").click()
    login = page.get_by_test_id("login-form")
    login.get_by_label("이메일").fill("mangwon@example.kr")
    login.get_by_label("비밀번호").fill("wrong-password")
    login.get_by_role("button", name="로그인").click()
    expect(page.get_by_text("이메일 또는 비밀번호가 맞지 않아요.")).to_be_visible()
    login = page.get_by_test_id("login-form")
    login.get_by_label("이메일").fill("mangwon@example.kr")
    login.get_by_label("비밀번호").fill("s3cure-pass-9")
    login.get_by_role("button", name="로그인").click()
    expect(page.get_by_test_id("current-user")).to_have_text("망원동주민")

    page.get_by_role("link", name="마이페이지").first.click()
    expect(page.get_by_test_id("me-home")).to_contain_text("아직 설정하지 않았어요")
    home = page.get_by_test_id("home-form")
    home.get_by_label("집 주소 (도로명)").fill("서울 마포구 월드컵로 212")
    home.get_by_role("button", name="집 주소 저장").click()

    # No Kakao key here: the offline geocoder only knows the district, and says so.
    expect(page.get_by_text("대략적인 위치(구 중심)로 저장했어요")).to_be_visible()
    expect(page.get_by_test_id("me-home")).to_contain_text("마포구 월드컵로 212")
    expect(page.get_by_test_id("me-home-precision")).to_have_text("대략적인 위치(구 중심)")
    user = User.objects.get(email="mangwon@example.kr")
    assert user.sigungu == "마포구"
    assert 37.5 < user.lat < 37.6


def test_phone_width_shows_bottom_navigation(chromium, live_server):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(live_server.url + "/")
    nav = page.get_by_role("navigation", name="주요 메뉴")
    box = nav.bounding_box()
    # The tab bar sits at the bottom of the screen and every destination fits on it.
    assert box["y"] + box["height"] == pytest.approx(844, abs=2)
    for label in ("근처 파티", "마트", "품목", "알림", "마이페이지"):
        link = nav.get_by_role("link", name=label)
        expect(link).to_be_visible()
        assert link.bounding_box()["x"] + link.bounding_box()["width"] <= 390
    context.close()
