"""The synonym table: its seed file, and the word → group map every search reads (cached).

``data/synonyms.csv`` (UTF-8) holds one group a line: ``words`` separated by ``|`` and the
``source`` the group was taken from (a mart's category names, the 표준국어대사전, …). It seeds
the ``SynonymGroup``/``SynonymWord`` tables (migration 0008, ``manage.py load_synonyms``);
from then on the admin is where the table is edited.

The map is small (a few hundred words) and read by every search, so it is cached (Redis in
services mode) and dropped whenever a group changes (``catalog.services``). Searches never
fail because of the cache: when it is unreachable the map comes from the database (logged).
"""

import csv
import logging
from dataclasses import dataclass
from pathlib import Path

from django.core.cache import cache

from catalog.text import normalize

logger = logging.getLogger(__name__)

SYNONYM_FILE = Path(__file__).parent / "data" / "synonyms.csv"
# The key names the stored shape: a cache written by an older release is not misread.
CACHE_KEY = "catalog:synonym_map:v1"
CACHE_TTL_SECONDS = 3600

SynonymMap = dict[str, tuple[str, ...]]


class SynonymFileError(ValueError):
    pass


@dataclass(frozen=True)
class SeedGroup:
    words: tuple[str, ...]
    source: str


def read_synonym_file(path: Path = SYNONYM_FILE) -> list[SeedGroup]:
    """The groups of a synonym file, words normalised; refuses a word in two groups, a group
    of fewer than two words, or a missing column, naming the line."""
    groups: list[SeedGroup] = []
    seen: dict[str, int] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or not {"words", "source"} <= set(reader.fieldnames):
            raise SynonymFileError(f"{path.name}: the header must be 'words,source'")
        for line, row in enumerate(reader, start=2):
            words = tuple(dict.fromkeys(w for w in map(normalize, row["words"].split("|")) if w))
            if len(words) < 2:
                raise SynonymFileError(f"{path.name}:{line}: a group needs two words or more")
            for word in words:
                if word in seen:
                    raise SynonymFileError(
                        f"{path.name}:{line}: '{word}' is already in the group on line {seen[word]}"
                    )
                seen[word] = line
            groups.append(SeedGroup(words=words, source=row["source"].strip()))
    return groups


def build_map(groups: list[list[str]]) -> SynonymMap:
    """word → the other words of its group."""
    found: SynonymMap = {}
    for words in groups:
        for word in words:
            found[word] = tuple(other for other in words if other != word)
    return found


def cached_map() -> SynonymMap | None:
    try:
        value = cache.get(CACHE_KEY)
    except Exception:
        logger.warning("synonym cache unreachable; reading the database", exc_info=True)
        return None
    return value if isinstance(value, dict) else None


def store_map(value: SynonymMap) -> None:
    try:
        cache.set(CACHE_KEY, value, timeout=CACHE_TTL_SECONDS)
    except Exception:
        logger.warning("synonym cache unreachable; not cached", exc_info=True)


def forget_map() -> None:
    try:
        cache.delete(CACHE_KEY)
    except Exception:
        logger.warning("synonym cache unreachable; searches may use old synonyms", exc_info=True)
