"""Where the send task lived before notify took over sending (tinhso.notify.tasks).

Sends queued before the move name `tinhso.dossiers.tasks.send_notification` in the task
table; the worker imports that path, so it still leads to the task. Remove this module once
no queued task names it.
"""

from tinhso.notify.tasks import send_notification  # noqa: F401
