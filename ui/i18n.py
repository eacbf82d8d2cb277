"""All UI text, in Chinese (default) and English. ``t(key, **values)`` looks a key up."""

from __future__ import annotations

import os

CATALOGUES: dict[str, dict[str, str]] = {
    "zh": {
        "app.title": "明德 · 职业道德教育",
        "app.tagline": "职业道德教育与知识竞赛平台",
        "lang.label": "语言",
        "overview.title": "内容概览",
        "overview.lessons": "课程",
        "overview.banks": "题库",
        "overview.questions": "试题",
        "overview.quizzes": "测验与考试",
        "overview.competitions": "现场竞赛",
        "overview.errors": "内容问题（{n} 处）",
        "overview.no_errors": "所有内容文件均有效。",
        "overview.lesson_list": "课程列表",
        "overview.quiz_list": "测验列表",
        "col.id": "编号",
        "col.title": "标题",
        "col.kind": "类型",
        "col.minutes": "时长（分钟）",
        "col.time_limit": "限时",
        "col.window": "开放时间",
        "kind.quiz": "练习",
        "kind.exam": "考试",
        "kind.competition": "竞赛",
        "page.overview": "概览",
    },
    "en": {
        "app.title": "Mingde · Professional ethics",
        "app.tagline": "Professional-ethics education and knowledge competitions",
        "lang.label": "Language",
        "overview.title": "Content overview",
        "overview.lessons": "Lessons",
        "overview.banks": "Banks",
        "overview.questions": "Questions",
        "overview.quizzes": "Quizzes and exams",
        "overview.competitions": "Live competitions",
        "overview.errors": "Content problems ({n})",
        "overview.no_errors": "All content files are valid.",
        "overview.lesson_list": "Lessons",
        "overview.quiz_list": "Quizzes",
        "col.id": "ID",
        "col.title": "Title",
        "col.kind": "Kind",
        "col.minutes": "Minutes",
        "col.time_limit": "Time limit",
        "col.window": "Window",
        "kind.quiz": "Practice",
        "kind.exam": "Exam",
        "kind.competition": "Competition",
        "page.overview": "Overview",
    },
}
LANGS = {"zh": "中文", "en": "English"}


def default_lang() -> str:
    lang = os.environ.get("MINGDE_LANG", "zh")
    return lang if lang in CATALOGUES else "zh"


def translate(lang: str, key: str, **values: object) -> str:
    """The text of ``key`` in ``lang`` (falling back to Chinese, then to the key itself)."""
    text = CATALOGUES.get(lang, {}).get(key) or CATALOGUES["zh"].get(key) or key
    return text.format(**values) if values else text
