"""Fill the search columns of existing items, seed the synonym table, and index the grams.

- Every item's search document (``catalog.text.document``), computed in Python in batches.
- The synonym groups of ``catalog/data/synonyms.csv``, when the table is empty.
- PostgreSQL: a GIN index on ``string_to_array(search_grams, ' ')`` (built-in C function: no
  per-row SQL function, which made the old gram index cost ~60 µs an insert, migration
  0006); the name's characters index goes, nothing searches it any more. The pg_trgm index on
  UPPER(name) stays for the admin's ``icontains``.
"""

from django.db import migrations

from catalog.synonyms import read_synonym_file
from catalog.text import document
from common.migrations_sql import postgresql_only

BATCH = 2000

FORWARD = [
    "CREATE INDEX IF NOT EXISTS catalog_item_search_grams ON catalog_item "
    "USING gin (string_to_array(search_grams, ' '))",
    "DROP INDEX IF EXISTS catalog_item_name_chars",
]
BACKWARD = [
    "DROP INDEX IF EXISTS catalog_item_search_grams",
    "CREATE INDEX IF NOT EXISTS catalog_item_name_chars ON catalog_item "
    "USING gin (string_to_array(lower(name::text), NULL))",
]


def fill_documents(apps, schema_editor) -> None:
    Item = apps.get_model("catalog", "Item")
    last = 0
    while True:
        batch = list(
            Item.objects.filter(pk__gt=last).select_related("category").order_by("pk")[:BATCH]
        )
        if not batch:
            return
        last = batch[-1].pk
        for item in batch:
            item.search_name, item.search_text, item.search_grams = document(
                name=item.name, maker=item.maker, categories=item.category.key.split(" > ")
            )
        Item.objects.bulk_update(batch, ["search_name", "search_text", "search_grams"])


def seed_synonyms(apps, schema_editor) -> None:
    SynonymGroup = apps.get_model("catalog", "SynonymGroup")
    SynonymWord = apps.get_model("catalog", "SynonymWord")
    if SynonymGroup.objects.exists():
        return
    for seed in read_synonym_file():
        group = SynonymGroup.objects.create(source=seed.source)
        SynonymWord.objects.bulk_create(SynonymWord(group=group, word=w) for w in seed.words)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0007_item_search_document")]

    operations = [
        migrations.RunPython(fill_documents, migrations.RunPython.noop),
        migrations.RunPython(seed_synonyms, migrations.RunPython.noop),
        postgresql_only(FORWARD, BACKWARD),
    ]
