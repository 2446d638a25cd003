"""An SMS sender for the crash tests: slow enough to be killed mid-send, and countable."""

import os
import time


class FileSmsSender:
    def send(self, phone: str, text: str, *, key: str = "") -> None:
        time.sleep(float(os.environ.get("CRASH_SMS_DELAY", "0.05")))
        with open(os.environ["CRASH_SMS_LOG"], "a", encoding="utf-8") as fh:
            fh.write(text.replace("\n", " ") + "\n")
