"""Notification pages through the Django test client: heart (찜) buttons, my favorites, the
inbox (pagination, read marks) and the header bell."""

import re
from html import unescape
from urllib.parse import unquote

import pytest
from django.test import Client
from django.urls import reverse

from notifications.models import FavoriteItem, FavoriteMarket, Notification
from tests.factories import ItemFactory, MarketFactory, UserFactory, make_party

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return unescape(response.content.decode())


def flash(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def heart_buttons(response, kind: str) -> list[dict]:
    """Each heart form of ``kind`` on a page: its action, fields, aria-pressed and label."""
    html = response.content.decode()
    forms = re.findall(
        rf'<form method="post" action="/notifications/favorites/{kind}s/\d+/toggle".*?</form>',
        html,
        re.S,
    )
    hearts = []
    for form in forms:
        field = dict(re.findall(r'name="(favorite|next)" value="([^"]*)"', form))
        hearts.append(
            {
                "action": re.search(r'action="([^"]+)"', form).group(1),
                "favorite": field["favorite"],
                "next": unescape(field["next"]),
                "pressed": re.search(r'aria-pressed="(true|false)"', form).group(1) == "true",
                "label": unescape(re.search(r'<button[^>]*aria-label="([^"]+)"', form).group(1)),
            }
        )
    return hearts


def toggle_url(kind: str, pk: int) -> str:
    # Spelled out, not reversed: ids no route accepts (2**63) must be requestable too.
    return f"/notifications/favorites/{kind}s/{pk}/toggle"


def notify(user, n: int, *, party=None, read: bool = False, **data) -> Notification:
    from django.utils import timezone

    return Notification.objects.create(
        user=user,
        event_id=n,
        type=data.pop("type", "party.created"),
        party_id=party.pk if party else None,
        data={
            "title": data.get("title", f"파티 {n}"),
            "market": data.get("market", "테스트마트"),
            "item": "",
            "url": data.get("url", f"/parties/{party.pk}/" if party else "/"),
            "message": data.get("message", f"테스트마트에 새 파티가 열렸어요: 파티 {n}"),
        },
        read_at=timezone.now() if read else None,
    )


@pytest.fixture
def market():
    return MarketFactory(name="이마트 용산점")


@pytest.fixture
def item():
    return ItemFactory(name="부사 사과 5kg")


@pytest.fixture
def member(client, user):
    client.force_login(user)
    return user


# --- hearts: market detail, item list, party detail ----------------------------------------


def test_market_heart_favorites_the_market_and_comes_back_pressed(client, member, market):
    page = reverse("markets:detail", args=[market.pk])
    [heart] = heart_buttons(client.get(page), "market")
    assert heart == {
        "action": toggle_url("market", market.pk),
        "favorite": "1",
        "next": page,
        "pressed": False,
        "label": "이마트 용산점 찜하기",
    }

    response = client.post(heart["action"], {"favorite": "1", "next": page}, follow=True)

    assert response.redirect_chain == [(page, 302)]
    assert list(FavoriteMarket.objects.values_list("user_id", "market_id")) == [
        (member.pk, market.pk)
    ]
    [heart] = heart_buttons(response, "market")
    assert heart["pressed"] is True and heart["favorite"] == "0"
    assert heart["label"] == "이마트 용산점 찜하기"  # the name stays; aria-pressed says the state
    assert any("찜 목록에 담았어요: 이마트 용산점" in m for m in flash(response))


def test_pressed_heart_unfavorites_and_comes_back_empty(client, member, market):
    FavoriteMarket.objects.create(user=member, market=market)
    page = reverse("markets:detail", args=[market.pk])
    [heart] = heart_buttons(client.get(page), "market")
    assert heart["pressed"] is True

    response = client.post(heart["action"], {"favorite": "0", "next": page}, follow=True)

    assert not FavoriteMarket.objects.exists()
    [heart] = heart_buttons(response, "market")
    assert heart["pressed"] is False
    assert any("찜 목록에서 뺐어요" in m for m in flash(response))


def test_heart_posts_are_idempotent_so_double_submits_keep_the_shown_state(
    client, member, market, item
):
    for _ in range(2):
        assert client.post(toggle_url("market", market.pk), {"favorite": "1"}).status_code == 302
        assert client.post(toggle_url("item", item.pk), {"favorite": "1"}).status_code == 302
    assert FavoriteMarket.objects.filter(user=member).count() == 1
    assert FavoriteItem.objects.filter(user=member).count() == 1
    for _ in range(2):
        assert client.post(toggle_url("market", market.pk), {"favorite": "0"}).status_code == 302
        assert client.post(toggle_url("item", item.pk), {"favorite": "0"}).status_code == 302
    assert not FavoriteMarket.objects.exists() and not FavoriteItem.objects.exists()


def test_heart_state_is_per_user(client, member, market):
    FavoriteMarket.objects.create(user=UserFactory(), market=market)
    [heart] = heart_buttons(client.get(reverse("markets:detail", args=[market.pk])), "market")
    assert heart["pressed"] is False


def test_heart_redirects_to_next_only_within_this_site(client, member, market, item):
    response = client.post(
        toggle_url("market", market.pk), {"favorite": "1", "next": "https://evil.example/"}
    )
    assert response.url == reverse("markets:detail", args=[market.pk])
    response = client.post(toggle_url("item", item.pk), {"favorite": "1", "next": "//evil.example"})
    assert response.url == f"{reverse('home')}?item={item.pk}"
    response = client.post(
        toggle_url("item", item.pk), {"favorite": "0", "next": "/items/?q=사과#item-1"}
    )
    assert unquote(response.url) == "/items/?q=사과#item-1"


def test_item_list_rows_have_hearts_that_return_to_the_row(client, member, item):
    other = ItemFactory(name="사과주스 1.5L")
    FavoriteItem.objects.create(user=member, item=other)
    response = client.get(reverse("catalog:list"), {"q": "사과"})
    page = reverse("catalog:list") + "?q=%EC%82%AC%EA%B3%BC"
    hearts = {h["action"]: h for h in heart_buttons(response, "item")}
    assert hearts[toggle_url("item", item.pk)]["pressed"] is False
    assert hearts[toggle_url("item", other.pk)]["pressed"] is True
    assert hearts[toggle_url("item", item.pk)]["label"] == "부사 사과 5kg 찜하기"
    assert hearts[toggle_url("item", item.pk)]["next"] == f"{page}#item-{item.pk}"  # back here
    assert f'id="item-{item.pk}"' in response.content.decode()

    response = client.post(
        toggle_url("item", item.pk), {"favorite": "1", "next": f"{page}#item-{item.pk}"}
    )
    assert unquote(response.url) == unquote(f"{page}#item-{item.pk}")
    assert FavoriteItem.objects.filter(user=member, item=item).exists()


def test_party_detail_hearts_its_market_and_its_item(client, member, market, item):
    party = make_party(market=market, item=item)
    FavoriteItem.objects.create(user=member, item=item)
    page = reverse("parties:detail", args=[party.pk])
    response = client.get(page)
    [market_heart] = heart_buttons(response, "market")
    [item_heart] = heart_buttons(response, "item")
    assert (market_heart["label"], market_heart["pressed"]) == ("이마트 용산점 찜하기", False)
    assert (item_heart["label"], item_heart["pressed"]) == ("부사 사과 5kg 찜하기", True)

    response = client.post(market_heart["action"], {"favorite": "1", "next": page}, follow=True)
    assert response.redirect_chain == [(page, 302)]
    assert [h["pressed"] for h in heart_buttons(response, "market")] == [True]
    assert FavoriteMarket.objects.filter(user=member, market=market).exists()


def test_anonymous_users_see_hearts_that_link_to_login(client, market, item):
    page = reverse("markets:detail", args=[market.pk])
    html = text(client.get(page))
    assert heart_buttons(client.get(page), "market") == []
    assert f'href="{reverse("accounts:login")}?next={page}"' in html
    assert 'aria-label="로그인하고 이마트 용산점 찜하기"' in html

    party = make_party(market=market, item=item)
    html = text(client.get(reverse("parties:detail", args=[party.pk])))
    assert 'aria-label="로그인하고 부사 사과 5kg 찜하기"' in html


def test_anonymous_heart_post_goes_to_login_and_writes_nothing(client, market):
    page = reverse("markets:detail", args=[market.pk])
    response = client.post(toggle_url("market", market.pk), {"favorite": "1", "next": page})
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={page}"
    assert not FavoriteMarket.objects.exists()


@pytest.mark.parametrize("kind", ["market", "item"])
@pytest.mark.parametrize("favorite", ["1", "0"])
def test_unknown_ids_are_a_404_page_and_write_nothing(client, member, kind, favorite):
    for missing in (987654, 2**63):
        response = client.post(toggle_url(kind, missing), {"favorite": favorite})
        assert response.status_code == 404
    assert not FavoriteMarket.objects.exists() and not FavoriteItem.objects.exists()


def test_unknown_id_shows_the_404_page(client, member, settings):
    settings.DEBUG = False
    response = client.post(toggle_url("market", 987654), {"favorite": "1"})
    assert response.status_code == 404
    assert "페이지를 찾을 수 없어요" in text(response)


def test_heart_refuses_get_bad_values_and_missing_csrf(member, market):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    url = toggle_url("market", market.pk)
    assert client.get(url).status_code == 405
    assert client.post(url, {"favorite": "1"}).status_code == 403  # no CSRF token
    lenient = Client()
    lenient.force_login(member)
    assert lenient.post(url, {"favorite": "yes"}).status_code == 400
    assert lenient.post(url).status_code == 400
    assert not FavoriteMarket.objects.exists()


# --- my favorites -----------------------------------------------------------------------------


def test_favorites_page_lists_markets_and_items_with_remove_and_nearby_links(
    client, member, market, item
):
    FavoriteMarket.objects.create(user=member, market=market)
    FavoriteItem.objects.create(user=member, item=item)
    FavoriteMarket.objects.create(user=UserFactory(), market=MarketFactory(name="남의 마트"))
    response = client.get(reverse("notifications:favorites"))
    assert response.status_code == 200
    html = text(response)
    assert "이마트 용산점" in html and "부사 사과 5kg" in html
    assert "남의 마트" not in html
    assert f'href="{reverse("home")}?item={item.pk}"' in html  # nearby parties for the item
    assert f'href="{reverse("markets:detail", args=[market.pk])}"' in html
    assert 'aria-label="이마트 용산점 찜 해제"' in html
    assert 'aria-label="부사 사과 5kg 찜 해제"' in html
    # No home yet: item alerts need one.
    assert 'data-testid="favorites-no-home"' in html


def test_removing_from_the_favorites_page_comes_back_to_it(client, member, market, item):
    FavoriteMarket.objects.create(user=member, market=market)
    FavoriteItem.objects.create(user=member, item=item)
    favorites = reverse("notifications:favorites")
    response = client.post(
        toggle_url("item", item.pk), {"favorite": "0", "next": favorites}, follow=True
    )
    assert response.redirect_chain == [(favorites, 302)]
    assert not FavoriteItem.objects.exists()
    assert FavoriteMarket.objects.filter(user=member).count() == 1
    assert "찜한 품목이 없어요." in text(response)


def test_favorites_page_empty_state_and_links_from_my_page_and_inbox(client, member):
    html = text(client.get(reverse("notifications:favorites")))
    assert "찜한 마트가 없어요." in html and "찜한 품목이 없어요." in html
    assert 'data-testid="favorites-no-home"' not in html
    favorites = reverse("notifications:favorites")
    assert f'href="{favorites}"' in text(client.get(reverse("accounts:me")))
    assert f'href="{favorites}"' in text(client.get(reverse("notifications:inbox")))


def test_favorites_page_sends_anonymous_users_to_login(client):
    response = client.get(reverse("notifications:favorites"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


# --- inbox --------------------------------------------------------------------------------


def messages_on(response) -> list[str]:
    html = response.content.decode()
    return [
        unescape(m) for m in re.findall(r'data-testid="notification-message">([^<]*)</span>', html)
    ]


def test_inbox_lists_newest_first_20_a_page_with_unread_highlighted(client, member):
    for n in range(1, 26):
        notify(member, n, message=f"알림 {n}", read=n <= 3)
    notify(UserFactory(), 99, message="남의 알림")
    inbox = reverse("notifications:inbox")

    first = client.get(inbox)
    assert messages_on(first) == [f"알림 {n}" for n in range(25, 5, -1)]
    assert "1 / 2" in text(first)
    second = client.get(inbox + "?page=2")
    assert messages_on(second) == ["알림 5", "알림 4", "알림 3", "알림 2", "알림 1"]
    html = second.content.decode()
    assert html.count("notice--unread") == 2  # 5 and 4; 1-3 were read
    assert html.count("data-unread") == 2
    assert "남의 알림" not in text(first) + text(second)
    assert first.context["unread_total"] == 22


def test_inbox_unread_filter_and_empty_states(client, member):
    inbox = reverse("notifications:inbox")
    assert "아직 받은 알림이 없어요." in text(client.get(inbox))
    assert 'data-testid="read-all"' not in text(client.get(inbox))
    notify(member, 1, message="읽은 알림", read=True)
    notify(member, 2, message="새 알림")
    assert messages_on(client.get(inbox + "?unread=1")) == ["새 알림"]
    Notification.objects.update(read_at="2026-01-01T00:00:00Z")
    assert "안 읽은 알림이 없어요." in text(client.get(inbox + "?unread=1"))


def test_opening_a_notification_marks_it_read_and_goes_to_its_party(client, member):
    party = make_party()
    note = notify(member, 1, party=party)
    other = notify(member, 2, party=party)
    response = client.post(reverse("notifications:open", args=[note.pk]))
    assert response.status_code == 302
    assert response.url == f"/parties/{party.pk}/"
    note.refresh_from_db()
    other.refresh_from_db()
    assert note.read_at is not None and other.read_at is None
    # Opening it again is harmless.
    read_at = note.read_at
    assert client.post(reverse("notifications:open", args=[note.pk])).status_code == 302
    note.refresh_from_db()
    assert note.read_at == read_at


def test_opening_never_redirects_off_site(client, member):
    note = notify(member, 1, url="https://evil.example/")
    response = client.post(reverse("notifications:open", args=[note.pk]))
    assert response.url == reverse("notifications:inbox")


def test_nobody_can_open_or_read_someone_elses_notification(client, member):
    theirs = notify(UserFactory(), 1)
    assert client.post(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    assert client.post(f"/notifications/{2**63}/open").status_code == 404
    client.post(reverse("notifications:read-all"))
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_read_all_marks_only_my_unread_notifications(client, member):
    mine = [notify(member, n) for n in (1, 2, 3)]
    theirs = notify(UserFactory(), 4)
    response = client.post(reverse("notifications:read-all"), follow=True)
    assert response.redirect_chain == [(reverse("notifications:inbox"), 302)]
    assert any("알림 3개를 모두 읽음으로 표시했어요." in m for m in flash(response))
    assert Notification.objects.filter(pk__in=[n.pk for n in mine], read_at=None).count() == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert "notice--unread" not in response.content.decode()


def test_inbox_writes_need_post_and_a_login(client, user):
    note = notify(user, 1)
    assert client.post(reverse("notifications:read-all")).url.startswith(reverse("accounts:login"))
    assert client.post(reverse("notifications:open", args=[note.pk])).url.startswith(
        reverse("accounts:login")
    )
    client.force_login(user)
    assert client.get(reverse("notifications:read-all")).status_code == 405
    assert client.get(reverse("notifications:open", args=[note.pk])).status_code == 405
    note.refresh_from_db()
    assert note.read_at is None


# --- the bell -------------------------------------------------------------------------------


def bell(response) -> str | None:
    """The header badge's text, or None when it is hidden."""
    match = re.search(
        r"<span ([^>]*data-testid=\"bell-count\"[^>]*)>([^<]*)<", response.content.decode()
    )
    if match is None:
        return None
    attributes = match.group(1).replace("aria-hidden", "").split()
    return None if "hidden" in attributes else match.group(2)


def test_bell_shows_my_unread_count_on_every_page(client, member, market):
    notify(member, 1)
    notify(member, 2)
    notify(member, 3, read=True)
    notify(UserFactory(), 4)
    for url in (
        reverse("home"),
        reverse("markets:detail", args=[market.pk]),
        reverse("catalog:list"),
        reverse("notifications:favorites"),
    ):
        response = client.get(url)
        assert bell(response) == "2", url
        assert "안 읽은 알림 2개" in text(response)


def test_bell_badge_is_hidden_at_zero_and_caps_at_99(client, member):
    response = client.get(reverse("home"))
    assert bell(response) is None
    assert 'data-testid="bell-count"' in response.content.decode()  # there for live updates
    Notification.objects.bulk_create(
        [
            Notification(user=member, event_id=n, action_id=n, type="party.created", data={})
            for n in range(1, 121)
        ]
    )
    assert bell(client.get(reverse("home"))) == "99+"


def test_bell_drops_after_reading(client, member):
    notes = [notify(member, n) for n in (1, 2)]
    client.post(reverse("notifications:open", args=[notes[0].pk]))
    assert bell(client.get(reverse("home"))) == "1"


def test_live_stream_script_is_wired_for_members_only(client, user):
    html = client.get(reverse("home")).content.decode()
    assert "js/notifications.js" not in html and "bell-count" not in html
    assert "data-toasts" not in html

    note = notify(user, 7)
    client.force_login(user)
    html = client.get(reverse("home")).content.decode()
    assert "js/notifications.js" in html
    assert 'data-stream-url="/api/v1/notifications/stream"' in html
    assert f'data-last-id="{note.pk}"' in html  # the stream resumes after what the page shows
    assert re.search(r'data-toasts[^>]*role="status" aria-live="polite"', html)
