"""A leader in a real browser enters a 民主测评 score and a 一票否决 for an employee and sees the 德
score and grade change, with every input shown; the database holds both entries and the audit.
Screenshots at 1366×768 and 375×812."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.dbcopy import query
from tests.e2e.conftest import SCREENSHOTS, SERVER_FILES

TIMEOUT = 30_000
EMP = "E011"


def pick(page, container, label: str, text: str) -> None:
    """Choose the option containing ``text`` in the Streamlit selectbox ``label`` inside ``container``."""
    box = container.get_by_role("combobox", name=label)
    box.scroll_into_view_if_needed()
    box.click()
    box.fill(text)  # the list is virtual: filter it, then take the first match
    expect(page.get_by_role("option").filter(has_text=text).first).to_be_visible(timeout=TIMEOUT)
    box.press("Enter")


def detail(page):
    return page.get_by_test_id("stMarkdownContainer").filter(has_text="考核指标").filter(has_text="德得分").last


def test_leader_enters_a_score_and_a_veto(server, browser):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    page.goto(server)
    page.get_by_label("用户名").fill("leader")
    page.get_by_label("密码").fill("mingde-demo")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text("退出登录")).to_be_attached(timeout=TIMEOUT)
    page.goto(f"{server}/moral")
    expect(page.get_by_role("heading", name="德的考核（职业道德）")).to_be_visible(timeout=TIMEOUT)

    pick(page, page, "查看某位职工的各项输入", EMP)
    expect(detail(page)).to_contain_text("一票否决：无", timeout=TIMEOUT)
    expect(detail(page)).to_contain_text("民主测评 —")
    before = detail(page).inner_text()

    score_form = page.get_by_test_id("stForm").filter(has_text="录入民主测评")
    pick(page, score_form, "职工", EMP)
    score_form.get_by_label("民主测评得分（0–100）").fill("100")
    score_form.get_by_role("button", name="保存测评得分").click()
    expect(detail(page)).to_contain_text("民主测评 100（权重 30%）", timeout=TIMEOUT)
    after_score = detail(page).inner_text()
    assert after_score != before  # the 德 score moved

    veto_form = page.get_by_test_id("stForm").filter(has_text="登记一票否决")
    pick(page, veto_form, "职工", EMP)
    veto_form.get_by_label("否决原因").fill("违反廉洁纪律")
    veto_form.get_by_label("依据（如处分决定文号）").fill("纪发〔2026〕3号")
    veto_form.get_by_role("button", name="登记一票否决").click()
    expect(detail(page)).to_contain_text("一票否决：有（违反廉洁纪律；依据：纪发〔2026〕3号）", timeout=TIMEOUT)
    expect(detail(page)).to_contain_text("等次 不合格")
    detail(page).scroll_into_view_if_needed()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "moral_desktop.png"))
    page.set_viewport_size({"width": 375, "height": 812})
    detail(page).scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "moral_phone.png"))
    context.close()

    db = SERVER_FILES["db"]
    score = query(db, "SELECT score, entered_by FROM democratic_scores WHERE employee_id = ?", (EMP,))
    veto = query(db, "SELECT reason, reference, entered_by FROM vetoes WHERE employee_id = ?", (EMP,))
    audit = {r[0] for r in query(db, "SELECT action FROM audit_log WHERE action LIKE 'de.%'")}
    assert score == [(100.0, "leader")]
    assert veto == [("违反廉洁纪律", "纪发〔2026〕3号", "leader")]
    assert audit == {"de.score", "de.veto"}
