"""培训活动: upcoming 培训班, 讲座 and 交流会 of one's audience, with sign-up and cancel."""

import streamlit as st

from ui.auth import access
from ui.event_widgets import hours_progress, upcoming_events
from ui.state import catalog, t

me = access()
st.title(t("events.my_title"))
hours_progress(me, catalog())
upcoming_events(me, catalog())
