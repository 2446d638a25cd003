"""Load scenarios of the one-stop engine's API (locust, headless; see bench/README.md).

Each class is one scenario; `bench/run.sh` runs them one after another. Users authenticate
with Django sessions made by bench/prepare.py (the portal's own log-in), so no request pays
for Argon2. Fixtures come from the JSON file named by BENCH_FIXTURES.
"""

# ruff: noqa: S311  (random picks load data, not secrets)

import json
import os
import random
import time
import uuid

from locust import FastHttpUser, between, constant, task

with open(os.environ.get("BENCH_FIXTURES", "var/bench/fixtures.json"), encoding="utf-8") as fh:
    FIXTURES = json.load(fh)

API = "/api/v1/dossiers/"
THINK = float(os.environ.get("BENCH_THINK", "0"))  # seconds between a user's requests
# Paced runs (run.sh PACED): each user sends this many requests per second on average, so the
# scenario runs at a fixed rate below saturation and its latency is service time, not queue.
USER_RATE = float(os.environ.get("BENCH_USER_RATE", "0"))


def poisson_throughput(rate: float):
    """Requests started at random: the time from one start to the next is exponential with
    mean 1/rate, less the time the answer took. Officials act independently; with a fixed
    period (locust's constant_throughput) the 8 users, spawned together, stay in step and
    their requests arrive 8 at a time, which measures the burst, not the service (5M
    dossiers, same code and hour: lookup p95 50 ms in step, 15 ms at random)."""

    def wait_time(user) -> float:
        now = time.monotonic()
        due = getattr(user, "_due", now) + random.expovariate(rate)
        user._due = max(due, now)  # behind (a slow answer): start now, no catching up
        return user._due - now

    return wait_time


def _headers(session: str) -> dict:
    csrf = FIXTURES["csrf"]
    return {"Cookie": f"sessionid={session}; csrftoken={csrf}", "X-CSRFToken": csrf,
            "Accept": "application/json"}


def _applicant(who: dict) -> dict:
    """The signed-in citizen themself (a citizen files for no one else)."""
    return {"kind": "citizen", "name": who["name"], "id_number": who["personal_id"],
            "phone": f"09{random.randint(0, 99_999_999):08d}",
            "email": "", "address": "Phường Tiên Cát, Việt Trì"}


class _Base(FastHttpUser):
    abstract = True
    wait_time = (poisson_throughput(USER_RATE) if USER_RATE
                 else constant(THINK) if THINK else between(0, 0))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The session cookie is sent by hand; locust's cookie jar would replace the header.
        self.client.client.cookiejar = None


class Submission(_Base):
    """Online submission by an applicant, with component metadata and an Idempotency-Key."""

    def on_start(self):
        self.who = random.choice(FIXTURES["applicants"])
        self.session = self.who["session"]

    @task
    def submit(self):
        target = random.choice(FIXTURES["submittable"])
        body = {"procedure": target["procedure"], "agency": target["agency"],
                **({"case": target["case"]} if target.get("case") else {}),
                "applicant": _applicant(self.who),
                # Every paper from the applicant's own e-data store.
                "components": [{**c, "reused_from": self.who["paper"]}
                               for c in target["components"]]}
        headers = {**_headers(self.session), "Idempotency-Key": uuid.uuid4().hex}
        with self.client.post(API, json=body, headers=headers, name="submit",
                              catch_response=True) as resp:
            if resp.status_code != 201:
                resp.failure(f"{resp.status_code}: {resp.text[:200]}")


class _Official(_Base):
    abstract = True

    def on_start(self):
        self.official = random.choice(FIXTURES["officials"])
        self.headers = _headers(self.official["session"])

    def _get(self, path: str, name: str):
        with self.client.get(path, headers=self.headers, name=name,
                             catch_response=True) as resp:
            if resp.status_code != 200:
                resp.failure(f"{resp.status_code}: {resp.text[:200]}")

    def lookup(self):
        self._get(f"{API}{random.choice(self.official['codes'])}/", "lookup by code")

    def worklist(self):
        bucket = random.choice(["due_soon", "overdue"])
        self._get(f"{API}worklist/?bucket={bucket}", f"worklist {bucket}")

    def search_id(self):
        self._get(f"{API}?q={random.choice(self.official['id_numbers'])}",
                  "search by applicant id")

    def search_name(self):
        self._get(f"{API}?q={random.choice(self.official['names'])}",
                  "search by applicant name")

    def search_folded(self):
        self._get(f"{API}?q={random.choice(self.official['folded_names'])}",
                  "search by name without diacritics")

    def search_fragment(self):
        self._get(f"{API}?q={random.choice(self.official['fragments'])}",
                  "search by a common fragment")


class Lookup(_Official):
    @task
    def by_code(self):
        self.lookup()


class Worklist(_Official):
    @task
    def mine(self):
        self.worklist()


class Search(_Official):
    @task(3)
    def by_id(self):
        self.search_id()

    @task(1)
    def by_name(self):
        self.search_name()


class FoldedSearch(_Official):
    """Whole names typed without diacritics (paced only: the closed-loop scenarios keep the
    mix their earlier reports were measured with)."""

    @task
    def by_folded_name(self):
        self.search_folded()


class FragmentSearch(_Official):
    """A family name or a code's day: thousands of matches in a busy agency (paced only)."""

    @task
    def by_fragment(self):
        self.search_fragment()


class MixedOfficial(_Official):
    """A desk's day: look dossiers up, check the queues, search applicants."""

    weight = 3

    @task(5)
    def by_code(self):
        self.lookup()

    @task(3)
    def queues(self):
        self.worklist()

    @task(2)
    def search(self):
        self.search_id()

    @task(1)
    def search_by_name(self):
        self.search_name()


class MixedApplicant(Submission):
    """Applicants filing while officials work (weight: one in four users)."""

    weight = 1
