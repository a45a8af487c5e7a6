"""``manage.py load_synonyms [FILE] [--replace]``: store a synonym file's groups."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from catalog.services import synonyms_load
from catalog.synonyms import SYNONYM_FILE, SynonymFileError, read_synonym_file


class Command(BaseCommand):
    help = "Store the groups of a synonym CSV (words,source); words already stored stay put."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", nargs="?", default=str(SYNONYM_FILE))
        parser.add_argument(
            "--replace", action="store_true", help="empty the table first (admin edits are lost)"
        )

    def handle(self, *args, file: str, replace: bool, **options) -> None:
        try:
            groups = read_synonym_file(Path(file))
        except (OSError, SynonymFileError) as error:
            raise CommandError(str(error)) from error
        created = synonyms_load(groups=groups, replace=replace)
        self.stdout.write(f"{created} synonym groups stored ({len(groups)} in the file)")
