"""The big screen (大屏) as one block of HTML: readable from the back of a hall at 1920×1080.

Sizes (checked by tests/e2e/test_competition_e2e.py): question 44 px, options 36 px, countdown 88 px,
scores 76 px; team names wrap, never cut off. Every text is escaped (content and host notes are never
HTML). The countdown ticks in the browser and shows 时间到 at zero; the server enforces the limit.
"""

from __future__ import annotations

import datetime as dt
import html

from quizzes.model import LETTERS
from ui.live import answer_text
from ui.state import t
from ui.widgets import type_label

STYLE = """<style>
.mb{font-family:system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;color:#1f2933;width:100%}
.mb-top{display:flex;justify-content:space-between;align-items:baseline;gap:2rem;flex-wrap:wrap}
.mb-title{font-size:30px;font-weight:600;color:#2f6f5e}
.mb-round{font-size:40px;font-weight:700}
.mb-main{display:flex;gap:2.5rem;margin:18px 0 24px 0;align-items:flex-start}
.mb-q{flex:1 1 68%;min-width:0}
.mb-side{flex:0 0 30%;min-width:0}
.mb-type{display:inline-block;font-size:28px;padding:2px 16px;border-radius:8px;background:#2f6f5e;color:#fff;margin-bottom:10px}
.mb-prompt{font-size:44px;line-height:1.35;font-weight:600;margin:6px 0 14px 0;overflow-wrap:anywhere}
.mb-opt{font-size:36px;line-height:1.4;margin:6px 0;overflow-wrap:anywhere}
.mb-opt b{color:#2f6f5e;margin-right:.4em}
.mb-answer{font-size:40px;font-weight:700;color:#14532d;background:#dcfce7;border-radius:12px;padding:10px 20px;margin-top:14px}
.mb-clock{font-size:88px;font-weight:800;color:#2f6f5e;font-variant-numeric:tabular-nums;line-height:1.1}
.mb-clock.up{color:#b91c1c}
.mb-who{font-size:40px;font-weight:700;margin:8px 0}
.mb-buzz{font-size:32px;line-height:1.45}
.mb-foul{font-size:32px;color:#b91c1c;font-weight:700}
.mb-note{font-size:32px;color:#92400e;background:#fef3c7;border-radius:10px;padding:6px 16px;margin:8px 0}
.mb-big{font-size:64px;font-weight:800;text-align:center;margin:40px 0}
.mb-big.tie{color:#b45309}
.mb-scores{display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:18px}
.mb-card{border:3px solid #d6d3c4;border-radius:16px;padding:14px 18px;background:#fff}
.mb-card.on{border-color:#2f6f5e;box-shadow:0 0 0 4px #2f6f5e33}
.mb-name{font-size:34px;font-weight:700;overflow-wrap:anywhere;line-height:1.25}
.mb-score{font-size:76px;font-weight:800;font-variant-numeric:tabular-nums;line-height:1.1}
.mb-mark{font-size:30px;font-weight:700;border-radius:8px;padding:0 10px;display:inline-block}
.mb-mark.up{color:#166534;background:#dcfce7}.mb-mark.down{color:#991b1b;background:#fee2e2}
.mb-mark.fix{color:#92400e;background:#fef3c7}
.mb-rank{font-size:44px;line-height:1.6}
.mb-rank td{padding:4px 28px}
.mb-won{font-size:32px;color:#92400e;background:#fef3c7;border-radius:8px;padding:0 12px}
#mingde-offline{position:fixed;right:14px;bottom:10px;font:16px system-ui,sans-serif;color:#6b7280;display:none}
</style>"""

MARKS = {"right": "live.mark.right", "wrong": "live.mark.wrong", "timeout": "live.mark.timeout", "early_buzz": "live.mark.foul"}


def _e(text: object) -> str:
    return html.escape(str(text))


def _clock(view: dict, now: dt.datetime) -> str:
    if not (view.get("deadline") and view.get("status") == "open"):
        return ""
    left = max(0, int((dt.datetime.fromisoformat(view["deadline"]) - now).total_seconds() + 0.999))
    up = _e(t("live.time_up"))
    if not left:
        return f'<div class="mb-clock up" role="timer">{up}</div>'
    uid = f"mbc{view['seq']}"
    return (
        f'<div class="mb-clock" role="timer" id="{uid}">{left // 60:02d}:{left % 60:02d}</div>'
        f"<script>(function(){{const end=Date.now()+{left * 1000};function tick(){{const el=document.getElementById('{uid}');"
        f"if(!el)return;const s=Math.max(0,Math.ceil((end-Date.now())/1000));if(s===0){{el.textContent='{up}';"
        f"el.classList.add('up');return;}}el.textContent=String(Math.floor(s/60)).padStart(2,'0')+':'+String(s%60).padStart(2,'0');"
        f"setTimeout(tick,250);}}tick();}})();</script>"
    )


def _mark(view: dict, team: str) -> str:
    change = view["last_change"].get(team)
    mark = view["marks"].get(team)
    if mark is None:
        return ""
    amount = f" {change:+g}".replace("-", "−") if change else ""
    if mark in ("correction", "adjust", "undo"):
        return f'<span class="mb-mark fix">{_e(t("live.corrected"))}{amount}</span>'
    if mark in MARKS:
        kind = "up" if (change or 0) > 0 else "down"
        return f'<span class="mb-mark {kind}">{_e(t(MARKS[mark]))}{amount}</span>'
    return ""


def _scores(view: dict) -> str:
    cards = []
    for row in view["standings"]:
        team = row["team"]
        on = " on" if team == view["answering_team"] or team in view["contenders"] else ""
        cards.append(
            f'<div class="mb-card{on}" data-team="{_e(team)}" data-score="{row["score"]:g}"><div class="mb-name">{_e(team)}</div>'
            f'<div class="mb-score">{row["score"]:g}</div>{_mark(view, team)}</div>'
        )
    return f'<div class="mb-scores">{"".join(cards)}</div>'


def _question(view: dict) -> str:
    q = view.get("question")
    if not q:
        waiting = t("live.must_pick", team=view["must_pick"]) if view["must_pick"] else t("live.no_question")
        return f'<div class="mb-prompt">{_e(waiting)}</div>'
    parts = [f'<div class="mb-type">{_e(type_label(q["type"]))}</div>', f'<div class="mb-prompt">{_e(q["prompt"])}</div>']
    parts += [f'<div class="mb-opt"><b>{LETTERS[i]}.</b>{_e(text)}</div>' for i, text in enumerate(q.get("options") or [])]
    if view["answer_revealed"] and "answer" in q:
        parts.append(f'<div class="mb-answer">{_e(t("live.answer", answer=answer_text(q)))}</div>')
    return "".join(parts)


def _side(view: dict, now: dt.datetime) -> str:
    parts = [_clock(view, now)]
    if view["picked_value"] is not None:
        picked = t("live.picked", value=f"{view['picked_value']:g}")
        parts.append(f'<div class="mb-who">{_e(picked)}</div>')
    if view["contenders"]:
        parts.append(f'<div class="mb-who">{_e(t("live.tiebreak_teams", teams="、".join(view["contenders"])))}</div>')
    elif view["answering_team"] and view["status"] != "pending":
        who = _e(t("live.answering", team=view["answering_team"]))
        parts.append(f'<div class="mb-who" data-answering="{_e(view["answering_team"])}">{who}</div>')
    for i, team in enumerate(view["buzz_order"]):
        parts.append(f'<div class="mb-buzz">{_e(t("live.buzz_place", n=i + 1, team=team))}</div>')
    for team in view["early_buzzes"]:
        parts.append(f'<div class="mb-foul">{_e(t("live.early_buzz", team=team))}</div>')
    parts.append(_notes(view))
    return "".join(parts)


def _notes(view: dict) -> str:
    """This question's corrections and adjustments, each as 更正 with the host's reason."""
    out = []
    for c in view["corrections"]:
        amount = f"{c['delta']:+g}".replace("-", "−")
        out.append(
            f'<div class="mb-note">{_e(t("live.correction_note", team=c["team"], delta=amount, note=c["note"] or ""))}</div>'
        )
    return "".join(out)


def _final(view: dict) -> str:
    rows = []
    for r in view["ranking"]:
        won = f' <span class="mb-won">{_e(t("live.tiebreak_won"))}</span>' if r["team"] in view["tiebreak_winners"] else ""
        rows.append(f"<tr><td>{_e(t('live.rank_n', n=r['rank']))}</td><td>{_e(r['team'])}{won}</td><td>{r['score']:g}</td></tr>")
    return f'<div class="mb-big">{_e(t("live.final"))}</div><table class="mb-rank" align="center">{"".join(rows)}</table>'


def board_html(view: dict, now: dt.datetime) -> str:
    """The whole big screen for ``view`` (a public view, the key only once revealed) at ``now``."""
    heading = view["round_name"] or "" if view["phase"] in ("running", "tiebreak") else ""
    if view["question_index"] is not None:
        heading += " · " + t("live.question_n", n=view["question_index"] + 1, total=view["questions_in_round"])
    top = f'<div class="mb-top"><div class="mb-title">{_e(view["title"])}</div><div class="mb-round">{_e(heading)}</div></div>'
    phase = view["phase"]
    if phase == "finished":
        body = _final(view)
    elif phase == "setup":
        body = f'<div class="mb-big">{_e(t("live.waiting"))}</div>' + _scores(view)
    elif phase == "ended":
        if view["top_tie"]:
            text, cls = t("live.tie", teams="、".join(view["top_tie"])), "mb-big tie"
        else:
            text, cls = t("host.ended"), "mb-big"
        body = f'<div class="{cls}">{_e(text)}</div>{_notes(view)}' + _scores(view)
    else:
        body = (
            f'<div class="mb-main"><div class="mb-q">{_question(view)}</div><div class="mb-side">{_side(view, now)}</div></div>'
        )
        body += _scores(view)
    beat = int(now.timestamp() * 1000)
    return f'{STYLE}<div class="mb" id="mingde-board" data-beat="{beat}">{top}{body}</div>'


# A quiet reconnect indicator: when the board has not been refreshed for 4 s (the server is away), a
# small grey "正在重新连接…" shows in a corner instead of Streamlit's error box (hidden on the big screen).
def beat_script() -> str:
    text = _e(t("live.reconnecting"))
    return (
        "<script>(function(){if(window.__mingdeBeat)return;window.__mingdeBeat=1;let last='',seen=Date.now();"
        "const dot=document.createElement('div');dot.id='mingde-offline';"
        f"dot.textContent='{text}';document.body.appendChild(dot);setInterval(function(){{"
        "const b=document.getElementById('mingde-board');const v=b?b.dataset.beat:'';"
        "if(v!==last){last=v;seen=Date.now();}dot.style.display=(Date.now()-seen>4000)?'block':'none';},1000);})();</script>"
    )


KIOSK = """<style>
[data-testid="stSidebar"],[data-testid="stSidebarCollapsedControl"],[data-testid="stExpandSidebarButton"],
[data-testid="stAppHeader"],[data-testid="stHeader"],[data-testid="stToolbar"],[data-testid="stAppToolbar"],
[data-testid="stStatusWidget"],[data-testid="stDecoration"],[data-testid="stConnectionStatus"],
[data-testid="stDialog"],div[data-baseweb="modal"],div[role="dialog"]{display:none!important}
[data-testid="stMainBlockContainer"]{max-width:100%!important;padding:24px 40px!important}
[data-testid="stMain"]{margin-left:0!important}
</style>"""
