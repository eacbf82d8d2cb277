"""An organizer authors in a real browser, an employee takes what was authored (issue 16).

The organizer imports an Excel bank (a real 404-row template), fixes one question in the question
editor, builds an exam with a window and a time limit from it for one department, previews it as an
employee (nothing recorded), publishes; an employee of that department sees it and takes it to the
end; an employee of another department does not see it. The database and the files are checked.
"""

from __future__ import annotations

import json
import re

import yaml
from playwright.sync_api import expect

from tests.conftest import DATA
from tests.dbcopy import query
from tests.e2e.conftest import SCREENSHOTS, SERVER_FILES

TIMEOUT = 30_000
XLSX = DATA / "import" / "question-bank-template-magicodes.xlsx"
BANK = "question-bank-template-magicodes"
EXAM = "e2e-annual-exam"
FIX = "端到端修正后的解析"
SIZES = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 375, "height": 812}}


def new_page(browser, server: str, username: str, size: str = "desktop"):
    context = browser.new_context(viewport=SIZES[size], locale="zh-CN")
    page = context.new_page()
    page.goto(server)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("mingde-demo")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text("退出登录")).to_be_attached(timeout=TIMEOUT)
    return context, page


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"authoring-{name}.png"), full_page=True)


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the Streamlit selectbox labelled ``label``."""
    box = page.get_by_role("combobox", name=label, exact=True)
    box.click()
    page.keyboard.type(option)  # long lists are virtualised: filter first
    page.get_by_role("option", name=option).first.click()
    expect(box).to_have_value(re.compile(re.escape(option)), timeout=TIMEOUT)
    settle(page)


def settle(page) -> None:
    """Wait until the app has finished its run (no 'running' indicator)."""
    expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning", timeout=TIMEOUT)


def rows_of(sql: str, params: tuple = ()) -> list[tuple]:
    return query(SERVER_FILES["db"], sql, params)


def test_organizer_authors_an_exam_and_only_its_audience_takes_it(server, browser):
    content = SERVER_FILES["content"]
    context, page = new_page(browser, server, "organizer")

    # 1. import the Excel bank through 内容管理
    page.goto(f"{server}/content")
    expect(page.get_by_role("heading", name="内容管理")).to_be_visible(timeout=TIMEOUT)
    page.locator("input[type=file]").first.set_input_files(str(XLSX))
    publish = page.get_by_role("button", name="发布", exact=True)
    expect(publish).to_be_visible(timeout=60_000)
    publish.click()
    expect(page.get_by_text("已发布")).to_be_visible(timeout=TIMEOUT)
    assert (content / "banks" / f"{BANK}.yaml").is_file()

    # 2. fix one question in 题目编辑
    page.goto(f"{server}/question_editor")
    expect(page.get_by_role("heading", name="题目编辑")).to_be_visible(timeout=TIMEOUT)
    choose(page, "题库", BANK)
    expect(page.get_by_text("共 404 题")).to_be_visible(timeout=TIMEOUT)  # the page ran with the chosen bank
    choose(page, "要编辑的题目", "第 1 题 · 零件图的幅面是")  # its number and prompt, not its id
    expect(page.get_by_role("textbox", name="题干")).to_have_value(re.compile("^零件图的幅面是"), timeout=TIMEOUT)
    explanation = page.get_by_role("textbox", name="解析", exact=True)
    explanation.fill(FIX)
    explanation.press("Control+Enter")
    settle(page)
    expect(page.get_by_text("职工看到的样子")).to_be_visible(timeout=TIMEOUT)
    shot(page, "question-editor-desktop")
    page.get_by_role("button", name="保存题目").click()
    expect(page.get_by_text("已保存第 1 题“零件图的幅面是")).to_be_visible(timeout=TIMEOUT)
    assert f"{BANK}-001" not in page.get_by_test_id("stMain").inner_text()  # no internal id on the page
    bank = yaml.safe_load((content / "banks" / f"{BANK}.yaml").read_text(encoding="utf-8"))
    assert bank["questions"][0]["explanation"] == FIX and len(bank["questions"]) == 404

    # 3. build an exam with a window and a time limit for one department, as a draft
    page.goto(f"{server}/quiz_builder")
    expect(page.get_by_role("heading", name="组卷")).to_be_visible(timeout=TIMEOUT)
    choose(page, "测验", "新建：年度考试")
    expect(page.get_by_role("textbox", name="编号", exact=True)).to_have_value(re.compile("^annual-"), timeout=TIMEOUT)
    page.get_by_role("textbox", name="编号", exact=True).fill(EXAM)
    page.get_by_role("textbox", name="编号", exact=True).press("Enter")
    page.get_by_role("textbox", name="标题", exact=True).fill("端到端年度考试")
    page.get_by_role("textbox", name="标题", exact=True).press("Enter")
    settle(page)
    choose(page, "题库", BANK)
    count = page.get_by_role("spinbutton", name="题数（符合条件的有 404 题）")
    count.fill("5")
    count.press("Enter")
    settle(page)
    page.get_by_role("button", name="加入试卷").click()
    expect(page.get_by_text("随机 5 题")).to_be_visible(timeout=TIMEOUT)
    limit = page.get_by_role("spinbutton", name="限时（分钟）")
    limit.fill("15")
    limit.press("Enter")
    settle(page)
    page.get_by_text("设置开放时间").click()
    expect(page.get_by_text("截止日期")).to_be_visible(timeout=TIMEOUT)
    page.get_by_text("面向全体职工").click()
    departments = page.get_by_test_id("stMultiSelect").filter(has=page.get_by_text("部门", exact=True))
    expect(departments).to_be_visible(timeout=TIMEOUT)
    departments.click()
    page.get_by_role("option", name="农业技术推广中心").click()
    page.keyboard.press("Escape")
    settle(page)
    shot(page, "quiz-builder-desktop")
    page.get_by_role("button", name="保存草稿").click()
    settle(page)
    shot(page, "quiz-builder-after-save")
    expect(page.get_by_text("已保存草稿“")).to_be_visible(timeout=TIMEOUT)
    exam = yaml.safe_load((content / "quizzes" / f"{EXAM}.yaml").read_text(encoding="utf-8"))
    assert exam["status"] == "draft" and exam["time_limit"] == "15m" and exam["opens"] < exam["closes"]
    assert exam["audience"] == {"departments": ["农业技术推广中心"]} and exam["draw"] == [{"bank": BANK, "count": 5}]

    # 4. preview it as an employee: answer, submit, see the score; nothing is recorded
    page.get_by_role("link", name="以职工身份预览").click()
    expect(page.get_by_text("不记录任何作答")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_role("radiogroup")).to_have_count(5, timeout=TIMEOUT)
    page.get_by_role("radiogroup").first.get_by_role("radio").first.check(force=True)
    settle(page)
    shot(page, "preview-desktop")
    page.get_by_role("button", name="交卷（预览）").click()
    expect(page.get_by_text("得分", exact=True)).to_be_visible(timeout=TIMEOUT)  # not 得分率
    assert rows_of("SELECT COUNT(*) FROM attempts WHERE quiz_id = ?", (EXAM,)) == [(0,)]

    # 5. back to the builder, publish
    page.get_by_role("link", name="返回组卷").click()
    expect(page.get_by_role("button", name="发布")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_role("combobox", name="测验", exact=True)).to_have_value(
        "端到端年度考试", timeout=TIMEOUT
    )  # its title, not its id
    page.get_by_role("button", name="发布").click()
    expect(page.get_by_text("已发布“端到端年度考试”")).to_be_in_viewport(timeout=TIMEOUT)  # next to the button (review #12)
    shot(page, "quiz-builder-published")
    expect(page.get_by_role("button", name="撤回为草稿")).to_be_visible(timeout=TIMEOUT)
    assert "status" not in yaml.safe_load((content / "quizzes" / f"{EXAM}.yaml").read_text(encoding="utf-8"))
    saves = [
        json.loads(d)
        for (d,) in rows_of("SELECT detail FROM audit_log WHERE action = 'content.save' AND actor = 'organizer' ORDER BY id")
    ]
    assert [s["change"] for s in saves][-3:] == [
        f"question {BANK}-001 edited",
        f"quiz {EXAM} saved as draft",
        f"quiz {EXAM} saved as published",
    ]
    context.close()

    # 6. an employee of the audience sees it and takes it to the end
    context, page = new_page(browser, server, "employee")
    page.goto(f"{server}/quizzes")  # the newest quiz comes first (review #12)
    expect(page.get_by_role("heading", level=4).first).to_have_text("端到端年度考试", timeout=TIMEOUT)
    page.goto(f"{server}/quizzes?quiz={EXAM}")
    card = page.get_by_test_id("stVerticalBlock").filter(has=page.get_by_role("heading", name="端到端年度考试")).last
    expect(card).to_contain_text("限时 15 分钟", timeout=TIMEOUT)
    shot(page, "employee-sees-exam-desktop")
    card.get_by_role("button", name="开始答题").click()
    expect(page.get_by_text("剩余时间")).to_be_visible(timeout=TIMEOUT)
    groups = page.get_by_role("radiogroup")
    expect(groups).to_have_count(5, timeout=TIMEOUT)
    for i in range(5):
        groups.nth(i).get_by_role("radio").first.check(force=True)
        expect(page.get_by_text("已作答", exact=True)).to_have_count(i + 1, timeout=TIMEOUT)
    page.get_by_role("button", name="交卷").click()
    expect(page.get_by_text("/ 5")).to_be_visible(timeout=TIMEOUT)
    shot(page, "employee-result-desktop")
    rows = rows_of(
        "SELECT a.submitted_at, a.deadline, a.max_score, (SELECT COUNT(*) FROM answers WHERE attempt_id = a.id) "
        "FROM attempts a JOIN accounts u ON u.employee_id = a.employee_id WHERE a.quiz_id = ? AND u.username = 'employee'",
        (EXAM,),
    )
    assert len(rows) == 1 and rows[0][0] and rows[0][1] and rows[0][2] == 5 and rows[0][3] == 5
    context.close()

    # 7. an employee of another department does not see it, and cannot open it by its address
    context, page = new_page(browser, server, "e003")
    page.goto(f"{server}/quizzes?quiz={EXAM}")
    expect(page.get_by_role("heading", name="测验", exact=True)).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_role("heading").first).to_be_visible()
    settle(page)
    expect(page.get_by_text("端到端年度考试")).to_have_count(0)
    shot(page, "outside-audience-desktop")
    context.close()


def test_authoring_pages_on_a_phone_and_a_laptop(server, browser):
    """Screenshots of every authoring page at 375×812 and 1366×768 (looked at by a person)."""
    for size in SIZES:
        context, page = new_page(browser, server, "organizer", size)
        for path, heading, last in (
            ("quiz_builder", "组卷", "发布"),
            ("question_editor", "题目编辑", "保存题目"),
            ("lesson_editor", "课程编辑", "保存课程"),
            ("competition_builder", "现场赛编排", "保存现场赛"),
            ("preview?quiz=ethics-basics-check", "职业道德基本规范 课后测验", "交卷（预览）"),
        ):
            page.goto(f"{server}/{path}")
            expect(page.get_by_role("heading", name=heading).first).to_be_visible(timeout=TIMEOUT)
            expect(page.get_by_role("button", name=last, exact=True)).to_be_visible(timeout=TIMEOUT)  # drawn to the end
            settle(page)
            shot(page, f"{path.split('?')[0]}-{size}")
            page.get_by_role("button", name=last, exact=True).scroll_into_view_if_needed()  # the app scrolls inside
            shot(page, f"{path.split('?')[0]}-{size}-end")
        context.close()
