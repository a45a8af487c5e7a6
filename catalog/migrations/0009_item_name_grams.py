"""The name's own grams in every item's ``search_grams`` (tagged, ``catalog.text``), and a
B-tree on (name, id): together they let a broad search read the items it shows, not every
item it finds (``catalog.selectors.item_search_page``)."""

from django.db import migrations, models

from catalog.text import document

BATCH = 2000


def refill_documents(apps, schema_editor) -> None:
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


class Migration(migrations.Migration):
    dependencies = [("catalog", "0008_search_fill_and_index")]

    operations = [
        migrations.AddIndex(
            model_name="item",
            index=models.Index(fields=["name", "id"], name="catalog_item_name_id"),
        ),
        migrations.RunPython(refill_documents, migrations.RunPython.noop),
    ]
