"""Demo accounts: residents living near the demo markets, plus one admin.

Every demo account shares ``DEMO_PASSWORD`` (documented for the demo; never use it for real
data). Homes are real road-name addresses close to demo markets in each city, with the point the
address geocodes to. Re-seeding creates missing accounts and refreshes profile fields of existing
ones, but never touches a password a user may have changed since.

The residents are ``data/users.json`` (UTF-8): a list of objects with email, nickname, city,
address, lat and lng, plus ``near``, the demo markets that home was chosen for.
"""

import json
from dataclasses import dataclass
from pathlib import Path

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


_DATA_FILE = Path(__file__).parent / "data" / "users.json"


def _load_users(path: Path) -> tuple[DemoUser, ...]:
    """One ``DemoUser`` per JSON object, in file order; ``near`` is for readers only."""
    return tuple(
        DemoUser(
            email=row["email"],
            nickname=row["nickname"],
            city=row["city"],
            address=row["address"],
            lat=float(row["lat"]),
            lng=float(row["lng"]),
        )
        for row in json.loads(path.read_text(encoding="utf-8-sig"))
    )


DEMO_USERS: tuple[DemoUser, ...] = _load_users(_DATA_FILE)


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
