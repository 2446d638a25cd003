# The dossier tests' small province and dossier maker serve the notification tests too.
from tinhso.dossiers.tests.conftest import make_dossier, province  # noqa: F401
