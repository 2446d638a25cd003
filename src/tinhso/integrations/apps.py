from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    """The outside systems' adapters, and the commands that run their simulators."""

    name = "tinhso.integrations"
    label = "integrations"
