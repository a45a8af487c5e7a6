"""Admin wording for third-party apps that a catalogue cannot reach (the rest is in
``locale/ko/LC_MESSAGES/django.po``): django-celery-beat names ``PeriodicTask.task`` with a
plain string ('Task Name', no gettext), which its schedules' pages show in the list of tasks
using the schedule, so the schedules are registered again with that list labelled in Korean;
its admin's own columns ("Scheduler", "Crontab translation", "Human readable") have no
gettext either, so they are named again here; django-axes has no app name at all (the admin
index showed "Axes")."""

from django.apps import apps
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_celery_beat import admin as beat_admin
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)


class PeriodicTaskInline(beat_admin.PeriodicTaskInline):
    fields = ("name", "task_name", "args", "kwargs")
    readonly_fields = fields

    @admin.display(description=_("작업 이름"))
    def task_name(self, task: PeriodicTask) -> str:
        return task.task


class TaskNameFilter(admin.AllValuesFieldListFilter):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.title = _("작업 이름")


class PeriodicTaskAdmin(beat_admin.PeriodicTaskAdmin):
    list_display = (
        "name",
        "enabled",
        "schedule",
        "interval",
        "start_time",
        "last_run_at",
        "one_off",
    )
    list_filter = ["enabled", "one_off", ("task", TaskNameFilter), "start_time", "last_run_at"]

    @admin.display(description=_("일정"))
    def schedule(self, task: PeriodicTask) -> object:
        return task.scheduler

    @admin.display(description=_("크론 일정 풀이"))
    def crontab_translation(self, task: PeriodicTask) -> str:
        return super().crontab_translation(task)


class CrontabScheduleAdmin(beat_admin.CrontabScheduleAdmin):
    inlines = [PeriodicTaskInline]

    @admin.display(description=_("풀이"))
    def human_readable(self, schedule: CrontabSchedule) -> str:
        return schedule.human_readable


admin.site.unregister(PeriodicTask)
admin.site.register(PeriodicTask, PeriodicTaskAdmin)
admin.site.unregister(CrontabSchedule)
admin.site.register(CrontabSchedule, CrontabScheduleAdmin)
for model, model_admin in (
    (ClockedSchedule, beat_admin.ClockedScheduleAdmin),
    (SolarSchedule, beat_admin.SolarScheduleAdmin),
    (IntervalSchedule, beat_admin.IntervalScheduleAdmin),
):
    admin.site.unregister(model)
    admin.site.register(
        model, type(model_admin.__name__, (model_admin,), {"inlines": [PeriodicTaskInline]})
    )

# A label only (app names are not in migrations); set here, once the registry is ready.
apps.get_app_config("axes").verbose_name = _("로그인 시도 제한")
