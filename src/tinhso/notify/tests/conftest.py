"""The small province of the dossier tests, for sending its notifications."""

from tinhso.dossiers.tests.conftest import make_dossier, province  # noqa: F401
