"""Relevance over the demo catalog: does the search find what residents mean, first?

``relevance.json`` holds everyday queries with the items a resident would accept
(``accept``) and those that would be a sensible first result (``top``). Measured: recall@20
(the share of acceptable items — at most 20 — among the first 20 results, averaged over
queries) and top-1 accuracy (the first result is a sensible one). Targets: 95 % and 85 %;
the figures are in docs/benchmarks.md (`pytest catalog/tests/test_relevance.py -s` prints
them with every miss).
"""

import json
from pathlib import Path

import pytest

from catalog.selectors import item_search
from demo.catalog import seed_demo_catalog

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("synonym_table")]

CASES = json.loads((Path(__file__).parent / "relevance.json").read_text(encoding="utf-8"))
RECALL_TARGET, TOP1_TARGET = 0.95, 0.85


def measure() -> tuple[float, float, list[str]]:
    recalls, firsts, misses = [], [], []
    for case in CASES:
        results = [item.name for item in item_search(q=case["query"])[:20]]
        accept = set(case["accept"])
        recall = len(accept & set(results)) / min(len(accept), 20)
        first_ok = bool(results) and results[0] in case["top"]
        recalls.append(recall)
        firsts.append(first_ok)
        if recall < 1 or not first_ok:
            missing = sorted(accept - set(results))
            misses.append(
                f"{case['query']!r}: recall {recall:.2f}, first {results[:1]}"
                + (f", missing {missing}" if missing else "")
            )
    return sum(recalls) / len(recalls), sum(firsts) / len(firsts), misses


def test_the_relevance_set_is_large_and_names_real_items():
    seed_demo_catalog()
    from catalog.models import Item

    names = set(Item.objects.values_list("name", flat=True))
    assert len(CASES) >= 60
    for case in CASES:
        assert case["top"] and set(case["top"]) <= set(case["accept"]) <= names, case["query"]


def test_everyday_queries_find_what_residents_mean_first():
    seed_demo_catalog()
    recall, top1, misses = measure()
    print(f"\nrelevance over {len(CASES)} queries: recall@20 {recall:.1%}, top-1 {top1:.1%}")
    print("\n".join(misses))
    assert recall >= RECALL_TARGET, misses
    assert top1 >= TOP1_TARGET, misses
