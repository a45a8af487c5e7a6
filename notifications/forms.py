"""The notification settings form: one switch per group that can be switched off, and the
quiet hours (nothing pushed to devices between them; the inbox still gets everything)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.kinds import GROUPS, types_of
from notifications.models import NotificationPreference


class NotificationSettingsForm(forms.Form):
    quiet_hours = forms.BooleanField(
        label=_("방해 금지 시간에는 휴대폰으로 알리지 않기"), required=False
    )
    quiet_start = forms.TimeField(
        label=_("시작"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={
            "required": _("시작 시각을 골라 주세요."),
            "invalid": _("시각을 HH:MM으로 적어 주세요."),
        },
    )
    quiet_end = forms.TimeField(
        label=_("끝"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={
            "required": _("끝 시각을 골라 주세요."),
            "invalid": _("시각을 HH:MM으로 적어 주세요."),
        },
    )

    def __init__(self, *args: Any, preference: NotificationPreference, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "quiet_hours": preference.quiet_hours,
                "quiet_start": preference.quiet_start,
                "quiet_end": preference.quiet_end,
                **{
                    f"group_{group}": not set(types_of(group)) & set(preference.muted_types)
                    for group in GROUPS
                },
            },
        )
        super().__init__(*args, **kwargs)
        for group, spec in GROUPS.items():
            self.fields[f"group_{group}"] = forms.BooleanField(
                label=str(spec.label),  # built per request: the active language
                help_text=str(spec.help),
                required=False,
                disabled=not spec.switchable,  # always on: the initial value is kept
            )

    def group_fields(self) -> list[forms.BoundField]:
        return [self[f"group_{group}"] for group in GROUPS]

    def muted_types(self) -> list[str]:
        """Every type of each group switched off (a group is on when none of its types is
        off; the API can switch single types)."""
        return [
            event_type
            for group in GROUPS
            if not self.cleaned_data.get(f"group_{group}")
            for event_type in types_of(group)
        ]
