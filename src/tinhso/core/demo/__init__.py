"""The demo province (Phú Thọ): its agencies, one-stop desks and staff accounts."""

from .data import PHU_THO, DemoProvince
from .loader import DEFAULT_DEMO_PASSWORD, DemoResult, demo_password, load_demo_province

__all__ = [
    "DEFAULT_DEMO_PASSWORD", "PHU_THO", "DemoProvince", "DemoResult", "demo_password",
    "load_demo_province",
]
