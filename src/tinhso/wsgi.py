import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tinhso.settings")
application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018 - load every view module now, not on the first request
# What is loaded by now (Django, the apps, their views) lives as long as the worker. Left to
# the collector, every full collection walks it all again: 100 to 150 ms inside whichever
# request triggered it (measured on the dashboard's first read after a refresh).
gc.freeze()
