"""Serve Apache ECharts from the copy bundled in the `instaui-echarts` PyPI package, without
importing it.

The package ships ECharts' own ES-module build (`echarts.esm.min.js`, one self-contained file,
Apache-2.0) and needs only jinja2, orjson and pydantic: a few MB where `panel`, used before
for the same file, brought bokeh, pandas and numpy (~280 MB). `django-static-echarts`, the
obvious candidate, publishes wheels without any ECharts file in them.

Enable with this entry in settings.STATICFILES_FINDERS (next to Django's two defaults):
    "tinhso.metrics.staticfinders.EChartsFinder"
The file is then `{% static 'echarts/echarts.esm.min.js' %}` (dashboard.js imports it) and
`collectstatic` copies it.
"""

import importlib.util
from functools import cache
from pathlib import Path

from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import Warning as CheckWarning
from django.core.files.storage import FileSystemStorage

PACKAGE = "instaui_echarts"
STATIC_PATH = "echarts/echarts.esm.min.js"
BUNDLED = Path("static/echarts.esm.min.js")


@cache
def echarts_file() -> Path | None:
    spec = importlib.util.find_spec(PACKAGE)  # locates the package; does not run it
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / BUNDLED
    return path if path.is_file() else None


class EChartsFinder(BaseFinder):
    def check(self, **kwargs):
        if echarts_file() is None:
            return [CheckWarning("Không tìm thấy ECharts trong gói instaui-echarts; biểu đồ sẽ "
                                 "không hiện.", id="metrics.W001")]
        return []

    def find(self, path, find_all=False, **kwargs):
        found = echarts_file() if path == STATIC_PATH else None
        if found is None:
            return [] if find_all else None
        return [str(found)] if find_all else str(found)

    def list(self, ignore_patterns):
        found = echarts_file()
        if found is not None:
            storage = FileSystemStorage(location=str(found.parent))
            storage.prefix = "echarts"
            yield found.name, storage
