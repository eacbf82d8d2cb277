"""The catalogue's part for the authoring lint and content review messages (issue 18)."""

from __future__ import annotations

ZH: dict[str, str] = {
    "lint.title": "题目质量提示",
    "lint.help": "以下只是提示，不影响发布：它们指出容易被猜中答案的题目，建议修改后再用于考试或考核。",
    "lint.bank": "{title} · {n}条提示",
    "lint.none": "{title} · 没有提示",
    "lint.summary": "{rule}：{n}/{total}题（{share}）",
    "lint.finding": "{where}：{rule} · {prompt}",
    "lint.finding_other": "{where}：{rule}（第{line}行的题目显示了“{text}”） · {prompt}",
    "lint.rule.longest_key": "单选题的正确选项是唯一最长的选项",
    "lint.rule.one_wrong": "多选题最多只有一个错误选项",
    "lint.rule.scenario_longest": "情境题的满分选项是唯一最长的选项",
    "lint.rule.repeated": "答案出现在可能同卷出现的另一道题中",
    "lint.rule.one_answer": "填空题只接受一种写法",
    "lint.rule.no_explanation": "缺少答案解析",
    "lint.rule.lonely_group": "互斥组里只有这一道题（组名是否写错？）",
}

EN: dict[str, str] = {
    "lint.title": "Question quality hints",
    "lint.help": "These are hints, not errors, and do not block publishing: they point at questions whose answers are easy to guess. Fix them before using a bank for exams or assessment.",
    "lint.bank": "{title} · {n} hints",
    "lint.none": "{title} · no hints",
    "lint.summary": "{rule}: {n}/{total} questions ({share})",
    "lint.finding": "{where}: {rule} · {prompt}",
    "lint.finding_other": "{where}: {rule} (the question at line {line} shows “{text}”) · {prompt}",
    "lint.rule.longest_key": "the single-choice key is the uniquely longest option",
    "lint.rule.one_wrong": "a multiple-choice item with at most one wrong option",
    "lint.rule.scenario_longest": "the full-credit scenario option is the uniquely longest",
    "lint.rule.repeated": "the key appears in another question that can be on the same paper",
    "lint.rule.one_answer": "a fill-in accepts one wording only",
    "lint.rule.no_explanation": "no explanation",
    "lint.rule.lonely_group": "the only question of its exclusive group (a typo in the name?)",
}
