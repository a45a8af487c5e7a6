"""Demo catalog: items that residents typically split after a bulk buy at a Korean mart.

Categories form a three-level tree (대분류 > 중분류 > 소분류) keyed by their path. Item keys
(``demo-0001`` …) follow the order of ``DEMO_CATALOG``: append new items at the end of a leaf
list or add new leaves at the end, never reorder, so keys stay stable across runs.

The tree is ``data/catalog.json`` (UTF-8): 대분류 > 중분류 > 소분류 objects whose leaves are
lists of ``[품목명, 제조사]`` pairs, in file order; 제조사 is "" for fresh produce.
"""

import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from catalog.models import Category, Item, ItemSource, category_key, category_path

ITEM_KEY_PREFIX = "demo-"

_DATA_FILE = Path(__file__).parent / "data" / "catalog.json"


def _unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    """``json`` hook: a repeated 분류 name would silently drop items, so refuse it."""
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError(f"demo catalog: repeated key among {keys}")
    return dict(pairs)


def _load_catalog(path: Path) -> tuple[tuple[str, str, str, tuple[tuple[str, str], ...]], ...]:
    """Flatten the ``{대분류: {중분류: {소분류: [[품목명, 제조사], ...]}}}`` tree, in file order."""
    tree = json.loads(path.read_text(encoding="utf-8-sig"), object_pairs_hook=_unique_keys)
    return tuple(
        (top, middle, leaf, tuple((name, maker) for name, maker in entries))
        for top, middles in tree.items()
        for middle, leaves in middles.items()
        for leaf, entries in leaves.items()
    )


# (대분류, 중분류, 소분류, ((품목명, 제조사), ...))
DEMO_CATALOG: tuple[tuple[str, str, str, tuple[tuple[str, str], ...]], ...] = _load_catalog(
    _DATA_FILE
)


@dataclass(frozen=True)
class DemoItem:
    source_key: str
    name: str
    maker: str
    barcode: str
    category_key: str


def ean13_check_digit(first12: str) -> str:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return str((10 - total % 10) % 10)


def demo_barcode(number: int) -> str:
    """A checksum-valid 880… EAN-13 built from the item number, for packaged goods.

    These are demo codes, not the products' real barcodes: they only give scanners and the
    barcode field realistic data to work with.
    """
    first12 = f"8800000{number:05d}"
    return first12 + ean13_check_digit(first12)


def demo_items() -> list[DemoItem]:
    items: list[DemoItem] = []
    for top, middle, leaf, entries in DEMO_CATALOG:
        for name, maker in entries:
            number = len(items) + 1
            items.append(
                DemoItem(
                    source_key=f"{ITEM_KEY_PREFIX}{number:04d}",
                    name=name,
                    maker=maker,
                    # Fresh produce has no manufacturer barcode; packaged goods do.
                    barcode=demo_barcode(number) if maker else "",
                    category_key=category_key(top, middle, leaf),
                )
            )
    return items


def demo_category_paths() -> list[tuple[str, ...]]:
    """Every category path, parents before children, each once."""
    paths: dict[tuple[str, ...], None] = {}
    for top, middle, leaf, _entries in DEMO_CATALOG:
        paths.setdefault((top,))
        paths.setdefault((top, middle))
        paths.setdefault((top, middle, leaf))
    return sorted(paths, key=len)


def _upsert_categories() -> dict[str, int]:
    """Upsert the category tree level by level; returns key -> id."""
    ids: dict[str, int] = {}
    paths = demo_category_paths()
    for depth in range(1, Category.MAX_DEPTH + 1):
        level = [path for path in paths if len(path) == depth]
        rows = [
            Category(
                source=ItemSource.DEMO,
                key=category_key(*path),
                name=path[-1],
                depth=depth,
                parent_id=ids[category_key(*path[:-1])] if depth > 1 else None,
            )
            for path in level
        ]
        Category.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["source", "key"],
            update_fields=["name", "depth", "parent"],
        )
        # Re-read ids: not every backend returns primary keys for upserted rows.
        ids.update(
            Category.objects.filter(
                source=ItemSource.DEMO, key__in=[row.key for row in rows]
            ).values_list("key", "id")
        )
    return ids


def _demo_item(spec: DemoItem, category_id: int) -> Item:
    item = Item(
        source=ItemSource.DEMO,
        source_key=spec.source_key,
        name=spec.name,
        maker=spec.maker,
        barcode=spec.barcode,
        category_id=category_id,
    )
    item.set_search_document(category_path(spec.category_key))
    return item


def seed_demo_catalog() -> tuple[int, int]:
    """Insert or refresh the demo categories and items; returns (items created, updated)."""
    specs = demo_items()
    with transaction.atomic():
        category_ids = _upsert_categories()
        existing = set(
            Item.objects.filter(
                source=ItemSource.DEMO, source_key__in=[spec.source_key for spec in specs]
            ).values_list("source_key", flat=True)
        )
        Item.objects.bulk_create(
            [_demo_item(spec, category_ids[spec.category_key]) for spec in specs],
            update_conflicts=True,
            unique_fields=["source", "source_key"],
            update_fields=[
                "name",
                "maker",
                "barcode",
                "category",
                *Item.SEARCH_FIELDS,
                "updated_at",
            ],
        )
    return len(specs) - len(existing), len(existing)
