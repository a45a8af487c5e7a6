"""The banks a leader can be paid at: a vocabulary in ``data/banks.csv`` (code, the name
residents read, the name 토스's send link expects)."""

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

BANKS_CSV = Path(__file__).with_name("data") / "banks.csv"


@dataclass(frozen=True)
class Bank:
    code: str
    name: str
    toss_name: str


@cache
def banks() -> dict[str, Bank]:
    with BANKS_CSV.open(encoding="utf-8") as rows:
        return {row["code"]: Bank(**row) for row in csv.DictReader(rows)}


def bank_choices() -> list[tuple[str, str]]:
    return [(bank.code, bank.name) for bank in banks().values()]
