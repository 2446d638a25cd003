"""Settings of the server and worker subprocesses that the crash-safety tests start.

The real settings, with an SMS sender that takes a moment and writes what it sent to a file,
so a killed worker is often caught in the middle of a send and every send can be counted.
"""

from tinhso.settings import *  # noqa: F403

TINHSO_SMS_BACKEND = "tests.crash_sms.FileSmsSender"
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
# The worker's sweep of lost sends takes any pending row at once (production: 15 minutes).
TINHSO_NOTIFY_STALE_SECONDS = 0
