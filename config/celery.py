"""Celery app. In embedded mode (no RABBITMQ_URL) tasks run eagerly in-process."""

import os

from celery import Celery

from common.metrics import count_celery_task_outcomes

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("gonggu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
count_celery_task_outcomes()  # gonggu_celery_tasks_total, by task and outcome
