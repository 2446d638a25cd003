
from tinhso.dossiers.tests.conftest import make_dossier, province  # noqa: F401


