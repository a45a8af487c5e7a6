"""The weekly import in django-celery-beat's tables (editable in admin): Mondays 04:00 Seoul,
as the original scheduled it."""

from django.db import migrations

TASK_NAME = "catalog: weekly item import"


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="4", day_of_week="1", day_of_month="*", month_of_year="*",
        timezone="Asia/Seoul",
    )  # fmt: skip
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={"task": "catalog.import_items", "crontab": crontab, "enabled": True},
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0004_importrun"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
