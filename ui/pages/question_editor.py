"""题目编辑 (organizers): add, edit, copy and delete the questions of a bank; tags in bulk."""

import streamlit as st

from quizzes import authoring as au
from quizzes.model import LETTERS, count_blanks
from ui.auth import access
from ui.author_widgets import (
    bank_labels,
    question_labels,
    question_number,
    question_preview,
    show_hints,
    show_save_error,
    tags_from,
)
from ui.state import config, t
from ui.widgets import md_escape, type_label

TYPES = ["single", "multiple", "true_false", "fill_blank", "scenario"]
NEW = "+"
PAGE = 20

me = access()
me.require("organizer")
root = config().content
st.title(t("qe.title"))
if done := st.session_state.pop("qe:done", None):
    st.success(done)

if "qe:next_bank" in st.session_state:  # a bank just created (a widget's value is set before it is drawn)
    st.session_state["qe:bank"] = st.session_state.pop("qe:next_bank")
banks = {d.data["id"]: d for d in me.content_documents(root, "bank")}
bank_names = bank_labels({b: d.data for b, d in banks.items()})  # titles, never the ids
bank_id = st.selectbox(
    t("qe.bank"),
    [NEW, *banks],
    index=1 if banks else 0,
    format_func=lambda b: t("qe.new_bank") if b == NEW else bank_names[b],
    key="qe:bank",
)
if bank_id == NEW:
    new_id = st.text_input(t("qe.bank_id"), key="qe:new_bank_id", help=t("qe.id_help"))
    new_title = st.text_input(t("qe.bank_title"), key="qe:new_bank_title")
    doc = au.Document("bank", {"id": new_id.strip(), "title": new_title.strip(), "questions": []})
else:
    doc = banks[bank_id]
bank = doc.data
questions = list(bank.get("questions") or [])
ids = [str(q.get("id")) for q in questions]


def save(data: dict, change: str, message: str, *, shown: str | None = None) -> None:
    """Save the bank; with ``shown``, the form then edits that question and the message stays next to
    its save button."""
    try:
        me.save_content(root, "bank", data, path=doc.path, change=change)
    except au.AuthoringError as e:
        show_save_error(e)
    else:
        st.session_state["qe:saved" if shown else "qe:done"] = message
        if doc.path is None:
            st.session_state["qe:next_bank"] = data["id"]
        if shown:
            saved_ids = [str(q.get("id")) for q in data.get("questions") or []]
            st.session_state["qe:next_pick"] = shown
            st.session_state["qe:next_page"] = saved_ids.index(shown) // PAGE + 1 if shown in saved_ids else 1
            for key in [key for key in st.session_state if str(key).startswith(f"qe:{bank_id}:{NEW}:")]:
                del st.session_state[key]  # the next 新增 starts empty
        st.rerun()


# -- the question list ---------------------------------------------------------------------------
if "qe:next_page" in st.session_state:  # the page of the question just saved
    st.session_state["qe:pageno"] = st.session_state.pop("qe:next_page")
    st.session_state["qe:search"] = ""
search = st.text_input(t("qe.search"), key="qe:search", placeholder=t("qe.search_hint"))
found = [q for q in questions if not search or search in str(q.get("prompt", "")) or search in str(q.get("id"))]
pages = max(1, -(-len(found) // PAGE))
if pages > 1 and st.session_state.get("qe:pageno", 1) > pages:
    st.session_state["qe:pageno"] = pages
page = st.number_input(t("qe.page", n=pages), 1, pages, 1, key="qe:pageno") if pages > 1 else 1
listed = found[(page - 1) * PAGE : page * PAGE]
first, last = (page - 1) * PAGE + 1, (page - 1) * PAGE + len(listed)
if not listed:
    st.caption(t("qe.count_none", n=len(questions)))
elif search:
    st.caption(t("qe.count_found", n=len(questions), found=len(found), first=first, last=last))
else:
    st.caption(t("qe.count", n=len(questions), first=first, last=last))
for q in listed:
    st.markdown(
        t(
            "qe.list_line",
            n=question_number(questions, q.get("id")),
            type=type_label(q.get("type", "")),
            prompt=md_escape(str(q.get("prompt", ""))[:60]),
        )
    )

if "qe:next_pick" in st.session_state:  # after a save: edit the saved question, or a new one
    st.session_state[f"qe:pick:{bank_id}"] = st.session_state.pop("qe:next_pick")
question_names = question_labels(questions)  # built once, not per option
choice = st.selectbox(
    t("qe.pick"),
    [NEW, *ids],
    format_func=lambda x: t("qe.new_question") if x == NEW else question_names.get(x, x),
    key=f"qe:pick:{bank_id}",
)
if choice != NEW:
    copy_col, delete_col = st.columns(2)
    if copy_col.button(t("qe.copy"), key="qe:copy", icon=":material/content_copy:"):
        copied, copy_id = au.copy_question(bank, choice)
        save(copied, f"question {copy_id} copied from {choice}", t("qe.copied", n=question_number(copied["questions"], copy_id)))
    if delete_col.checkbox(t("qe.delete_confirm"), key=f"qe:del_ok:{choice}") and delete_col.button(
        t("qe.delete"), key="qe:delete", icon=":material/delete:"
    ):
        gone = t(
            "qe.deleted", n=question_number(questions, choice), prompt=str(questions[ids.index(choice)].get("prompt", ""))[:30]
        )
        save(au.delete_question(bank, choice), f"question {choice} deleted", gone)

# -- the question form (checked as you type) -----------------------------------------------------
current = questions[ids.index(choice)] if choice != NEW else {"type": "single", "options": ["", "", "", ""]}
k = f"qe:{bank_id}:{choice}:"
st.subheader(t("qe.edit") if choice != NEW else t("qe.add"))
qtype = st.selectbox(
    t("qe.type"), TYPES, index=TYPES.index(current.get("type", "single")), format_func=type_label, key=k + "type"
)
qid = st.text_input(
    t("qe.id"), value=str(current.get("id") or au.next_question_id(questions, qtype)), key=k + "id", help=t("qe.id_help")
)
prompt = st.text_area(t("qe.prompt"), value=str(current.get("prompt", "")), key=k + "prompt", help=t("qe.prompt_help"))
old_options = current.get("options") or []
texts = [o["text"] if isinstance(o, dict) else str(o) for o in old_options]
credits = [o.get("credit", 0) if isinstance(o, dict) else 0 for o in old_options]
options: list[str] = []
option_credits: list[float] = []
answer = None
if qtype in ("single", "multiple", "scenario"):
    n = st.number_input(t("qe.n_options"), 2, 8, max(2, min(8, len(texts) or 4)), key=k + "n")
    for i in range(int(n)):
        cols = st.columns([4, 1]) if qtype == "scenario" else [st]
        options.append(cols[0].text_input(t("qe.option", letter=LETTERS[i]), texts[i] if i < len(texts) else "", key=k + f"o{i}"))
        if qtype == "scenario":
            option_credits.append(
                cols[1].number_input(t("qe.credit"), 0.0, 1.0, float(credits[i] if i < len(credits) else 0), 0.1, key=k + f"c{i}")
            )
    letters = list(LETTERS[: int(n)])
    raw = current.get("answer") if current.get("type") == qtype else ""
    given = "".join(map(str, raw)) if isinstance(raw, list) else str(raw or "").upper()
    if qtype == "single":
        answer = st.radio(
            t("qe.answer"), letters, index=letters.index(given) if given in letters else None, horizontal=True, key=k + "a"
        )
    elif qtype == "multiple":
        answer = st.multiselect(
            t("qe.answer"),
            letters,
            default=[x for x in given if x in letters],
            placeholder=t("author.choose"),
            select_all=False,
            key=k + "a",
        )
elif qtype == "true_false":
    given = current.get("answer") if current.get("type") == "true_false" else None
    if isinstance(given, str):
        given = given.strip() in ("true", "对", "正确", "√", "T", "t")
    answer = st.radio(
        t("qe.answer"),
        [True, False],
        index=None if given is None else (0 if given else 1),
        format_func=lambda v: t("tf.true") if v else t("tf.false"),
        horizontal=True,
        key=k + "a",
    )
else:
    blanks = count_blanks(prompt)
    old = current.get("answer") if current.get("type") == "fill_blank" else []
    old = old if isinstance(old, list) else [old]
    st.caption(t("qe.blanks_help", n=blanks))
    answer = [
        st.text_input(
            t("qe.blank", n=i + 1),
            "/".join(old[i]) if i < len(old) and isinstance(old[i], list) else (str(old[i]) if i < len(old) else ""),
            key=k + f"b{i}",
        )
        for i in range(blanks)
    ]
    answer = [x for x in answer if x.strip()] if any(x.strip() for x in answer) else []
points = st.number_input(t("qe.points"), 0.0, 100.0, float(current.get("points", 1)), 0.5, key=k + "points")
explanation = st.text_area(t("qe.explanation"), str(current.get("explanation") or ""), key=k + "expl")
tags = st.text_input(t("qe.tags"), "，".join(current.get("tags") or []), key=k + "tags", help=t("qe.tags_help"))
difficulties = [None, "easy", "medium", "hard"]
labels = {None: t("qe.diff.none"), "easy": t("qe.diff.easy"), "medium": t("qe.diff.medium"), "hard": t("qe.diff.hard")}
difficulty = st.selectbox(
    t("qe.difficulty"),
    difficulties,
    index=difficulties.index(current.get("difficulty")) if current.get("difficulty") in difficulties else 0,
    format_func=labels.get,
    key=k + "diff",
)

data = au.make_question(
    id=qid,
    type=qtype,
    prompt=prompt,
    options=options,
    answer=answer,
    credits=option_credits,
    points=points,
    explanation=explanation,
    tags=tags_from(tags),
    difficulty=difficulty,
)
hints = au.question_hints(data, {i for i in ids if i != choice})
show_hints(hints)
if not hints:
    st.caption(t("qe.preview"))
    question_preview(data, k)
if st.button(t("qe.save"), type="primary", disabled=bool(hints), key="qe:save"):
    change = f"question {data['id']} " + ("added" if choice == NEW else "edited")
    new_bank = au.put_question(bank, data, replace_id=None if choice == NEW else choice)
    number = question_number(new_bank["questions"], data["id"])
    save(new_bank, change, t("qe.saved", n=number, prompt=str(data.get("prompt", ""))[:30]), shown=data["id"])
if saved_message := st.session_state.pop("qe:saved", None):  # next to the button that was clicked
    st.success(saved_message, icon=":material/check_circle:")
if choice != NEW and st.button(t("qe.add_next"), key="qe:add_next", icon=":material/add:"):
    st.session_state["qe:next_pick"] = NEW
    st.rerun()

# -- tags in bulk --------------------------------------------------------------------------------
if questions:
    with st.expander(t("qe.bulk")):
        chosen = st.multiselect(
            t("qe.bulk_questions"),
            ids,
            format_func=lambda x: question_names.get(x, x),
            placeholder=t("author.choose"),
            select_all=False,
            key=f"qe:bulk:{bank_id}",
        )
        add = st.text_input(t("qe.bulk_add"), key="qe:bulk_add")
        existing = sorted({tag for q in questions for tag in q.get("tags") or []})
        remove = st.multiselect(
            t("qe.bulk_remove"), existing, placeholder=t("author.choose"), select_all=False, key="qe:bulk_remove"
        )
        if st.button(t("qe.bulk_apply"), disabled=not chosen, key="qe:bulk_apply"):
            edited = au.edit_tags(bank, chosen, add=tags_from(add), remove=remove)
            save(edited, f"tags of {len(chosen)} questions: +{tags_from(add)} -{remove}", t("qe.bulk_done", n=len(chosen)))
