"""The catalogue's part for authoring in the browser (issue 16): builders, editors, hints."""

from __future__ import annotations

ZH: dict[str, str] = {
    # hints while typing
    "author.hint.id_missing": "请填写编号",
    "author.hint.id_pattern": "编号只能用小写字母、数字、“-”和“_”，并以字母或数字开头",
    "author.hint.id_taken": "编号“{id}”已被本题库的另一道题使用",
    "author.hint.prompt_missing": "请填写题干",
    "author.hint.options_count": "需要 2 到 8 个选项（现在 {n} 个）",
    "author.hint.option_repeats": "选项 {a} 与选项 {b} 重复",
    "author.hint.answer_letter": "答案须是选项中的字母（A–{last}）",
    "author.hint.answer_missing": "请设置正确答案",
    "author.hint.answer_one": "单选题只能有一个正确答案",
    "author.hint.points_positive": "分值须大于 0",
    "author.hint.no_blanks": "填空题的题干要用 ___ 或（ ）标出空格",
    "author.hint.blank_count": "题干有 {n} 个空，答案给了 {m} 个",
    "author.hint.credit_one": "情境题至少要有一个得分为 1 的选项",
    "author.hint.model": "内容不符合格式：{message}",
    "author.hint.section_title": "第 {n} 节缺少标题",
    "author.hint.section_body": "第 {n} 节缺少正文",
    "author.hint.image_missing": "第 {n} 节的图片“{ref}”不在内容文件夹中（请用上传的图片）",
    "author.hint.sections_missing": "课程至少要有一节",
}

EN: dict[str, str] = {
    "author.hint.id_missing": "Enter an id",
    "author.hint.id_pattern": "An id uses lowercase letters, digits, '-' and '_', and starts with a letter or digit",
    "author.hint.id_taken": "The id '{id}' is used by another question of this bank",
    "author.hint.prompt_missing": "Enter the question text",
    "author.hint.options_count": "2 to 8 options are needed (now {n})",
    "author.hint.option_repeats": "Option {a} repeats option {b}",
    "author.hint.answer_letter": "The answer is a letter of the options (A–{last})",
    "author.hint.answer_missing": "Set the correct answer",
    "author.hint.answer_one": "A single-choice question has one correct answer",
    "author.hint.points_positive": "Points must be greater than 0",
    "author.hint.no_blanks": "Mark the blanks of a fill-in prompt with ___ or （ ）",
    "author.hint.blank_count": "The prompt has {n} blank(s), the answer gives {m}",
    "author.hint.credit_one": "A scenario question needs at least one option with credit 1",
    "author.hint.model": "Not in the content format: {message}",
    "author.hint.section_title": "Section {n} has no title",
    "author.hint.section_body": "Section {n} has no text",
    "author.hint.image_missing": "The image '{ref}' of section {n} is not in the content folder (use an uploaded image)",
    "author.hint.sections_missing": "A lesson needs at least one section",
}
