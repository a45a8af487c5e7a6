"""The installable site in real Chromium: the manifest and its icons, the service worker
(registered at the root scope, under the CSP), the offline page when the network is gone,
and the push opt-in on the notifications page.

Headless Chromium has no push service to reach here (PushManager.subscribe needs Google's
or Mozilla's), so the opt-in test gives the page a browser subscription made by the local
fake push service — exactly what PushManager.subscribe would return — and checks what the
page does with it: asks for permission, passes the server's VAPID key, stores the
subscription through the API, and turns it off again."""

import json

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from tests.browser import log_in, no_tiles
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.fakes.push_service import FakePushService
from tests.test_browser_chat import SERVER_HASHERS, off_the_event_loop
from webpush.models import PushSubscription

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""

# Waits in the page (a promise, not Playwright's polling, which the CSP's script-src forbids).
CONTROLLED = """() => new Promise((resolve) => {
  if (navigator.serviceWorker.controller) return resolve(true);
  navigator.serviceWorker.addEventListener("controllerchange", () => resolve(true));
})"""
OFFLINE_CACHED = """() => new Promise((resolve) => {
  const look = () => caches.open("gonggu-offline-v1")
    .then((cache) => cache.match("/offline/"))
    .then((page) => (page ? resolve(true) : setTimeout(look, 50)));
  look();
})"""

# What PushManager.subscribe would give, from a push service the test controls; records the
# applicationServerKey the page passed.
FAKE_SUBSCRIBE = """
(subscription) => {
  const json = JSON.parse(subscription);
  let current = null;
  window.__pushKey = null;
  PushManager.prototype.subscribe = async function (options) {
    window.__pushKey = btoa(String.fromCharCode(...new Uint8Array(options.applicationServerKey)))
      .replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "");
    current = {
      endpoint: json.endpoint,
      toJSON: () => json,
      unsubscribe: async () => { current = null; return true; },
    };
    return current;
  };
  PushManager.prototype.getSubscription = async function () { return current; };
}
"""


@pytest.fixture
def resident(transactional_db):
    def make():
        user = UserFactory(nickname="푸시주민")
        with override_settings(PASSWORD_HASHERS=SERVER_HASHERS):
            user.set_password(DEFAULT_PASSWORD)
            user.save()
        return user

    return off_the_event_loop(make)


def test_the_site_installs_manifest_icons_and_service_worker(browser_page, server):
    page = browser_page
    page.context.add_init_script(RECORD_VIOLATIONS)
    no_tiles(page)
    base = server.http

    manifest = page.request.get(base + "/manifest.webmanifest")
    assert manifest.ok and manifest.headers["content-type"] == "application/manifest+json"
    app = manifest.json()
    assert (app["short_name"], app["display"], app["lang"]) == ("공구", "standalone", "ko")
    assert app["start_url"].startswith("/") and app["theme_color"] == "#ff6f0f"
    purposes = set()
    for icon in app["icons"]:
        image = page.request.get(base + icon["src"])
        assert image.ok and image.headers["content-type"] == "image/png", icon
        purposes.add(icon["purpose"])
    assert {"any", "maskable"} <= purposes
    assert {icon["sizes"] for icon in app["icons"]} >= {"192x192", "512x512"}

    worker = page.request.get(base + "/sw.js")
    assert worker.ok and worker.headers["service-worker-allowed"] == "/"
    assert "javascript" in worker.headers["content-type"]

    page.goto(base + "/")
    expect(page.locator("link[rel=manifest]")).to_have_attribute("href", "/manifest.webmanifest")
    scope = page.evaluate(
        "navigator.serviceWorker.ready.then((registration) => registration.scope)"
    )
    assert scope == base + "/"
    # The worker claims the open page when it activates: from then on it serves this page.
    assert page.evaluate(CONTROLLED) is True
    assert page.evaluate("window.__csp") == []


def test_a_page_that_cannot_load_shows_the_korean_offline_page(browser_page, server):
    page = browser_page
    no_tiles(page)
    base = server.http
    page.goto(base + "/offline/")
    expect(page.get_by_test_id("offline")).to_contain_text("인터넷에 연결되어 있지 않아요")
    page.evaluate("navigator.serviceWorker.ready")
    # The worker has cached the offline page at install; now the network goes away.
    assert page.evaluate(OFFLINE_CACHED) is True
    page.context.set_offline(True)
    try:
        page.goto(base + "/items/?q=휴지")  # the network fails; the worker answers
        assert page.url.startswith(base + "/items/")
        expect(page.get_by_test_id("offline")).to_contain_text("인터넷에 연결되어 있지 않아요")
        expect(page.get_by_role("link", name="다시 시도")).to_be_visible()
    finally:
        page.context.set_offline(False)


def test_a_resident_turns_push_on_and_off_on_the_notifications_page(browser_page, server, resident):
    page = browser_page
    page.context.add_init_script(RECORD_VIOLATIONS)
    page.context.grant_permissions(["notifications"], origin=server.http)
    base = server.http
    key = page.request.get(base + "/api/v1/push/vapid-key").json()["public_key"]
    push_service = FakePushService(application_server_key=key).start()
    try:
        browser = push_service.subscribe()
    finally:
        push_service.stop()

    page.context.add_init_script(script=f"({FAKE_SUBSCRIBE})({json.dumps(json.dumps(browser))})")
    log_in(page, base, resident)
    page.goto(base + "/notifications/")
    optin = page.get_by_test_id("push-optin")
    toggle = optin.get_by_role("button", name="이 기기에서 알림 받기")
    expect(toggle).to_be_visible()

    toggle.click()

    expect(optin.get_by_role("button", name="이 기기에서 알림 끄기")).to_be_visible()
    expect(optin).to_contain_text("이 기기에서 알림을 받고 있어요.")
    assert page.evaluate("window.__pushKey") == key
    stored = off_the_event_loop(lambda: list(PushSubscription.objects.all()))
    assert [(s.user_id, s.endpoint) for s in stored] == [(resident.id, browser["endpoint"])]

    optin.get_by_role("button", name="이 기기에서 알림 끄기").click()

    expect(optin.get_by_role("button", name="이 기기에서 알림 받기")).to_be_visible()
    expect(optin).to_contain_text("앱을 닫아 두어도")
    assert off_the_event_loop(lambda: PushSubscription.objects.count()) == 0
    assert page.evaluate("window.__csp") == []


def test_a_refused_permission_says_how_to_allow_it(browser_page, server, resident):
    page = browser_page
    base = server.http
    log_in(page, base, resident)
    # Not granted: headless Chromium answers requestPermission with "denied", as a
    # resident who pressed 차단 would.
    page.goto(base + "/notifications/")
    optin = page.get_by_test_id("push-optin")
    optin.get_by_role("button", name="이 기기에서 알림 받기").click()
    expect(optin).to_contain_text("브라우저 설정에서 이 사이트의 알림을 허용해 주세요")
    assert off_the_event_loop(lambda: PushSubscription.objects.count()) == 0
