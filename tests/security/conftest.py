"""The small province of the dossier tests (two departments, a commune, a published
procedure, staff of every role, two citizens), shared by the security tests."""

from tinhso.dossiers.tests.conftest import make_dossier, province  # noqa: F401
