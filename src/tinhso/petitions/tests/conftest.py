from tinhso.dossiers.tests.conftest import province  # noqa: F401
