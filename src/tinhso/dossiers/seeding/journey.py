"""One simulated dossier: its facts and its life, moved only through `transitions.apply`.

The life is planned in processing working time from receipt (the clock the index judges) and
turned into instants by the work calendar; supplement pauses shift everything after them.
Whatever would happen after `now` does not happen, so recent dossiers stay open.
"""

from __future__ import annotations

import contextlib
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from ..assignment import STEP_OPEN
from ..models import Channel, Dossier, Payment, SyncState
from ..models import Status as S
from ..transitions import Action, Change, apply, statutory_time
from .catalogue import AgencyPlan, Offering, Province, Terms, is_online_capable

REFUSE_REASONS = ("Hồ sơ không thuộc thẩm quyền giải quyết của cơ quan.",
                  "Thành phần hồ sơ không đúng quy định, đề nghị nộp lại.",
                  "Thông tin chủ hồ sơ không khớp với Cơ sở dữ liệu quốc gia về dân cư.")
SUPPLEMENT_REASONS = ("Bổ sung bản sao giấy tờ chứng minh quyền sử dụng đất.",
                      "Tờ khai chưa ghi đủ thông tin, đề nghị kê khai lại.",
                      "Bổ sung bản vẽ thiết kế có chữ ký của đơn vị tư vấn.",
                      "Ảnh chụp giấy tờ không rõ nét, đề nghị tải lại.",
                      "Bổ sung văn bản ủy quyền có chứng thực.")
WITHDRAW_NOTE = "Công dân đề nghị rút hồ sơ."
STOP_NOTE = "Dừng xử lý do hồ sơ không đủ điều kiện giải quyết theo quy định."
UNANSWERED_NOTE = "Quá thời hạn bổ sung, công dân không bổ sung hồ sơ."
GENERIC_COMPONENT = "Đơn đề nghị (theo mẫu)"
GENERIC_RESULT = "Văn bản giải quyết thủ tục hành chính"


_FIELDS = Dossier._meta.concrete_fields
_POSITION = {f.attname: i for i, f in enumerate(_FIELDS)}
_DEFAULTS = [f.get_default() for f in _FIELDS]


def _new_dossier(**values) -> Dossier:
    """Dossier(**values), through the model's faster positional path."""
    row = _DEFAULTS.copy()
    for name, value in values.items():
        row[_POSITION[name]] = value
    return Dossier(*row)


class _Cutoff(Exception):
    """The next action would happen after `now`."""


@dataclass(slots=True)
class Journey:
    dossier: Dossier
    day: date
    agency_code: str
    events: list = field(default_factory=list)  # (Change, actor name, note, step id)
    # component_id, name, digitised, reused from, is supplement, added at
    components: list = field(default_factory=list)
    supplements: list = field(default_factory=list)  # [requested, reasons, resolved, paused s]
    results: list = field(default_factory=list)  # name, number, electronic, issued
    payments: list = field(default_factory=list)  # amount, method, paid


def _secs(delta: timedelta) -> timedelta:
    return timedelta(seconds=int(delta.total_seconds()))


def _hours(h: float) -> timedelta:
    return timedelta(seconds=round(h * 3600))


class Simulator:
    def __init__(self, province: Province, cal, now: datetime):
        self.province, self.cal, self.now = province, cal, now
        self._turns: dict[tuple[int, str], int] = {}

    def choose(self, rng: random.Random) -> tuple[AgencyPlan, Offering, int]:
        agency = self.province.pick(rng)
        offering = agency.pick(rng)
        online_share = 0.93 if offering.online_level == "full" else 0.88
        if is_online_capable(offering) and rng.random() < online_share:
            channel = Channel.ONLINE
        else:
            channel = Channel.DESK if rng.random() < 0.8 else Channel.POSTAL
        return agency, offering, channel

    def journey(self, rng: random.Random, agency: AgencyPlan, off: Offering, channel: int,
                submitted_at: datetime, day: date) -> Journey:
        filing = off.terms(rng, channel, day)
        j = Journey(self._dossier(rng, agency, off, filing, channel, submitted_at), day,
                    agency.code)
        self._components(rng, j, filing)
        with contextlib.suppress(_Cutoff):
            self._run(rng, j, agency, off)
        self._assign(j, off)
        self._sync(rng, j)
        return j

    def _assign(self, j: Journey, off: Offering) -> None:
        """An open step gets a real official of its role, in turns per agency and role (no
        draw from the RNG: the seeded dossiers stay those of the seed), as lifecycle's
        default would; nobody holding the role leaves it in the unit's queue."""
        d = j.dossier
        if d.status not in STEP_OPEN or d.current_step_id is None:
            return
        role = next((s.role for s in off.steps if s.id == d.current_step_id), "")
        holders = self.province.holders.get((d.current_agency_id, role))
        if not holders:
            return
        key = (d.current_agency_id, role)
        turn = self._turns[key] = self._turns.get(key, -1) + 1
        opened = next(change for change, *_rest in reversed(j.events)
                      if change.action in (Action.START, Action.FORWARD))
        (d.assignee_id, name), d.assigned_at = holders[turn % len(holders)], opened.at
        opened.data.update(assignee_id=d.assignee_id, assignee_name=name)

    # --- facts at submission ------------------------------------------------------------
    def _dossier(self, rng, agency, off, filing, channel, at) -> Dossier:
        people = self.province.people
        who = people.organisation(rng) if rng.random() < 0.12 else people.citizen(rng)
        citizen = who.kind == "citizen"
        online = channel == Channel.ONLINE
        return _new_dossier(
            procedure_id=off.procedure_id, procedure_version_id=off.version_id,
            case_id=filing.case_id, processing_time=filing.time[0], time_unit=filing.time[1],
            agency_id=agency.id, current_agency_id=agency.id, applicant_kind=who.kind,
            applicant_name=who.name, applicant_id_number=who.id_number,
            applicant_phone=who.phone, applicant_email=who.email,
            applicant_address=who.address, channel=channel,
            is_full_online=online and off.online_level == "full" and rng.random() < 0.95,
            submitted_at=at, fees_owed=filing.fees,
            used_population_db=citizen and rng.random() < (
                0.92 if off.uses_population_data else 0.3),
            vneid_verified=online and rng.random() < (0.96 if citizen else 0.6),
        )

    def _components(self, rng, j: Journey, filing: Terms) -> None:
        d = j.dossier
        online = d.channel == Channel.ONLINE
        papers = filing.components or ((None, GENERIC_COMPONENT, True, ""),)
        for cid, name, required, kind in papers:
            if not required and rng.random() < 0.6:
                continue
            reused = ""
            if rng.random() < (0.6 if kind else 0.12):
                reused = f"KDL.{rng.randrange(10**10):010d}"
            digitised = bool(reused) or rng.random() < (0.97 if online else 0.85)
            j.components.append((cid, name, digitised, reused, False, d.submitted_at))
            d.has_digitized_components |= digitised
            d.reused_papers |= bool(reused)

    # --- life ---------------------------------------------------------------------------
    def _do(self, j: Journey, action: str, at: datetime, actor: str, note: str = "",
            **kwargs) -> Change:
        if at > self.now:
            raise _Cutoff
        step = j.dossier.current_step_id
        change = apply(j.dossier, action, at, self.cal, **kwargs)
        # Like lifecycle: an event belongs to the step the dossier was at.
        j.events.append((change, actor, note, change.step_id or step))
        return change

    def _pay(self, rng, j: Journey, at: datetime, amount: int, online: bool) -> None:
        method = (Payment.Method.NATIONAL_PORTAL if rng.random() < 0.6
                  else Payment.Method.PROVINCE_GATEWAY) if online else Payment.Method.DESK
        change = self._do(j, Action.RECORD_PAYMENT, at, j.dossier.applicant_name,
                          amount=amount, online=online)
        change.data["method"] = int(method)  # the writer adds the reference
        j.payments.append((amount, method, at))

    def _run(self, rng, j: Journey, agency: AgencyPlan, off: Offering) -> None:
        d, cal, add = j.dossier, self.cal, self.cal.add_working_time
        official = lambda: rng.choice(agency.officials)  # noqa: E731
        t0, online = d.submitted_at, d.channel == Channel.ONLINE
        j.events.append((Change(Action.SUBMIT, t0, None, S.SUBMITTED, d.current_agency_id),
                         d.applicant_name, "", None))
        fees = d.fees_owed  # of the case and channel filed
        upfront = fees > 0 and rng.random() < 0.7
        if upfront:  # paid while submitting, before intake
            self._pay(rng, j, t0 + timedelta(seconds=rng.randint(60, 600)), fees,
                      online or rng.random() < 0.25)
        if d.channel == Channel.DESK:
            t = add(t0, _hours(rng.uniform(0.25, 0.7)))
        elif online:
            t = add(t0, _hours(rng.uniform(0.25, 10)))
        else:
            t = add(t0, _hours(rng.uniform(3, 20)))
        r = rng.random()
        if r < 0.02:
            self._do(j, Action.REFUSE, t, official(), rng.choice(REFUSE_REASONS))
            return
        if r < 0.0215:
            self._do(j, Action.WITHDRAW, t, d.applicant_name, WITHDRAW_NOTE)
            return
        self._do(j, Action.RECEIVE, t, official(), time=statutory_time(d))
        received = t
        # A procedure that states no time has no due date: work takes a notional ten days.
        total = cal.working_time_between(received, d.due_at or cal.add_working_days(t, 10))
        late = rng.random() > agency.on_time
        if late:
            work = _secs(total * rng.uniform(1.03, 1.5) + _hours(rng.uniform(0.5, 8)))
        else:
            work = _secs(total * rng.uniform(0.3, 0.97))
        shift = timedelta(0)
        extra = rng.randrange(100, 5000) * 1000 if fees and rng.random() < 0.08 else 0
        for offset, _prio, kind in self._plan(rng, work, off, fees, upfront, extra):
            at = add(received, offset + shift)
            if kind in (Action.START, Action.FORWARD):
                self._do(j, kind, at, official(), steps=off.steps)
            elif kind == Action.REQUEST_SUPPLEMENT:
                paused = self._supplement(rng, j, at, official())
                if paused is None:
                    return
                shift += paused
            elif kind == Action.REQUEST_PAYMENT:  # an obligation assessed on the way
                self._do(j, kind, at, official(), amount=extra)
            elif kind in ("pay_fees", "pay_extra"):
                self._pay(rng, j, at, fees if kind == "pay_fees" else extra,
                          rng.random() < (0.9 if online else 0.35))
            elif kind in (Action.WITHDRAW, Action.STOP):
                who = d.applicant_name if kind == Action.WITHDRAW else official()
                self._do(j, kind, at, who, WITHDRAW_NOTE if kind == Action.WITHDRAW
                         else STOP_NOTE)
                return
            else:
                self._finish(rng, j, off, at, official())
        self._hand_back(rng, j, late, official())

    def _plan(self, rng, work: timedelta, off: Offering, fees: int, upfront: bool, extra: int):
        """Milestones as (processing offset, priority at equal offsets, action)."""
        start = _secs(work * 0.03)
        shares = [float(s.share) for s in off.steps]
        whole = sum(shares) or len(shares)
        plan, cum = [(start, 0, Action.START)], start
        for share in shares[:-1]:
            cum += _secs((work - start) * (share / whole))
            plan.append((cum, 0, Action.FORWARD))
        last, last_len = cum, work - cum
        plan.append((work, 9, Action.FINISH))
        r = rng.random()
        for _i in range(2 if r < 0.015 else 1 if r < 0.115 else 0):
            plan.append((_secs(start + (last + last_len / 2 - start) * rng.random()), 1,
                         Action.REQUEST_SUPPLEMENT))
        if fees and not upfront:  # fees paid when the result is nearly ready
            plan.append((_secs(last + last_len * 0.55), 2, "pay_fees"))
        if extra:
            plan.append((_secs(last + last_len * 0.6), 3, Action.REQUEST_PAYMENT))
            plan.append((_secs(last + last_len * 0.85), 4, "pay_extra"))
        r = rng.random()
        if r < 0.004:
            plan.append((_secs(work * rng.random()), 5,
                         Action.WITHDRAW if r < 0.0025 else Action.STOP))
        plan.sort(key=lambda m: (m[0], m[1]))
        return plan

    def _supplement(self, rng, j: Journey, at: datetime, official: str) -> timedelta | None:
        """Request, then the applicant's answer; None when the dossier ended meanwhile."""
        d, add = j.dossier, self.cal.add_working_time
        reason = rng.choice(SUPPLEMENT_REASONS)
        self._do(j, Action.REQUEST_SUPPLEMENT, at, official, reason)
        request = [at, reason, None, 0]
        j.supplements.append(request)
        if rng.random() < 0.03:  # never answered: stopped after the waiting time
            # As lifecycle does, the request stays unresolved; the dossier keeps the pause.
            self._do(j, Action.STOP, add(at, _hours(15 * 8)), official, UNANSWERED_NOTE)
            return None
        back = add(at, _hours(rng.uniform(2, 60)))
        change = self._do(j, Action.SUPPLEMENT, back, d.applicant_name)
        request[2], request[3] = back, change.data["paused_seconds"]
        j.components.append((None, f"Bổ sung: {reason}", rng.random() < 0.95, "", True, back))
        return timedelta(seconds=request[3])

    def _finish(self, rng, j: Journey, off: Offering, at: datetime, official: str) -> None:
        results = [(name, f"{rng.randint(1, 9999)}/{at:%Y}/KQ",
                    rng.random() < (0.96 if electronic else 0.6), at)
                   for name, electronic in off.results or ((GENERIC_RESULT, True),)]
        change = self._do(j, Action.FINISH, at, official)
        change.data["results"] = len(results)
        j.results.extend(results)
        j.dossier.has_electronic_result = any(r[2] for r in results)

    def _hand_back(self, rng, j: Journey, late: bool, official: str) -> None:
        d, add = j.dossier, self.cal.add_working_time
        finished = d.finished_at
        if d.channel == Channel.ONLINE and d.has_electronic_result:
            at = add(finished, _hours(rng.uniform(0.02, 1)))
        elif rng.random() < 0.9:
            at = add(finished, _hours(rng.uniform(1, 24)))
        else:
            at = add(finished, _hours(rng.uniform(16, 80)))
        self._do(j, Action.RETURN_RESULT, at, official)
        if rng.random() < 0.75:
            weights = (40, 30, 18, 8, 4) if late else (72, 20, 6, 1.5, 0.5)
            rating = rng.choices((5, 4, 3, 2, 1), weights)[0]
            self._do(j, Action.RATE, at + timedelta(seconds=rng.randint(60, 172_800)),
                     d.applicant_name, rating=rating)

    def _sync(self, rng, j: Journey) -> None:
        d = j.dossier
        d.lock_version = len(j.events) - 1
        last = j.events[-1][0].at
        r = rng.random()
        if last + timedelta(minutes=15) > self.now or r >= 0.99:
            d.sync_state = SyncState.PENDING
        elif r < 0.98:
            d.sync_state = SyncState.SYNCED
            d.synced_at = last + timedelta(seconds=rng.randint(30, 900))
        else:
            d.sync_state = SyncState.FAILED
        # The e-data store took most finished dossiers' papers and results (component 5.5).
        # Derived from r, not drawn: another draw would change every dossier seeded after.
        done = d.finished_at or d.returned_at
        if (done and (d.has_electronic_result or d.has_digitized_components)
                and done + timedelta(minutes=15) <= self.now and (r * 1000) % 1 < 0.95):
            d.edata_synced_at = done + timedelta(seconds=60 + int(r * 1e7) % 3600)
