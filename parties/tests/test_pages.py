"""Party pages through the Django test client: nearby, detail, actions, create form, mine."""

import json
import re
from datetime import UTC, timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from common.geo import haversine_km
from parties.models import Membership, Party, PartyStatus
from tests.factories import CategoryFactory, ItemFactory, MarketFactory, UserFactory, make_party

pytestmark = pytest.mark.django_db

HOME = (37.5485, 126.9136)  # 합정


def text(response) -> str:
    return unescape(response.content.decode())


def flash(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def snapshot(party):
    party = Party.objects.get(pk=party.pk)
    members = sorted(
        Membership.objects.filter(party=party).values_list("user_id", "left_at", "role")
    )
    return party.status, party.member_count, members


def action_url(party, action):
    return reverse("parties:action", args=[party.pk, action])


def buttons(response) -> list[str]:
    """The action buttons on a detail page (label of each POST form's submit)."""
    html = response.content.decode()
    return re.findall(r'data-action="[a-z]+">([^<]+)</button>', html)


@pytest.fixture
def leader():
    return UserFactory(nickname="파티장님")


@pytest.fixture
def party(leader):
    return make_party(leader=leader, capacity=3, total_price=21990, title="키친타월 나눠요")


def join(party, user=None):
    from parties.services import party_join

    user = user or UserFactory()
    party_join(party_id=party.pk, user=user)
    return user


# --- detail: what each viewer sees ---------------------------------------------------------


def test_detail_for_anonymous_offers_login_to_join(client, party, leader):
    response = client.get(reverse("parties:detail", args=[party.pk]))
    assert response.status_code == 200
    html = text(response)
    assert buttons(response) == []
    assert "로그인하고 참여하기" in html
    assert f"{reverse('accounts:login')}?next=/parties/{party.pk}/" in html
    assert "키친타월 나눠요" in html
    assert "7,330원" in html  # ⌈21990 / 3⌉
    assert "1/3명" in html
    assert "2자리 남음" in html
    assert "모집 중" in html
    assert reverse("markets:detail", args=[party.market_id]) in html
    assert f'href="/accounts/users/{leader.pk}/"' in html
    assert '<section id="chat"' in html


def test_detail_for_outsider_offers_join(client, party):
    client.force_login(UserFactory())
    response = client.get(reverse("parties:detail", args=[party.pk]))
    assert buttons(response) == ["참여하기"]
    assert f'action="{action_url(party, "join")}"' in response.content.decode()
    assert "csrfmiddlewaretoken" in response.content.decode()


def test_detail_for_member_offers_leave(client, party):
    member = join(party)
    client.force_login(member)
    response = client.get(reverse("parties:detail", args=[party.pk]))
    assert buttons(response) == ["나가기"]
    html = text(response)
    assert member.nickname in html
    assert f'href="/accounts/users/{member.pk}/"' in html


def test_detail_for_leader_alone_offers_cancel_only(client, party, leader):
    client.force_login(leader)
    response = client.get(reverse("parties:detail", args=[party.pk]))
    assert buttons(response) == ["파티 취소"]


def test_detail_for_leader_with_members_offers_close_and_cancel(client, party, leader):
    join(party)
    client.force_login(leader)
    response = client.get(reverse("parties:detail", args=[party.pk]))
    assert buttons(response) == ["모집 마감", "파티 취소"]
    # The leader is marked in the member list.
    assert re.search(
        r"파티장님</a>\s*<span class=\"badge badge--leader\">파티장</span>", text(response)
    )


def test_detail_for_leader_of_closed_party_before_and_after_meeting(client, party, leader):
    join(party)
    Party.objects.filter(pk=party.pk).update(status=PartyStatus.CLOSED)
    client.force_login(leader)
    url = reverse("parties:detail", args=[party.pk])
    assert buttons(client.get(url)) == ["파티 취소"]
    past = timezone.now() - timedelta(hours=1)
    Party.objects.filter(pk=party.pk).update(meet_at=past, recruit_until=past)
    assert buttons(client.get(url)) == ["파티 완료"]


def test_detail_of_closed_party_offers_nothing_to_outsiders(client, party):
    join(party)
    join(party)  # 3/3: closed when full
    assert Party.objects.get(pk=party.pk).status == PartyStatus.CLOSED
    client.force_login(UserFactory())
    response = client.get(reverse("parties:detail", args=[party.pk]))
    assert buttons(response) == []
    assert "모집 마감" in text(response)
    assert "3/3명" in text(response)
    client.logout()
    assert "로그인하고 참여하기" not in text(client.get(reverse("parties:detail", args=[party.pk])))


def test_detail_shows_time_left(client, leader):
    party = make_party(
        leader=leader,
        recruit_until=timezone.now() + timedelta(hours=3, minutes=5),
        meet_at=timezone.now() + timedelta(days=1),
    )
    response = client.get(reverse("parties:detail", args=[party.pk]))
    assert "마감까지 3시간 남음" in text(response)


def test_detail_unknown_party_is_404(client, db):
    assert client.get("/parties/999999/").status_code == 404
    assert client.get("/parties/99999999999999999999999/").status_code == 404


# --- actions -------------------------------------------------------------------------------


def test_join_action_joins_and_redirects_with_message(client, party):
    user = UserFactory()
    client.force_login(user)
    response = client.post(action_url(party, "join"), follow=True)
    assert response.redirect_chain == [(reverse("parties:detail", args=[party.pk]), 302)]
    assert flash(response) == ["파티에 참여했어요."]
    assert snapshot(party)[:2] == ("recruiting", 2)
    assert buttons(response) == ["나가기"]


def test_join_filling_the_party_says_it_closed(client, leader):
    party = make_party(leader=leader, capacity=2)
    client.force_login(UserFactory())
    response = client.post(action_url(party, "join"), follow=True)
    assert flash(response) == ["파티에 참여했어요. 인원이 다 차서 모집이 마감됐어요."]
    assert snapshot(party)[:2] == ("closed", 2)
    assert "2/2명" in text(response)


def test_leave_close_cancel_and_complete_actions(client, party, leader):
    member = join(party)
    client.force_login(member)
    response = client.post(action_url(party, "leave"), follow=True)
    assert flash(response) == ["파티에서 나갔어요."]
    assert snapshot(party)[1] == 1

    join(party)
    client.force_login(leader)
    response = client.post(action_url(party, "close"), follow=True)
    assert flash(response) == ["모집을 마감했어요."]
    assert snapshot(party)[0] == "closed"

    past = timezone.now() - timedelta(minutes=5)
    Party.objects.filter(pk=party.pk).update(meet_at=past, recruit_until=past)
    response = client.post(action_url(party, "complete"), follow=True)
    assert flash(response) == ["파티를 완료했어요. 수고하셨어요!"]
    assert snapshot(party)[0] == "completed"

    other = make_party(leader=leader)
    asked = client.post(action_url(other, "cancel"))
    assert 'data-testid="confirm-page"' in asked.content.decode()  # asks first (no JS)
    assert snapshot(other)[0] == "recruiting"
    response = client.post(action_url(other, "cancel"), {"confirmed": "1"}, follow=True)
    assert flash(response) == ["파티를 취소했어요."]
    assert snapshot(other)[0] == "cancelled"
    assert buttons(response) == []


@pytest.mark.parametrize(
    ("who", "action", "message"),
    [
        ("outsider", "close", "파티장만 할 수 있어요."),
        ("outsider", "leave", "참여하지 않은 파티예요."),
        ("leader", "leave", "파티장은 나갈 수 없어요. 파티를 취소해 주세요."),
        ("leader", "close", "파티원이 한 명 이상 있어야 마감할 수 있어요."),
        ("leader", "join", "이미 참여한 파티예요."),
        ("leader", "complete", "모집이 마감된 파티만 완료할 수 있어요."),
    ],
)
def test_refused_action_shows_korean_error_and_changes_nothing(
    client, party, leader, who, action, message
):
    client.force_login(leader if who == "leader" else UserFactory())
    before = snapshot(party)
    response = client.post(action_url(party, action), follow=True)
    assert response.redirect_chain[-1][0] == reverse("parties:detail", args=[party.pk])
    assert flash(response) == [message]
    assert "flash__item--error" in response.content.decode()
    assert snapshot(party) == before


def test_join_full_party_is_refused(client, leader):
    party = make_party(leader=leader, capacity=2)
    join(party)
    before = snapshot(party)
    client.force_login(UserFactory())
    response = client.post(action_url(party, "join"), follow=True)
    assert flash(response) == ["정원이 다 찼어요."]
    assert snapshot(party) == before


def test_actions_are_post_only_and_need_login(client, party):
    client.force_login(UserFactory())
    assert client.get(action_url(party, "join")).status_code == 405
    client.logout()
    before = snapshot(party)
    response = client.post(action_url(party, "join"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert f"next=/parties/{party.pk}/" in response.url
    assert snapshot(party) == before
    assert client.post(f"/parties/{party.pk}/explode/").status_code == 404
    client.force_login(UserFactory())
    assert client.post("/parties/999999/join/").status_code == 404


# --- create form ---------------------------------------------------------------------------


def local(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def creator():
    return UserFactory(lat=HOME[0], lng=HOME[1], sido="서울특별시", sigungu="마포구")


@pytest.fixture
def near_market():
    return MarketFactory(name="홈플러스 월드컵점", lat=37.5560, lng=126.9010)


@pytest.fixture
def apple():
    return ItemFactory(name="부사 사과 5kg 박스")


def form_data(market, item, **overrides):
    start = timezone.localtime() + timedelta(days=2)
    data = {
        "market_id": market.pk,
        "item_id": item.pk,
        "item_query": item.name,
        "title": "사과 한 박스 같이 사요",
        "description": "정문에서 만나요",
        "total_price": "21990",
        "total_quantity": "20",
        "unit": "개",
        "capacity": "4",
        "recruit_until": start.replace(hour=12, minute=0).strftime("%Y-%m-%dT%H:%M"),
        "meet_at": start.replace(hour=19, minute=30).strftime("%Y-%m-%dT%H:%M"),
    }
    data.update(overrides)
    return data


def test_create_page_needs_login(client):
    response = client.get(reverse("parties:create"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_create_page_offers_markets_near_home(client, creator, near_market, apple):
    far = MarketFactory(name="해운대 먼마트", lat=35.1631, lng=129.1635)
    client.force_login(creator)
    response = client.get(reverse("parties:create"))
    html = text(response)
    assert response.status_code == 200
    assert '<select name="market_id"' in html
    assert "홈플러스 월드컵점 · 1.4km" in html
    assert "해운대 먼마트" not in html
    # ?market= preselects (even one outside the 10 km), ?item= fills the item search box.
    response = client.get(reverse("parties:create"), {"market": far.pk, "item": apple.pk})
    html = response.content.decode()
    assert f'<option value="{far.pk}" selected>' in html
    assert 'value="부사 사과 5kg 박스"' in html
    assert f'name="item_id" value="{apple.pk}"' in html
    assert 'name="capacity" value="4"' in html


def test_create_page_without_home_searches_markets(client, near_market):
    client.force_login(UserFactory())
    response = client.get(reverse("parties:create"), {"market": near_market.pk})
    html = text(response)
    assert '<select name="market_id"' not in html
    assert 'data-url="/api/v1/markets"' in html
    assert f'name="market_id" id="id_market_id" value="{near_market.pk}"' in html
    assert "선택됨: 홈플러스 월드컵점" in html
    assert 'data-url="/api/v1/items/suggest"' in html


def test_create_page_opens_for_a_new_user_without_home_or_preselection(client, near_market):
    """Every fresh signup lands here without a home address: the page must open (it was a 500
    when no market was preselected either)."""
    client.force_login(UserFactory())
    response = client.get(reverse("parties:create"))
    assert response.status_code == 200
    html = text(response)
    assert 'name="market_query" id="id_market_query" value=""' in html
    assert "집 주소를 설정하면 근처 마트를 바로 골라 드려요." in html


def test_create_form_creates_party_in_seoul_time(client, creator, near_market, apple):
    client.force_login(creator)
    data = form_data(near_market, apple)
    response = client.post(reverse("parties:create"), data, follow=True)
    party = Party.objects.get()
    assert response.redirect_chain == [(reverse("parties:detail", args=[party.pk]), 302)]
    assert flash(response) == ["파티를 만들었어요. 이웃이 참여하면 알림으로 알려 드려요."]
    assert (party.leader, party.market, party.item) == (creator, near_market, apple)
    assert (party.total_price, party.capacity, party.share_price) == (21990, 4, 5498)
    assert local(party.meet_at) == data["meet_at"]
    assert timezone.localtime(party.meet_at).utcoffset() == timedelta(hours=9)
    assert party.meet_at.astimezone(UTC).hour == 10  # 19:30 KST = 10:30 UTC
    assert buttons(response) == ["파티 취소"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"market_id": ""}, "마트를 골라 주세요."),
        ({"market_id": "999999"}, "마트를 찾을 수 없어요."),
        ({"item_id": ""}, "품목을 검색해서 골라 주세요."),
        ({"item_id": "999999"}, "품목을 찾을 수 없어요."),
        ({"title": "   "}, "제목을 입력해 주세요."),
        ({"unit": ""}, "단위를 입력해 주세요. (예: 개, kg, 롤)"),
        ({"capacity": "1"}, "정원은 파티장을 포함해 2~20명이에요."),
        ({"capacity": "21"}, "정원은 파티장을 포함해 2~20명이에요."),
        ({"capacity": "넷"}, "정원은 숫자로 입력해 주세요."),
        ({"total_price": "0"}, "총 가격은 1원 이상 1억 원 이하로 입력해 주세요."),
        ({"total_quantity": "0"}, "총 수량은 1 이상이어야 해요."),
        ({"meet_at": "2020-01-01T10:00"}, "만나는 시각은 지금 이후여야 해요."),
        ({"meet_at": "내일"}, "날짜와 시각을 정확히 입력해 주세요."),
        ({"recruit_until": "2020-01-01T10:00"}, "모집 마감 시각은 지금 이후여야 해요."),
        ("too_far", "만나는 시각은 30일 이내로 정해 주세요."),
        ("recruit_after_meet", "모집 마감 시각은 만나는 시각보다 늦을 수 없어요."),
    ],
)
def test_create_form_errors_keep_input(client, creator, near_market, apple, overrides, message):
    now = timezone.now()
    if overrides == "too_far":
        overrides = {"meet_at": local(now + timedelta(days=31))}
    elif overrides == "recruit_after_meet":
        overrides = {
            "recruit_until": local(now + timedelta(days=3)),
            "meet_at": local(now + timedelta(days=2)),
        }
    client.force_login(creator)
    data = form_data(near_market, apple, description="<b>정문</b>에서 만나요", **overrides)
    response = client.post(reverse("parties:create"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in unescape(html)
    assert "입력한 내용을 확인해 주세요." in html
    # What the user typed is still there (escaped).
    assert "&lt;b&gt;정문&lt;/b&gt;에서 만나요" in html
    if data["title"].strip():
        assert 'value="사과 한 박스 같이 사요"' in html
    assert f'value="{data["total_price"]}"' in html
    assert f'value="{data["meet_at"]}"' in html
    assert not Party.objects.exists()


def test_create_form_shows_penalty_block(client, creator, near_market, apple, monkeypatch):
    from parties import services

    monkeypatch.setattr(
        services, "user_blocked_until", lambda user_id: timezone.now() + timedelta(days=3)
    )
    client.force_login(creator)
    response = client.post(reverse("parties:create"), form_data(near_market, apple))
    assert response.status_code == 200
    assert "페널티가 쌓여" in text(response)
    assert not Party.objects.exists()


# --- nearby (home) -------------------------------------------------------------------------


@pytest.fixture
def around_home():
    """Parties at 3 distances from HOME, one outside 10 km, one past its deadline."""
    fruit = CategoryFactory(name="과일")
    apple = ItemFactory(name="부사 사과", category=CategoryFactory(name="사과", parent=fruit))
    water = ItemFactory(name="삼다수 2L")
    spots = {
        "near": (37.5520, 126.9170),
        "mid": (37.5600, 126.9400),
        "far": (37.5200, 126.9900),
        "outside": (37.4000, 127.1000),
    }
    parties = {}
    for name, (lat, lng) in spots.items():
        market = MarketFactory(name=f"{name}마트", lat=lat, lng=lng)
        item = apple if name in ("near", "far") else water
        parties[name] = make_party(market=market, item=item, title=f"{name} 파티")
    expired = make_party(market=MarketFactory(lat=37.5490, lng=126.9140), title="지난 파티")
    Party.objects.filter(pk=expired.pk).update(recruit_until=timezone.now())
    return {"parties": parties, "apple": apple, "fruit": fruit}


def card_titles(response) -> list[str]:
    return re.findall(r'data-testid="party-title">([^<]+)<', response.content.decode())


def test_nearby_with_point_lists_parties_nearest_first_with_distances(client, around_home):
    response = client.get(reverse("home"), {"lat": HOME[0], "lng": HOME[1]})
    assert response.status_code == 200
    assert card_titles(response) == ["near 파티", "mid 파티", "far 파티"]
    shown = re.findall(r'data-testid="party-distance">([0-9.]+)km<', response.content.decode())
    expected = [
        f"{haversine_km(*HOME, p.lat, p.lng):.1f}"
        for p in (around_home["parties"][k] for k in ("near", "mid", "far"))
    ]
    assert shown == expected
    html = text(response)
    assert "현재 위치 근처 10km" in html
    assert "1인당 7,500원" in html  # ⌈30000 / 4⌉
    assert "1/4명" in html
    assert "23시간 남음" in html  # the deadline is a day ahead, less a moment
    island = re.search(
        r'<script id="nearby-data" type="application/json">(.*?)</script>',
        response.content.decode(),
    )
    data = json.loads(island.group(1))
    assert [p["title"] for p in data["parties"]] == ["near 파티", "mid 파티", "far 파티"]
    assert data["point"] == {"lat": HOME[0], "lng": HOME[1], "radius_km": 10.0}


def test_nearby_uses_home_and_filters(client, around_home):
    user = UserFactory(lat=HOME[0], lng=HOME[1])
    client.force_login(user)
    response = client.get(reverse("home"))
    assert card_titles(response) == ["near 파티", "mid 파티", "far 파티"]
    assert "우리 집 근처 10km" in text(response)
    assert card_titles(client.get(reverse("home"), {"q": "삼다수"})) == ["mid 파티"]
    assert card_titles(client.get(reverse("home"), {"q": "far"})) == ["far 파티"]
    by_item = client.get(reverse("home"), {"item": around_home["apple"].pk})
    assert card_titles(by_item) == ["near 파티", "far 파티"]
    assert "품목: 부사 사과" in text(by_item)
    by_category = client.get(reverse("home"), {"category": around_home["fruit"].pk})
    assert card_titles(by_category) == ["near 파티", "far 파티"]
    wide = client.get(reverse("home"), {"radius_km": "50"})
    assert card_titles(wide) == ["near 파티", "mid 파티", "far 파티", "outside 파티"]
    near = client.get(reverse("home"), {"radius_km": "5"})
    assert card_titles(near) == ["near 파티", "mid 파티"]


def test_nearby_without_a_point_prompts_for_one(client, around_home):
    response = client.get(reverse("home"))
    html = text(response)
    assert response.status_code == 200
    assert "어디 근처의 파티를 볼까요?" in html
    assert "내 위치 사용" in html
    assert '<option value="부산광역시 해운대구">부산 해운대구</option>' in html
    assert '<option value="대전광역시 유성구">대전 유성구</option>' in html
    assert card_titles(response) == []


def test_nearby_area_choice_lands_on_its_coordinates(client, around_home):
    response = client.get(reverse("home"), {"area": "서울특별시 마포구", "q": "파티"})
    assert response.status_code == 302
    assert "lat=37.5663" in response.url and "lng=126.9019" in response.url
    assert "q=" in response.url
    page = client.get(response.url)
    assert "서울 마포구 근처 10km" in text(page)
    assert card_titles(page)[0] == "near 파티"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"lat": "abc", "lng": "126.9"}, "위도(lat)는 숫자여야 해요."),
        ({"lat": "37.5"}, "위도와 경도를 함께 보내 주세요."),
        ({"lat": "10", "lng": "10"}, "대한민국 안의 위치만 검색할 수 있어요."),
        (
            {"lat": "37.5", "lng": "126.9", "radius_km": "80"},
            "반경은 0보다 크고 50km 이하여야 해요.",
        ),
        ({"lat": "37.5", "lng": "126.9", "item": "x"}, "item는 1부터"),
        ({"lat": "37.5", "lng": "126.9", "item": "²"}, "item는 1부터"),
        ({"lat": "37.5", "lng": "126.9", "q": "\x00"}, "쓸 수 없는 문자"),
        ({"lat": "37.5", "lng": "126.9", "page": "9223372036854775807"}, "page는 1부터"),
        ({"lat": "37.5", "lng": "126.9", "item": "999999"}, "품목을 찾을 수 없어요."),
    ],
)
def test_nearby_bad_input_shows_the_error(client, db, params, message):
    response = client.get(reverse("home"), params)
    assert response.status_code in (400, 404)
    assert message in text(response)


def test_nearby_paginates_by_20(client, db):
    market = MarketFactory(lat=HOME[0], lng=HOME[1])
    for i in range(23):
        make_party(market=market, title=f"파티 {i}")
    first = client.get(reverse("home"), {"lat": HOME[0], "lng": HOME[1]})
    assert len(card_titles(first)) == 20
    assert "10km 안에서 모집 중인 파티, 가까운 순" in text(first)
    assert "다음" in text(first) and "이전" not in text(first)
    second = client.get(reverse("home"), {"lat": HOME[0], "lng": HOME[1], "page": 2})
    assert len(card_titles(second)) == 3
    assert set(card_titles(first)).isdisjoint(card_titles(second))
    assert "이전" in text(second) and "다음" not in text(second)


def test_user_text_is_escaped_everywhere(client, leader):
    market = MarketFactory(name="<img src=x onerror=alert(2)>마트", lat=HOME[0], lng=HOME[1])
    party = make_party(
        leader=leader,
        market=market,
        title="<script>alert(1)</script>",
        description="<script>alert(3)</script>",
    )
    client.force_login(leader)
    pages = [
        client.get(reverse("home"), {"lat": HOME[0], "lng": HOME[1]}),
        client.get(reverse("parties:detail", args=[party.pk])),
        client.get(reverse("parties:mine")),
    ]
    for response in pages:
        html = response.content.decode()
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # The map's JSON island escapes "<" so it cannot close its <script> element.
    assert "\\u003Cscript\\u003Ealert(1)" in pages[0].content.decode()


# --- my parties and links ------------------------------------------------------------------


def test_my_parties_has_three_sections(client, leader):
    mine = make_party(leader=leader, title="내가 연 파티")
    other = make_party(title="남이 연 파티")
    join(other, leader)
    done = make_party(leader=leader, title="끝난 파티")
    Party.objects.filter(pk=done.pk).update(status=PartyStatus.CANCELLED)
    client.force_login(leader)
    response = client.get(reverse("parties:mine"))
    assert response.status_code == 200
    sections = dict(
        (key, [p.title for p in parties]) for key, _title, parties in response.context["sections"]
    )
    assert sections == {
        "leading": ["내가 연 파티"],
        "joined": ["남이 연 파티"],
        "past": ["끝난 파티"],
    }
    html = text(response)
    for heading in ("내가 만든 파티", "참여한 파티", "지난 파티"):
        assert heading in html
    assert reverse("parties:detail", args=[mine.pk]) in html
    assert client.get(reverse("parties:mine")).status_code == 200
    client.logout()
    assert client.get(reverse("parties:mine")).status_code == 302


def test_pages_link_to_parties(client, user):
    market = MarketFactory()
    item = ItemFactory(name="부사 사과 5kg")
    anonymous_home = client.get(reverse("home")).content.decode()
    assert 'data-testid="header-create-party"' not in anonymous_home
    client.force_login(user)
    market_page = client.get(reverse("markets:detail", args=[market.pk])).content.decode()
    assert f'href="/parties/new/?market={market.pk}"' in market_page
    assert "이 마트에서 파티 만들기" in market_page
    items_page = client.get(reverse("catalog:list")).content.decode()
    assert f'href="/?item={item.pk}"' in items_page
    assert f'href="/parties/new/?item={item.pk}"' in items_page
    me_page = client.get(reverse("accounts:me")).content.decode()
    assert 'href="/parties/mine/"' in me_page
    assert 'data-testid="header-create-party"' in me_page


def test_a_cancelled_partys_chat_is_shown_read_only(client, django_capture_on_commit_callbacks):
    from parties.services import party_cancel, party_close, party_join

    party = make_party(capacity=3)
    member = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        party_join(party_id=party.id, user=member)
        party_close(party_id=party.id, user=party.leader)
    with django_capture_on_commit_callbacks(execute=True):
        party_cancel(party_id=party.id, user=party.leader)
    client.force_login(member)
    html = client.get(reverse("parties:detail", args=[party.pk])).content.decode()
    data = json.loads(re.search(r'id="party-chat-data"[^>]*>(.*?)</script>', html).group(1))
    assert data["closed"] is True  # the panel loads the history and offers no composer
