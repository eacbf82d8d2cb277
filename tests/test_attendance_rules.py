"""The attendance rules as tables: status from times, minutes attended, code expiry, waitlist
promotion, proxy flags and the spot-check draw."""

from __future__ import annotations

import datetime as dt

import pytest

from tracker import attendance as rules

T0 = dt.datetime(2026, 12, 10, 6, 30, tzinfo=dt.UTC)  # 14:30 in Shanghai
END = T0 + dt.timedelta(hours=2)


def m(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


@pytest.mark.parametrize(
    "check_in, late_after, status",
    [
        (m(-20), 600, "present"),
        (m(0), 600, "present"),
        (m(10), 600, "present"),  # exactly at the threshold: still on time
        (m(10) + dt.timedelta(seconds=1), 600, "late"),
        (m(90), 600, "late"),
        (m(1), 0, "late"),
        (m(14), 900, "present"),
    ],
)
def test_status_from_times(check_in, late_after, status):
    assert rules.checkin_status(check_in, T0, late_after) == status


@pytest.mark.parametrize(
    "check_in, check_out, minutes",
    [
        (m(-15), None, 120),  # early, no check-out: the whole session
        (m(0), m(60), 60),
        (m(25), None, 95),  # late: from the check-in
        (m(25), m(100), 75),
        (m(-30), m(200), 120),  # capped by the session
        (m(30), m(20), 0),  # a check-out before the check-in counts nothing
        (m(130), None, 0),  # after the end
        (m(0), m(0.9), 0),  # whole minutes
    ],
)
def test_minutes_attended(check_in, check_out, minutes):
    assert rules.minutes_attended(check_in, check_out, T0, END) == minutes


SECRET = b"test-secret"


@pytest.mark.parametrize(
    "made_at_offset_s, scanned_at_offset_s, problem",
    [
        (0, 0, None),
        (0, 19, None),  # same slot
        (0, 25, None),  # the next slot: still good
        (0, 45, "expired"),  # two slots later
        (0, 600, "expired"),
        (40, 0, "forged"),  # from the future
    ],
)
def test_code_expiry(made_at_offset_s, scanned_at_offset_s, problem):
    base = dt.datetime(2026, 12, 10, 6, 30, 0, tzinfo=dt.UTC)  # a slot boundary for 20 s slots
    assert rules.slot_of(base) * 20 == base.timestamp()
    code = rules.make_code(SECRET, "talk", "s1", rules.slot_of(base + dt.timedelta(seconds=made_at_offset_s)))
    check = rules.check_code(SECRET, code, base + dt.timedelta(seconds=scanned_at_offset_s))
    assert check.problem == problem
    assert (check.event_id, check.session_id) == ("talk", "s1")


@pytest.mark.parametrize(
    "code",
    ["", "talk.s1.1.abc", "talk.s1.x.abc", "a.b.c", "talk.s2.{slot}.{sig}", "other.s1.{slot}.{sig}"],
)
def test_forged_codes(code):
    now = dt.datetime(2026, 12, 10, 6, 30, tzinfo=dt.UTC)
    good = rules.make_code(SECRET, "talk", "s1", rules.slot_of(now))
    slot, sig = good.split(".")[2:]
    assert rules.check_code(SECRET, code.format(slot=slot, sig=sig), now).problem == "forged"
    assert rules.check_code(b"another key", good, now).problem == "forged"


@pytest.mark.parametrize(
    "rows, capacity, promoted",
    [
        ([("a", "signed"), ("b", "waitlist"), ("c", "waitlist")], 2, ["b"]),
        ([("a", "signed"), ("b", "signed"), ("c", "waitlist")], 2, []),
        ([("b", "waitlist"), ("c", "waitlist")], 3, ["b", "c"]),
        ([("a", "signed"), ("c", "waitlist"), ("b", "waitlist")], 3, ["c", "b"]),  # sign-up order
        ([("a", "waitlist")], None, ["a"]),
        ([("a", "signed"), ("b", "signed"), ("c", "waitlist")], 1, []),  # over capacity: nobody
    ],
)
def test_waitlist_promotion(rows, capacity, promoted):
    assert rules.promotions(rows, capacity) == promoted


@pytest.mark.parametrize(
    "signed, capacity, status", [(0, 1, "signed"), (1, 1, "waitlist"), (5, None, "signed"), (59, 60, "signed")]
)
def test_signup_status(signed, capacity, status):
    assert rules.signup_status(signed, capacity) == status


@pytest.mark.parametrize(
    "checkins, flagged",
    [
        ([("a", "d1", m(0)), ("b", "d1", m(1)), ("c", "d1", m(2))], {"a", "b", "c"}),
        ([("a", "d1", m(0)), ("b", "d1", m(1)), ("c", "d1", m(9))], set()),  # spread over 9 minutes
        ([("a", "d1", m(0)), ("b", "d2", m(1)), ("c", "d3", m(2))], set()),
        ([("a", "d1", m(0)), ("a", "d1", m(1)), ("b", "d1", m(2))], set()),  # two people only
        ([("a", None, m(0)), ("b", None, m(0)), ("c", None, m(0))], set()),  # no device: roll call
        ([("x", "d9", m(0)), ("a", "d1", m(10)), ("b", "d1", m(12)), ("c", "d1", m(14)), ("d", "d1", m(30))], {"a", "b", "c"}),
    ],
)
def test_proxy_flags(checkins, flagged):
    assert set(rules.proxy_flags(checkins)) == flagged


def test_spot_check_is_a_reproducible_sample():
    ids = [f"E{i:03d}" for i in range(40)]
    pick = rules.spot_check(ids, 5, seed=7)
    assert len(pick) == 5 and set(pick) <= set(ids)
    assert rules.spot_check(list(reversed(ids)), 5, seed=7) == pick
    assert rules.spot_check(ids[:3], 5, seed=7) == ids[:3]
