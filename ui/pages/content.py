"""内容管理 (organizers): upload and publish content, see every file's status, hide or show quizzes."""

import tempfile
from pathlib import Path

import streamlit as st

from quizzes.errors import ContentError, MingdeError
from quizzes.importers import ImportFailed, import_file
from quizzes.lint import lint_catalog
from quizzes.publishing import FOLDERS, check_upload, safe_name, suggest_bank_id
from tracker import StorageUnavailable
from ui.auth import access
from ui.import_view import preview, report, say
from ui.state import catalog, config, saving, storage_error, t
from ui.widgets import md_escape

me = access()
me.require("organizer")
root = config().content
st.title(t("content.title"))

# -- upload ---------------------------------------------------------------------------------------
st.subheader(t("content.upload"))
uploads = st.session_state.setdefault("uploads", 0)  # a new key empties the uploader (reject)


def reject() -> None:
    st.session_state["uploads"] += 1


def imported(upload, bank_id: str, title: str):
    """The upload imported as a bank with this id and title (kept while neither changes)."""
    key = (upload.file_id, bank_id, title)
    if st.session_state.get("imported", (None,))[0] != key:
        bar = st.progress(0.0, text=t("content.importing"))
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / (safe_name(upload.name) + Path(upload.name).suffix.lower())
            path.write_bytes(upload.getvalue())
            result = import_file(
                path,
                bank_id=bank_id,
                title=title,
                progress=lambda done, total: bar.progress(done / max(total, 1), text=t("content.importing")),
            )
        bar.empty()
        st.session_state["imported"] = (key, result)
    return st.session_state["imported"][1]


upload = st.file_uploader(
    t("content.upload_help"),
    type=["yaml", "yml", "xlsx", "xls", "ods", "csv", "gift", "txt"],
    key=f"upload:{uploads}",
)
if upload is not None:
    name = upload.name
    result = None
    try:
        if name.lower().endswith((".yaml", ".yml")):
            text = upload.getvalue().decode("utf-8-sig")
            filename = name
        else:
            id_col, title_col = st.columns(2)
            bank_id = id_col.text_input(
                t("import.bank_id"),
                value=suggest_bank_id(root, name),
                help=t("import.bank_id_help"),
                key=f"bank_id:{upload.file_id}",
            ).strip()
            title = title_col.text_input(
                t("import.bank_title"), value=Path(name).stem, key=f"bank_title:{upload.file_id}"
            ).strip()
            result = imported(upload, bank_id, title)
            report(result)
            text = result.yaml_text
            filename = f"{result.bank.id}.yaml"
        check = check_upload(root, text, filename)
    except UnicodeDecodeError:
        st.error(t("content.not_utf8", name=name))
        st.stop()
    except ImportFailed as e:
        st.error(say(e.message, path=name))
        if e.skipped:
            st.code("\n".join(f"{say(s.where)}：{say(s.reason)}" for s in e.skipped), language=None, wrap_lines=True)
        st.button(t("content.reject"), key="reject", on_click=reject)
        st.stop()
    except ContentError as e:
        st.error(t("content.invalid"))
        st.code(str(e), language=None)
        st.stop()
    except MingdeError as e:
        st.error(str(e))
        st.stop()
    if check.problems:
        st.error(t("content.invalid"))
        st.code("\n".join(str(p) for p in check.problems), language=None)
    else:
        from quizzes.source import parse_yaml

        data = parse_yaml(text, name).data
        live = check.kind == "quiz" and isinstance(data, dict) and "rounds" in data  # a live competition file
        kind = t("content.kind.live") if live else t(f"content.kind.{check.kind}")
        st.success(t("content.valid", kind=kind, file=check.filename))
        bank = result.bank if result is not None else None
        if bank is None and check.kind == "bank":
            from quizzes.model import Bank
            from quizzes.validate import validate_source

            bank = validate_source(parse_yaml(text, name), Bank)
        replace = (root / FOLDERS[check.kind] / check.filename).exists()
        if replace:
            st.warning(t("content.will_replace", file=check.filename))
        publish_col, reject_col = st.columns(2)
        if publish_col.button(t("content.publish"), type="primary", key="publish"):
            try:
                me.publish(root, text, filename, check.kind, replace=replace)
            except StorageUnavailable as e:  # the file was written first; only its audit entry is missing
                st.warning(t("content.unaudited", file=check.filename))
                storage_error(e)
            except MingdeError as e:
                st.error(str(e))
            except OSError as e:  # the content folder is full or read-only
                st.error(t("content.not_written", error=e.strerror or e))
            else:
                st.success(t("content.published", file=check.filename))
        reject_col.button(t("content.reject"), key="reject", on_click=reject)
        if bank is not None:
            preview(bank, key=f"preview:{upload.file_id}")
    if check.problems:
        st.button(t("content.reject"), key="reject", on_click=reject)

# -- status: titles for office staff; the files only in a details expander -----------------------
cat = catalog()
st.subheader(t("content.status"))
described = cat.described()
kinds = {
    "lesson": t("content.kind.lesson"),
    "bank": t("content.kind.bank"),
    "quiz": t("content.kind.quiz"),
    "live": t("content.kind.live"),
    "event": t("content.kind.event"),
    "assessment": t("content.kind.assessment"),
    "daily": t("content.kind.daily"),
}
prefix = f"{root}/"
for path, problems in cat.status().items():
    kind, title = described.get(path, ("", ""))
    # a file that did not load is named by its place in the content folder: that is what to fix
    name = f"{title} · {kinds[kind]}" if title else (kinds.get(kind) or path.removeprefix(prefix))
    if problems:
        with st.expander(f":red[:material/error:] {name} · {t('content.problems', n=len(problems))}", expanded=True):
            st.code("\n".join(str(p).removeprefix(prefix) for p in problems), language=None)
    else:
        st.markdown(f":green[:material/check_circle:] {md_escape(name)}")
with st.expander(t("content.files")):
    st.code("\n".join(f"{path.removeprefix(prefix)}  {described.get(path, ('', ''))[1]}" for path in cat.paths), language=None)
st.subheader(t("content.quizzes"))
st.caption(t("content.owners_help"))
hidden = me.hidden_quizzes()
owners = me.quiz_owners()
organizers = sorted(a.username for a in me.accounts(roles=("organizer", "admin")))
for quiz in cat.quizzes.values():
    cols = st.columns([3, 2, 1])
    cols[0].markdown(f"**{md_escape(quiz.title)}** · {t(f'kind.{quiz.kind}')}")
    current = sorted(owners.get(quiz.id, set()))
    chosen = cols[1].multiselect(
        t("content.owners"),
        organizers,
        default=current,
        key=f"owners:{quiz.id}",
        label_visibility="collapsed",
        placeholder=t("content.owners_none"),
        select_all=False,
        disabled=not me.may_set_quiz_owners(quiz.id),
    )
    if sorted(chosen) != current:
        with saving():
            me.set_quiz_owners(quiz.id, chosen)
            st.rerun()
    shown = cols[2].toggle(t("content.visible"), value=quiz.id not in hidden, key=f"visible:{quiz.id}")
    if shown == (quiz.id in hidden):
        with saving():
            me.set_quiz_hidden(quiz.id, not shown)
            st.rerun()

# -- authoring lint (hints, never errors) ---------------------------------------------------------
st.subheader(t("lint.title"))
st.caption(t("lint.help"))
for bank_lint in lint_catalog(cat):
    title = cat.banks[bank_lint.bank].title
    if not bank_lint.findings:
        st.markdown(f":green[:material/check_circle:] {t('lint.none', title=title)}")
        continue
    with st.expander(f":orange[:material/lightbulb:] {t('lint.bank', title=title, n=len(bank_lint.findings))}"):
        for rule, (n, total) in bank_lint.counts.items():
            if n:
                st.markdown(f"- {t('lint.summary', rule=t(f'lint.rule.{rule}'), n=n, total=total, share=f'{n / total:.0%}')}")
        prompts = {q.id: q.prompt[:24] for q in cat.banks[bank_lint.bank].questions}
        prefix = str(cat.root).rstrip("/") + "/"
        shown = []
        for f in bank_lint.findings:
            where, rule, prompt = f"{f.path.removeprefix(prefix)}:{f.line}", t(f"lint.rule.{f.rule}"), prompts[f.question]
            if f.other:
                shown.append(t("lint.finding_other", where=where, rule=rule, line=f.other_line, text=f.text, prompt=prompt))
            else:
                shown.append(t("lint.finding", where=where, rule=rule, prompt=prompt))
        st.code("\n\n".join(shown), language=None, wrap_lines=True)
