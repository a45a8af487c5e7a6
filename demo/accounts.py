"""Demo accounts: residents living near the demo markets, plus one admin.

Every demo account shares ``DEMO_PASSWORD`` (documented for the demo; never use it for real
data). Homes are real road-name addresses close to demo markets in each city, with the point the
address geocodes to. Re-seeding creates missing accounts and refreshes profile fields of existing
ones, but never touches a password a user may have changed since.
"""

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from accounts.models import User
from common.geo import split_region

DEMO_PASSWORD = "gonggu-demo-1234"
DEMO_ADMIN_EMAIL = "admin@gonggu.kr"
DEMO_ADMIN_NICKNAME = "공구관리자"


@dataclass(frozen=True)
class DemoUser:
    email: str
    nickname: str
    city: str
    address: str
    lat: float
    lng: float


DEMO_USERS: tuple[DemoUser, ...] = (
    # 서울: 합정(홈플러스 월드컵·이마트 마포), 사당(코스트코·하나로 양재), 성동(이마트 성수·왕십리),
    # 송파(롯데마트 잠실)
    DemoUser(
        "demo1@gonggu.kr", "합정동살림꾼", "서울", "서울특별시 마포구 독막로 2", 37.5485, 126.9136
    ),
    DemoUser(
        "demo2@gonggu.kr",
        "사당동알뜰맘",
        "서울",
        "서울특별시 동작구 사당로27길 130",
        37.4898,
        126.9729,
    ),
    DemoUser(
        "demo3@gonggu.kr",
        "성수동공구왕",
        "서울",
        "서울특별시 성동구 고산자로 270",
        37.5634,
        127.0369,
    ),
    DemoUser(
        "demo4@gonggu.kr", "잠실나눔이", "서울", "서울특별시 송파구 올림픽로 326", 37.5145, 127.1059
    ),
    # 부산: 서면(트레이더스·롯데 부산본점), 해운대(이마트 해운대·센텀), 수영(코스트코 부산)
    DemoUser(
        "demo5@gonggu.kr",
        "서면장보기",
        "부산",
        "부산광역시 부산진구 시민공원로 30",
        35.1630,
        129.0530,
    ),
    DemoUser(
        "demo6@gonggu.kr",
        "해운대갈매기",
        "부산",
        "부산광역시 해운대구 중동2로 11",
        35.1631,
        129.1635,
    ),
    DemoUser(
        "demo7@gonggu.kr",
        "광안리알뜰이",
        "부산",
        "부산광역시 수영구 남천동로 100",
        35.1456,
        129.1131,
    ),
    # 대구: 중구(현대·롯데 대구), 북구(이마트 칠성·코스트코 대구), 수성구(이마트 만촌)
    DemoUser(
        "demo8@gonggu.kr", "동성로공구러", "대구", "대구광역시 중구 공평로 88", 35.8693, 128.6062
    ),
    DemoUser(
        "demo9@gonggu.kr", "칠성시장단골", "대구", "대구광역시 북구 옥산로 65", 35.8858, 128.5828
    ),
    DemoUser(
        "demo10@gonggu.kr",
        "범어동새댁",
        "대구",
        "대구광역시 수성구 동대구로 251",
        35.8529,
        128.6247,
    ),
    # 대전: 둔산(갤러리아·롯데 대전), 유성(대전신세계)
    DemoUser(
        "demo11@gonggu.kr",
        "둔산동살림왕",
        "대전",
        "대전광역시 서구 둔산서로 100",
        36.3554,
        127.3837,
    ),
    DemoUser(
        "demo12@gonggu.kr",
        "유성온천나들이",
        "대전",
        "대전광역시 유성구 대학로 211",
        36.3623,
        127.3562,
    ),
)


def demo_logins() -> list[dict[str, str]]:
    """The demo logins as shown to whoever runs the demo (email, nickname, city, password)."""
    rows = [
        {"email": u.email, "nickname": u.nickname, "city": u.city, "password": DEMO_PASSWORD}
        for u in DEMO_USERS
    ]
    rows.append(
        {
            "email": DEMO_ADMIN_EMAIL,
            "nickname": DEMO_ADMIN_NICKNAME,
            "city": "관리자",
            "password": DEMO_PASSWORD,
        }
    )
    return rows


def _profile(spec: DemoUser) -> dict[str, object]:
    sido, sigungu = split_region(spec.address)
    return {
        "nickname": spec.nickname,
        "address": spec.address,
        "lat": spec.lat,
        "lng": spec.lng,
        "sido": sido,
        "sigungu": sigungu,
    }


def seed_demo_users() -> tuple[int, int]:
    """Create missing demo accounts and refresh existing profiles; returns (created, updated)."""
    wanted: list[tuple[str, dict[str, object]]] = [
        (spec.email, _profile(spec) | {"is_staff": False, "is_superuser": False})
        for spec in DEMO_USERS
    ]
    wanted.append(
        (
            DEMO_ADMIN_EMAIL,
            {"nickname": DEMO_ADMIN_NICKNAME, "is_staff": True, "is_superuser": True},
        )
    )
    created = updated = 0
    # PBKDF2 is slow on purpose: hash the shared password once, only if someone needs it.
    password_hash: str | None = None
    with transaction.atomic():
        existing = {user.email: user for user in User.objects.filter(email__in=dict(wanted))}
        for email, fields in wanted:
            user = existing.get(email)
            if user is None:
                password_hash = password_hash or make_password(DEMO_PASSWORD)
                User.objects.create(email=email, password=password_hash, **fields)
                created += 1
                continue
            changed = [name for name, value in fields.items() if getattr(user, name) != value]
            for name in changed:
                setattr(user, name, fields[name])
            if changed:
                user.save(update_fields=changed)
            updated += 1
    return created, updated
