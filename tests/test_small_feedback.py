"""Review #20: the early 标记为已学完 reply shows above the button (a phone's tab bar covers what is
below it), and 交卷 with a marked (标记) question asks first."""

from __future__ import annotations

from tests.test_app import app, start
from tests.test_app import env as env  # noqa: F401 (the fixture)


def _order(at) -> list[str]:
    """The main area's elements in page order, as (type) strings with their text."""
    out = []

    def walk(node):
        for child in getattr(node, "children", {}).values():
            kind = getattr(child, "type", "")
            text = str(getattr(child, "label", "") or getattr(child, "value", "") or "")
            out.append(f"{kind}:{text}")
            walk(child)

    walk(at.main)
    return out


def test_too_early_reply_is_above_the_button(env):
    at = app(env, "zhang", "ui/pages/learn.py", lesson="basics")
    at.button(key="complete").click().run()
    order = _order(at)
    warning = next(i for i, e in enumerate(order) if "请再认真阅读" in e)
    button = next(i for i, e in enumerate(order) if e.startswith("button:") and "标记为已学完" in e)
    assert warning < button, order


def test_submit_with_a_marked_question_reminds_first(env):
    at, attempt_id = start(env)
    for key, value in (("s1", "A"), ("c1", "A"), ("t1", True)):
        at.radio(key=f"{attempt_id}:{key}").set_value(value).run()
    at.checkbox(key=f"{attempt_id}:m1:0").check().run()
    at.text_input(key=f"{attempt_id}:f1:0").input("预防为主").run()
    at.button(key=f"mark:{attempt_id}:s1").click().run()
    at.button(key="submit").click().run()
    assert env.attempt(attempt_id)["submitted_at"] is None  # everything answered, but one is marked
    assert [w.value for w in at.warning] == ["你标记了 1 题待检查（第 1 题）。确认交卷吗？"]
    at.button(key="submit_anyway").click().run()
    assert env.attempt(attempt_id)["submitted_at"] is not None
