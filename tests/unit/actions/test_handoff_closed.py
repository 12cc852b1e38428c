"""A ticket's end gives the conversation back to the bot and forgets its problem."""
import pytest
from rasa_sdk import Tracker

from actions.handoff_closed import ActionHandoffResolved, ActionHandoffReturned

SLOTS = {"ticket_number": "T20261206-0001", "handoff": "waiting", "problem": "transfer_failed",
         "amount": 5000.0, "payee": "招商银行", "error_message": "提示银行系统繁忙", "faq_entry": "transfer_failed"}


@pytest.mark.parametrize("action", [ActionHandoffResolved, ActionHandoffReturned])
async def test_the_next_problem_starts_from_nothing(faq_dir, dispatcher, action):
    tracker = Tracker("u1", SLOTS, {}, [], False, None, {"name": "handoff_wait_form"}, "action_listen")
    events = await action().run(dispatcher, tracker, {})
    emptied = {e["name"] for e in events if e["event"] == "slot" and e["value"] is None}
    assert {"handoff", "problem", "amount", "payee", "error_message", "faq_entry", "handoff_summary"} <= emptied
    assert "ticket_number" not in emptied  # 我的工单进度 still finds it
    assert {"event": "active_loop", "timestamp": None, "name": None} in events
