"""The event kind: starter events load, and each mistake is reported at its path:line."""

from __future__ import annotations

import pytest

from quizzes import load_catalog
from quizzes.publishing import check_upload, kind_of
from tests.conftest import CONTENT, SMALL_LESSON, write_files

LECTURE = """
id: talk
title: 廉洁自律专题讲座
kind: lecture
organizer: 局办公室
audience: everyone
credit_hours: 2
sessions:
  - date: 2026-12-10
    start: "14:30"
    end: "16:30"
    place: 三楼会议室
"""


def test_starter_events_load(starter_catalog):
    assert set(starter_catalog.events) == {"ethics-training-2026", "integrity-lecture-2026", "learning-team-exchange-2026"}
    training = starter_catalog.events["ethics-training-2026"]
    assert training.session_ids == ["day1", "day2", "day3"]
    assert [training.session_credit(s) for s in training.session_ids] == [4, 4, 4]
    assert training.sessions[0].minutes == 180
    assert training.late_after == 600
    assert not starter_catalog.errors


def test_a_lecture_defaults():
    from quizzes.events import Event
    from quizzes.source import parse_yaml
    from quizzes.validate import validate_source

    event = validate_source(parse_yaml(LECTURE, "talk.yaml"), Event)
    assert event.session_ids == ["s1"]
    assert event.session_credit("s1") == 2
    assert event.audience.includes({"id": "X", "department": "任何部门"})
    assert event.sessions[0].starts.isoformat() == "2026-12-10T14:30:00+08:00"


CASES = [
    # (text in LECTURE, replaced by, expected "line: field: message")
    ("kind: lecture", "kind: talk", "3: kind: Input should be 'training', 'lecture', 'exchange' or 'competition' (got 'talk')"),
    ('start: "14:30"', 'start: "25:00"', "9: sessions[0].start: '25:00' is not a time of day like 09:00"),
    ('end: "16:30"', 'end: "13:00"', "10: sessions[0].end: the session ends (13:00) before it starts (14:30)"),
    (
        "audience: everyone",
        "audience: {}",
        "5: audience.everyone: an audience is everyone, or lists departments, teams or employees",
    ),
    (
        "credit_hours: 2",
        "credit_hours: 2\ncapacity: 30",
        "7: capacity: a capacity needs signup: true (people sign up to take a place)",
    ),
    ("organizer: 局办公室", "organiser: 局办公室", "4: unknown key 'organiser' (did you mean 'organizer'?)"),
    (
        "kind: lecture",
        "kind: exchange\ncompetition: x",
        "4: competition: only an event of kind competition links a live competition",
    ),
]


@pytest.mark.parametrize("old, new, expected", CASES, ids=[c[1].split(":")[0] + str(i) for i, c in enumerate(CASES)])
def test_event_mistakes_are_located(make_content, old, new, expected):
    root = make_content({"events/talk.yaml": LECTURE.replace(old, new)})
    catalog = load_catalog(root)
    shown = [str(p).split("talk.yaml:", 1)[1] for p in catalog.errors]
    line, message = expected.split(": ", 1)
    assert any(s.startswith(f"{line}: ") and s.endswith(message) for s in shown), shown
    assert not catalog.events


def test_links_sessions_and_materials_are_checked(make_content):
    second = "  - date: 2026-12-10\n    start: '15:00'\n    end: '17:00'\n    place: 同一会议室\n"
    tail = "lesson: nowhere\nmaterials:\n  - {title: 讲义, file: ../secret.txt}\n  - {title: 日程, file: missing.pdf}\n"
    text = LECTURE.replace("kind: lecture", "kind: training") + second + tail

    def problems(text: str) -> list[str]:
        root = write_files(make_content({}), {"events/talk.yaml": text, "events/materials/notes.pdf": "%PDF"})
        return [str(p).split("talk.yaml:", 1)[1] for p in load_catalog(root).errors]

    assert problems(text) == [
        "18: materials[0].file: '../secret.txt' must be a file name under events/materials/ (no folders above it)"
    ]
    text = text.replace("../secret.txt", "notes.pdf")
    assert problems(text) == ["13: sessions[1].start: this session overlaps the one of 2026-12-10 14:30–16:30"]
    text = text.replace(second, second.replace("12-10", "12-11"))
    assert problems(text) == [
        "16: lesson: unknown lesson 'nowhere'",
        "19: materials[1].file: file not found: events/materials/missing.pdf",
    ]


def test_an_event_upload_is_checked_like_any_content(make_content):
    root = make_content({"lessons/basics.yaml": SMALL_LESSON})
    assert kind_of({"sessions": []}) == "event"
    check = check_upload(root, LECTURE, "talk.yaml")
    assert check.kind == "event" and check.ok, check.problems
    check = check_upload(root, LECTURE + "lesson: nowhere\n", "talk.yaml")
    assert [p.message for p in check.problems] == ["unknown lesson 'nowhere'"]


def test_the_starter_folder_has_no_stray_event_files():
    assert sorted(p.name for p in (CONTENT / "events").glob("*.yaml")) == [
        "ethics-training-2026.yaml",
        "integrity-lecture-2026.yaml",
        "learning-team-exchange-2026.yaml",
    ]


@pytest.mark.parametrize(
    ("typed", "title", "taken", "expected"),
    [
        ("integrity-2027", "廉洁讲座", set(), "integrity-2027"),  # a valid id is kept
        ("integrity-2027", "廉洁讲座", {"integrity-2027"}, "integrity-2027"),  # validation names the duplicate
        ("职业道德讲座12月", "", set(), "zhi-ye-dao-de-jiang-zuo-12-yue"),
        ("", "廉洁讲座", set(), "lian-jie-jiang-zuo"),
        ("", "廉洁讲座", {"lian-jie-jiang-zuo"}, "lian-jie-jiang-zuo-2"),
        ("Bad Id", "", set(), "bad-id"),
        ("", "", set(), "event"),
    ],
)
def test_a_new_event_id_is_made_from_what_was_typed_or_the_title(typed, title, taken, expected):
    from quizzes.events import new_event_id

    assert new_event_id(typed, title, taken) == expected
