"""``manage.py seed_demo``: load the demo markets, catalog and accounts (idempotent)."""

import unicodedata

from django.core.management.base import BaseCommand

from demo.accounts import demo_logins, seed_demo_users
from demo.catalog import seed_demo_catalog
from demo.markets import seed_demo_markets
from demo.parties import seed_demo_parties


def _width(text: str) -> int:
    # Hangul is double width in a terminal: count it twice so the table columns line up.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def format_table(headers: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(_width(cell) for cell in column) for column in zip(headers, *rows, strict=False)]
    lines = ["  ".join(_pad(cell, w) for cell, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(_pad(c, w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return lines


class Command(BaseCommand):
    help = (
        "Load demo markets, catalog items and accounts. Safe to run again: nothing is duplicated."
    )

    def handle(self, *args, **options) -> None:
        results = [
            ("마트", seed_demo_markets()),
            ("품목", seed_demo_catalog()),
            ("회원", seed_demo_users()),
        ]
        parties_created, parties_kept = seed_demo_parties()
        self.stdout.write("데모 데이터를 불러왔습니다.")
        for label, (created, updated) in results:
            self.stdout.write(f"  {label}: 새로 만듦 {created}, 갱신 {updated}")
        self.stdout.write(f"  파티: 새로 만듦 {parties_created}, 모집 중 유지 {parties_kept}")
        self.stdout.write("")
        self.stdout.write("데모 로그인 (비밀번호는 모두 같습니다):")
        logins = demo_logins()
        table = format_table(
            ["이메일", "닉네임", "지역", "비밀번호"],
            [[row["email"], row["nickname"], row["city"], row["password"]] for row in logins],
        )
        for line in table:
            self.stdout.write("  " + line)
