"""Notification settings per event type (the public contract, ``me/notification-settings``):
a group switched off becomes its types switched off."""

from django.db import migrations, models

# The groups of migration 0003 and their types (notifications.kinds at the time).
GROUP_TYPES = {
    "new_parties": ["party.created"],
    "my_parties": [
        "party.joined",
        "party.left",
        "party.closed",
        "party.cancelled",
        "party.withdrawn",
        "party.rescheduled",
        "chat.created",
    ],
    "reminders": ["party.meeting_reminder", "party.attendance_reminder"],
    "settlement": [
        "settlement.billed",
        "settlement.changed",
        "settlement.paid",
        "settlement.confirmed",
        "settlement.completed",
        "settlement.reminder",
    ],
    "questions": ["comment.created", "comment.replied"],
}


def groups_to_types(apps, schema_editor) -> None:
    Preference = apps.get_model("notifications", "NotificationPreference")
    for preference in Preference.objects.exclude(muted_types=[]):
        groups = preference.muted_types
        preference.muted_types = sorted(
            {event_type for group in groups for event_type in GROUP_TYPES.get(group, [])}
        )
        preference.save(update_fields=["muted_types"])


class Migration(migrations.Migration):
    dependencies = [("notifications", "0004_korean_field_labels")]

    operations = [
        migrations.RenameField(
            model_name="notificationpreference", old_name="muted_groups", new_name="muted_types"
        ),
        migrations.AlterField(
            model_name="notificationpreference",
            name="muted_types",
            field=models.JSONField(blank=True, default=list, verbose_name="끈 알림 종류"),
        ),
        migrations.RunPython(groups_to_types, migrations.RunPython.noop),
    ]
