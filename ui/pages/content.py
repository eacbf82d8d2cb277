"""内容管理 (organizers): upload and publish content, see every file's status, hide or show quizzes."""

import tempfile
from pathlib import Path

import streamlit as st

from quizzes.errors import ContentError, MingdeError
from quizzes.publishing import check_upload, safe_name
from tracker import StorageUnavailable
from ui.auth import access
from ui.state import catalog, config, saving, storage_error, t
from ui.widgets import type_label

me = access()
me.require("organizer")
root = config().content
st.title(t("content.title"))

# -- upload ---------------------------------------------------------------------------------------
st.subheader(t("content.upload"))
uploads = st.session_state.setdefault("uploads", 0)  # a new key empties the uploader (reject)


def reject() -> None:
    st.session_state["uploads"] += 1


upload = st.file_uploader(t("content.upload_help"), type=["yaml", "yml", "xlsx", "csv", "gift", "txt"], key=f"upload:{uploads}")
if upload is not None:
    name = upload.name
    data = upload.getvalue()
    text = None
    try:
        if name.lower().endswith((".yaml", ".yml")):
            text = data.decode("utf-8-sig")
        else:
            from quizzes.importers import import_file

            bar = st.progress(0.0, text=t("content.importing"))
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / (safe_name(name) + Path(name).suffix.lower())
                path.write_bytes(data)
                result = import_file(
                    path,
                    bank_id=safe_name(name, "imported"),
                    progress=lambda done, total: bar.progress(done / max(total, 1), text=t("content.importing")),
                )
            bar.empty()
            text = result.yaml_text
            st.info(t("content.import_report", n=result.imported, skipped=len(result.skipped), warnings=len(result.warnings)))
            for s in result.skipped:
                st.caption(f"{s.where}: {s.reason}")
            for w in result.warnings:
                st.caption(w)
        check = check_upload(root, text, name)
    except UnicodeDecodeError:
        st.error(t("content.not_utf8", name=name))
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
        st.success(t("content.valid", kind=t(f"content.kind.{check.kind}"), file=check.filename))
        from quizzes.source import parse_yaml

        data = parse_yaml(text, name).data
        for n, q in enumerate(data.get("questions", [])[:30], start=1):
            with st.container(border=True):
                st.markdown(f"**{n}.** `{type_label(q.get('type', ''))}` {q.get('prompt', '')}")
                for i, option in enumerate(q.get("options") or []):
                    st.markdown(f"- {'ABCDEFGH'[i]}. {option['text'] if isinstance(option, dict) else option}")
        replace = (root / {"lesson": "lessons", "bank": "banks", "quiz": "quizzes"}[check.kind] / check.filename).exists()
        if replace:
            st.warning(t("content.will_replace", file=check.filename))
        publish_col, reject_col = st.columns(2)
        if publish_col.button(t("content.publish"), type="primary", key="publish"):
            try:
                me.publish(root, text, name, check.kind, replace=replace)
            except StorageUnavailable as e:  # the file was written first; only its audit entry is missing
                st.warning(t("content.unaudited", file=check.filename))
                storage_error(e)
            except MingdeError as e:
                st.error(str(e))
            except OSError as e:  # the content folder is full or read-only
                st.error(t("content.not_written", error=e.strerror or e))
            else:
                st.success(t("content.published", file=check.filename))
    st.button(t("content.reject"), key="reject", on_click=reject)

# -- status ---------------------------------------------------------------------------------------
cat = catalog()
st.subheader(t("content.status"))
for path, problems in cat.status().items():
    if problems:
        with st.expander(f":red[:material/error:] {path} · {t('content.problems', n=len(problems))}", expanded=True):
            st.code("\n".join(str(p) for p in problems), language=None)
    else:
        st.markdown(f":green[:material/check_circle:] {path}")
st.subheader(t("content.quizzes"))
st.caption(t("content.owners_help"))
hidden = me.tracker.hidden_quizzes()
owners = me.tracker.quiz_owners()
organizers = sorted(a.username for a in me.tracker.users() if a.role in ("organizer", "admin"))
for quiz in cat.quizzes.values():
    cols = st.columns([3, 2, 1])
    cols[0].markdown(f"**{quiz.title}** · `{quiz.id}` · {t(f'kind.{quiz.kind}')}")
    current = sorted(owners.get(quiz.id, set()))
    chosen = cols[1].multiselect(
        t("content.owners"),
        organizers,
        default=current,
        key=f"owners:{quiz.id}",
        label_visibility="collapsed",
        placeholder=t("content.owners_none"),
        disabled=not me.tracker.may_set_quiz_owners(me.account, quiz.id),
    )
    if sorted(chosen) != current:
        with saving():
            me.tracker.set_quiz_owners(me.account, quiz.id, chosen)
            st.rerun()
    shown = cols[2].toggle(t("content.visible"), value=quiz.id not in hidden, key=f"visible:{quiz.id}")
    if shown == (quiz.id in hidden):
        with saving():
            me.set_quiz_hidden(quiz.id, not shown)
            st.rerun()
