"""The name's own grams in every item's ``search_grams`` (tagged, ``catalog.text``), and a
B-tree on (name, id): together they let a broad search read the items it shows, not every
item it finds (``catalog.selectors.item_search_page``)."""

import importlib

from django.db import migrations, models

# The same fill as migration 0008's (each item's document by ``catalog.text.document``, in
# batches): run again, the documents now hold the name's own grams.
refill_documents = importlib.import_module(
    "catalog.migrations.0008_search_fill_and_index"
).fill_documents


class Migration(migrations.Migration):
    dependencies = [("catalog", "0008_search_fill_and_index")]

    operations = [
        migrations.AddIndex(
            model_name="item",
            index=models.Index(fields=["name", "id"], name="catalog_item_name_id"),
        ),
        migrations.RunPython(refill_documents, migrations.RunPython.noop),
    ]
