"""Actions (common.events): the outbox keeps each event's action, a notification is one per
recipient and action; and each resident's notification settings."""

import datetime

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def action_of_old_notifications(apps, schema_editor) -> None:
    # Before actions, every event stood alone: its own action.
    Notification = apps.get_model("notifications", "Notification")
    Notification.objects.update(action_id=models.F("event_id"))


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_event_reactions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="outboxevent",
            name="action_id",
            field=models.BigIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="notification",
            name="action_id",
            field=models.BigIntegerField(null=True, verbose_name="행동 id"),
        ),
        migrations.RunPython(action_of_old_notifications, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="notification",
            name="action_id",
            field=models.BigIntegerField(verbose_name="행동 id"),
        ),
        migrations.RemoveConstraint(
            model_name="notification",
            name="notification_once_per_event",
        ),
        migrations.AddConstraint(
            model_name="notification",
            constraint=models.UniqueConstraint(
                fields=("user", "action_id"), name="notification_once_per_action"
            ),
        ),
        migrations.CreateModel(
            name="NotificationPreference",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "muted_groups",
                    models.JSONField(blank=True, default=list, verbose_name="끈 알림"),
                ),
                (
                    "quiet_hours",
                    models.BooleanField(default=True, verbose_name="방해 금지 시간 사용"),
                ),
                (
                    "quiet_start",
                    models.TimeField(default=datetime.time(22, 0), verbose_name="방해 금지 시작"),
                ),
                (
                    "quiet_end",
                    models.TimeField(default=datetime.time(8, 0), verbose_name="방해 금지 끝"),
                ),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="바꾼 때")),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notification_preference",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="사용자",
                    ),
                ),
            ],
            options={"verbose_name": "알림 설정", "verbose_name_plural": "알림 설정"},
        ),
    ]
