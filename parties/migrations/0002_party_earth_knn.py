"""PostgreSQL only: each party's position as a unit vector (a 3-D ``cube``), kept by the
database, with a GiST index over recruiting parties for nearest-first (KNN) scans.

The straight-line (chord) distance between unit vectors grows with the great-circle
distance, so ordering by the cube distance ``<->`` is ordering by Haversine distance, and
the index can hand out parties nearest first and stop after a page. SQLite has no cube
type; there the selector keeps the bounding box and the Haversine term.
"""

from django.contrib.postgres.operations import CreateExtension
from django.db import migrations

from common.migrations_sql import postgresql_only

EARTH_VECTOR = (
    "cube(ARRAY[cos(radians(lat)) * cos(radians(lng)), "
    "cos(radians(lat)) * sin(radians(lng)), sin(radians(lat))])"
)
FORWARD = [
    f"ALTER TABLE parties_party ADD COLUMN earth cube GENERATED ALWAYS AS ({EARTH_VECTOR}) STORED",
    "CREATE INDEX party_recruiting_earth_idx ON parties_party USING gist (earth) "
    "WHERE status = 'recruiting'",
]
BACKWARD = [
    "DROP INDEX IF EXISTS party_recruiting_earth_idx",
    "ALTER TABLE parties_party DROP COLUMN IF EXISTS earth",
]


class Migration(migrations.Migration):
    dependencies = [("parties", "0001_initial")]

    operations = [
        CreateExtension("cube"),
        postgresql_only(FORWARD, BACKWARD),
    ]
