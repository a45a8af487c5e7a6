"""Scratch PostgreSQL databases for the benchmarks: never the app's, the tests' or a template."""

from urllib.parse import urlparse, urlunparse


def check_scratch_name(database_url: str) -> str:
    name = urlparse(database_url).path.lstrip("/")
    if not name or name in {"gonggu", "postgres"} or name.startswith(("test", "template")):
        raise SystemExit(f"refusing to use database {name!r}: pick a scratch name")
    return name


def ensure_database(database_url: str) -> None:
    """Create the scratch database if it does not exist (through the maintenance database)."""
    import psycopg
    from psycopg import sql

    name = check_scratch_name(database_url)
    maintenance = urlunparse(urlparse(database_url)._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
