"""/dev/mail/: what the demo's mail sink received (mounted only with the demo provider on)."""

from django.conf import settings
from django.shortcuts import render

from . import mailsink


def mailbox(request):
    return render(request, "notify/mailbox.html", {
        "messages_received": mailsink.messages(settings.TINHSO_MAIL_SINK_DIR),
        "folder": settings.TINHSO_MAIL_SINK_DIR,
    })
