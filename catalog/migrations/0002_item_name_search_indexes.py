"""Index-backed Korean substring search on PostgreSQL (no-op on SQLite).

- pg_trgm GIN index on UPPER(name), which Django's icontains compares: serves '%q%'
  for queries of 3+ characters.
- GIN index on gonggu_grams(name) (1- and 2-character grams): serves 1-2 character queries,
  which trigrams cannot, through array containment.
"""

from django.db import migrations

from common.migrations_sql import postgresql_only

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """
    CREATE OR REPLACE FUNCTION gonggu_grams(t text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT coalesce(array_agg(DISTINCT g), '{}'::text[]) FROM (
            SELECT substr(lower(t), i, 1) AS g FROM generate_series(1, char_length(t)) AS i
            UNION ALL
            SELECT substr(lower(t), i, 2) FROM generate_series(1, char_length(t) - 1) AS i
        ) AS grams
    $$
    """,
    "CREATE INDEX IF NOT EXISTS catalog_item_name_trgm ON catalog_item "
    "USING gin ((upper(name::text)) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS catalog_item_name_grams ON catalog_item "
    "USING gin (gonggu_grams(name))",
]
BACKWARD = [
    "DROP INDEX IF EXISTS catalog_item_name_grams",
    "DROP INDEX IF EXISTS catalog_item_name_trgm",
    "DROP FUNCTION IF EXISTS gonggu_grams(text)",
]


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [postgresql_only(FORWARD, BACKWARD)]
