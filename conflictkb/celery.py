"""The Celery application; tasks live in the apps' ``tasks`` modules."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conflictkb.settings")

app = Celery("conflictkb")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
