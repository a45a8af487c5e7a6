"""No 5xx from any query parameter or path id, on any page or API endpoint.

The named cases are the ones an outside probe found answering 500: a NUL byte in a search
(PostgreSQL refuses it), Unicode digits in integer parameters ("²": ``str.isdigit`` said yes,
``int()`` said no), a page number past a bigint, ids no row can have. A hypothesis fuzz then
sends arbitrary strings (NUL, surrogates, other scripts' digits included) to every query
parameter of every GET page and API endpoint.
"""

from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEAR = {"lat": "37.5559", "lng": "126.9105"}


def query_string(params: dict[str, str]) -> str:
    """Percent-encoded UTF-8, lone surrogates included (as a careless client sends them)."""
    return "&".join(
        f"{quote(name)}={quote(value.encode('utf-8', 'surrogatepass'), safe='')}"
        for name, value in params.items()
    )


def get(client: Client, path: str, params: dict[str, str]):
    return client.get(path, QUERY_STRING=query_string(params))


@pytest.fixture
def member_client(db) -> Client:
    client = Client()
    client.force_login(UserFactory())
    return client


@pytest.mark.parametrize(
    ("path", "extra"),
    [
        ("/api/v1/items", {}),
        ("/api/v1/markets", {}),
        ("/api/v1/parties/nearby", NEAR),
    ],
)
def test_nul_in_an_api_search_is_a_400_with_a_code(client, path, extra):
    response = get(client, path, {"q": "사과\x00", **extra})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_q"
    assert "쓸 수 없는 문자" in response.json()["message"]


@pytest.mark.parametrize(("path", "extra"), [("/", NEAR), ("/items/", {}), ("/markets/", {})])
def test_nul_in_a_page_search_is_a_400_page_in_korean(client, path, extra):
    response = get(client, path, {"q": "\x00", **extra})
    assert response.status_code == 400
    assert "쓸 수 없는 문자" in response.content.decode()


@pytest.mark.parametrize("digits", ["²", "٣", "１", "9223372036854775807"])
@pytest.mark.parametrize(
    ("path", "name", "extra"),
    [
        ("/api/v1/items", "category", {}),
        ("/api/v1/items", "page", {}),
        ("/api/v1/items", "page_size", {}),
        ("/api/v1/markets", "page", {}),
        ("/api/v1/parties/nearby", "category", NEAR),
        ("/api/v1/parties/nearby", "item", NEAR),
        ("/api/v1/parties/nearby", "page", NEAR),
        ("/api/v1/parties/nearby", "page_size", NEAR),
        ("/api/v1/notifications", "page", {}),
    ],
)
def test_integer_parameters_take_ascii_digits_within_range(
    member_client, path, name, extra, digits
):
    response = get(member_client, path, {name: digits, **extra})
    assert response.status_code == 400
    assert response.json()["code"] == f"invalid_{name}"


@pytest.mark.parametrize("name", ["before_id", "limit"])
def test_chat_history_integers_take_ascii_digits(member_client, name):
    response = get(member_client, "/api/v1/parties/1/messages", {name: "²"})
    assert response.status_code == 400
    assert response.json()["code"] == f"invalid_{name}"


def test_a_nearby_page_past_any_bigint_is_refused_not_overflowed(client):
    response = get(client, "/api/v1/parties/nearby", {**NEAR, "page": "9223372036854775807"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_page"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/parties/abc",
        "/api/v1/parties/99999999999999999999",
        "/api/v1/parties/²",
        "/api/v1/items/0",
        "/api/v1/markets/-1",
        "/api/v1/users/1.5",
        "/api/v1/no-such-thing",
    ],
)
def test_api_paths_no_route_takes_are_a_json_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "not_found"


def test_page_paths_no_route_takes_are_the_apps_own_404_page(client):
    response = client.get("/parties/99999999999999999999/")
    assert response.status_code == 404
    assert "페이지를 찾을 수 없어요" in response.content.decode()


# --- fuzz -----------------------------------------------------------------------------------

# Every GET page and API endpoint with the query parameters it reads (API ones as in the
# OpenAPI schema, plus the pagination parameters of the lists).
ENDPOINTS: dict[str, tuple[str, ...]] = {
    "/": ("lat", "lng", "radius_km", "q", "item", "category", "page", "area"),
    "/items/": ("q", "category", "page"),
    "/markets/": ("q", "lat", "lng", "radius_km", "near", "order", "page"),
    "/markets/1/": (),
    "/parties/new/": ("market", "item"),
    "/parties/mine/": (),
    "/parties/1/": (),
    "/parties/1/comments/1/delete/": (),
    "/notifications/": ("unread", "page"),
    "/notifications/favorites/": (),
    "/penalties/mine/": (),
    "/accounts/me/": (),
    "/accounts/users/1/": (),
    "/accounts/login/": ("next",),
    "/api/v1/categories": (),
    "/api/v1/items": ("q", "category", "page", "page_size"),
    "/api/v1/items/1": (),
    "/api/v1/markets": ("q", "lat", "lng", "radius_km", "order", "page", "page_size"),
    "/api/v1/markets/1": (),
    "/api/v1/me": (),
    "/api/v1/me/favorites": (),
    "/api/v1/me/parties": (),
    "/api/v1/me/penalties": (),
    "/api/v1/notifications": ("unread", "page", "page_size"),
    "/api/v1/parties/1": (),
    "/api/v1/parties/1/messages": ("before_id", "limit"),
    "/api/v1/parties/1/comments": ("page", "page_size"),
    "/api/v1/parties/nearby": (
        *("lat", "lng", "radius_km", "q", "item", "category"),
        *("page", "page_size"),
    ),
    "/api/v1/users/1": (),
}

NASTY = [
    "\x00", "a\x00b", "\ud800", "x\udfffy", "²", "٣", "１２", "Ⅻ", "9223372036854775807",
    "99999999999999999999", "-1", "0", "1e309", "nan", "inf", "-inf", " 7", "1.5", "", "%",
    "'", '"', "<script>", "../", "37.5", "126.9", "1", "home", "서울특별시 마포구",
]  # fmt: skip
values = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.text(st.characters(categories=("Cs", "Nd", "No", "Nl", "Cc", "Zs")), max_size=10),
    st.integers().map(str),
    st.floats().map(str),
)
requests = st.sampled_from(sorted(ENDPOINTS)).flatmap(
    lambda path: st.tuples(
        st.just(path),
        st.dictionaries(st.sampled_from(ENDPOINTS[path] or ("x",)), values, max_size=6),
    )
)


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(request=requests)
def test_no_query_parameter_on_any_endpoint_gets_a_5xx(member_client, request):
    path, params = request
    response = get(member_client, path, params)
    assert response.status_code < 500, (path, params, response.status_code)
    if path.startswith("/api/") and response.status_code >= 400:
        body = response.json()
        assert body["code"] and body["message"], body
