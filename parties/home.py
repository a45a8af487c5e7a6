"""The home page: recruiting parties near a point (the user's home, their current location
or a chosen district), as a list and a map."""

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.selectors import category_list, item_get
from common.errors import DomainError
from common.geo import format_distance_km
from common.params import parse_page, parse_point, parse_positive_int, parse_text
from markets.districts import DISTRICTS
from parties.selectors import party_nearby
from parties.views import decorate_parties

PAGE_SIZE = 20


@dataclass
class ListPage:
    """A page of a list that is not counted (nearest first), with what the pager reads."""

    number: int
    object_list: list
    has_next: bool
    paginator = None

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


RADIUS_CHOICES = (5, 10, 20, 50)
# The areas a visitor without a location can pick: the districts of these cities.
AREA_CITIES = {
    "서울특별시": gettext_lazy("서울"),
    "부산광역시": gettext_lazy("부산"),
    "대구광역시": gettext_lazy("대구"),
    "대전광역시": gettext_lazy("대전"),
}
AREAS = {f"{d.sido} {d.sigungu}": d for d in DISTRICTS if d.sido in AREA_CITIES and d.sigungu}


def _area_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    return [
        (str(label), [(key, d.sigungu) for key, d in AREAS.items() if d.sido == sido])
        for sido, label in AREA_CITIES.items()
    ]


def _area_label(key: str) -> str:
    district = AREAS[key]
    return f"{AREA_CITIES[district.sido]} {district.sigungu}"


def _category_options() -> list:
    """Depth-1 categories, each followed by its depth-2 children (for an indented select)."""
    children: dict = {}
    for category in category_list(max_depth=2):
        children.setdefault(category.parent_id, []).append(category)
    return [c for top in children.get(None, []) for c in (top, *children.get(top.pk, []))]


def _map_data(point, parties, *, approximate: bool) -> dict:
    return {
        "point": {"lat": point.lat, "lng": point.lng, "radius_km": point.radius_km},
        "parties": [
            {
                "id": p.pk,
                "title": p.title,
                "lat": p.lat,
                "lng": p.lng,
                "url": reverse("parties:detail", args=[p.pk]),
                "market": p.market.name,
                "item": p.item.name,
                "distance": format_distance_km(p.distance_km, approximate=approximate),
                "share": _("1인당 %(price)s원") % {"price": f"{p.share_price:,}"},
                "members": _("%(n)d/%(cap)d명") % {"n": p.member_count, "cap": p.capacity},
            }
            for p in parties
        ],
    }


def home(request: HttpRequest) -> HttpResponse:
    """Nearby parties around a point: ``?lat=&lng=`` (geolocation or a chosen area), else the
    user's home, else a prompt to choose one."""
    params = request.GET
    user = request.user
    area = params.get("area", "")
    has_point = params.get("lat", "") != "" or params.get("lng", "") != ""
    if area in AREAS and not has_point:
        # Choosing an area (works without JavaScript) lands on its coordinates.
        query = params.copy()
        query.pop("page", None)
        query["lat"], query["lng"] = f"{AREAS[area].lat}", f"{AREAS[area].lng}"
        return redirect(f"{reverse('home')}?{query.urlencode()}")

    errors = []
    point, source = None, None
    try:
        if has_point:
            point = parse_point(params)
            source = "area" if area in AREAS else "here"
        elif user.is_authenticated and user.has_home:
            query = params.copy()
            query["lat"], query["lng"] = f"{user.lat}", f"{user.lng}"
            point, source = parse_point(query), "home"
    except DomainError as error:
        errors.append(error.message)

    item, item_id, category_id, q, number = None, None, None, "", 1
    try:
        item_id = parse_positive_int(params, "item")
        category_id = parse_positive_int(params, "category")
        q = parse_text(params, "q", max_length=50)
        number = parse_page(params)
        if item_id is not None:
            item = item_get(item_id=item_id)
    except DomainError as error:
        errors.append(error.message)

    page = None
    if point is not None:
        parties = party_nearby(
            point=point,
            item_id=item_id,
            category_id=category_id,
            q=q,
            offset=(number - 1) * PAGE_SIZE,
            limit=PAGE_SIZE + 1,  # one more tells whether a next page exists
        )
        page = ListPage(
            number=number,
            object_list=decorate_parties(parties[:PAGE_SIZE]),
            has_next=len(parties) > PAGE_SIZE,
        )

    where = {
        "home": _("우리 집"),
        "here": _("현재 위치"),
        "area": _area_label(area) if area in AREAS else "",
    }.get(source or "", "")
    radius_km = point.radius_km if point else 10
    # Measured from a home that is only its district's centre: distances are rough.
    distance_approximate = source == "home" and bool(getattr(user, "location_approximate", False))
    return render(
        request,
        "home.html",
        {
            "point": point,
            "source": source,
            "where": where,
            "distance_approximate": distance_approximate,
            "area": area if area in AREAS else "",
            "errors": errors,
            "page": page,
            "q": q,
            "item": item,
            "category_id": category_id,
            "categories": _category_options(),
            "radius_km": int(radius_km) if float(radius_km).is_integer() else radius_km,
            "radius_choices": RADIUS_CHOICES,
            "area_groups": _area_groups(),
            "map_data": (
                _map_data(point, page.object_list, approximate=distance_approximate)
                if page is not None
                else None
            ),
        },
        status=400 if errors else 200,
    )
