"""A new Rasa session keeps an open handoff (actions/session.py)."""
import pytest
from rasa_sdk import Tracker

from actions import services
from actions.session import ActionSessionStart
from tests.support.tickets import new_ticket


def opened(status):
    """A ticket in ``status`` and the slots a conversation has while it is open."""
    number = services.ticket_store().create(new_ticket(key=f"s:{status}")).ticket.number
    if status == "assigned":
        services.desk().assign(number, "xiaowang", actor="xiaowang")
    elif status != "waiting":
        services.desk().close(number, status, actor="xiaowang")
    slots = {"ticket_number": number, "handoff": "waiting", "problem": "transfer_failed"}
    return Tracker("u1", slots, {}, [], False, None, {}, "action_listen")


async def run(tracker, dispatcher):
    return await ActionSessionStart().run(dispatcher, tracker, {})


@pytest.mark.parametrize("status, loop, paused", [
    pytest.param("waiting", "handoff_wait_form", False, id="waiting-keeps-the-loop"),
    pytest.param("assigned", "handoff_wait_form", True, id="a-person-owns-it-stays-paused"),
])
async def test_an_open_handoff_survives_a_new_session(faq_dir, dispatcher, status, loop, paused):
    events = await run(opened(status), dispatcher)
    kinds = [e["event"] for e in events]
    assert kinds[0] == "session_started" and kinds[-1] == "action"
    assert {"event": "slot", "timestamp": None, "name": "problem", "value": "transfer_failed"} in events
    assert [e["name"] for e in events if e["event"] == "active_loop"] == [loop]
    assert ("pause" in kinds) is paused


async def test_a_closed_handoff_lets_the_bot_answer(faq_dir, dispatcher):
    events = await run(opened("resolved"), dispatcher)
    assert not [e for e in events if e["event"] in ("active_loop", "pause")]
    assert events[-2] == {"event": "slot", "timestamp": None, "name": "handoff", "value": None}


async def test_no_handoff_is_a_plain_session_start(faq_dir, dispatcher):
    events = await run(Tracker("u2", {"problem": "sms_code_delay"}, {}, [], False, None, {}, "action_listen"),
                       dispatcher)
    assert [e["event"] for e in events] == ["session_started", "slot", "action"]
