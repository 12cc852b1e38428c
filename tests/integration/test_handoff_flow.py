"""Handoffs end to end: trained model, real action server, real ticket database.

The diagnostic forms before a handoff: tests/test_diagnostic_forms.py."""
import json
import urllib.request
import uuid

import pytest
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

from tests.support.dialogue import say
from tests.support.servers import action_webhook
from tests.support.tickets import tickets_of

pytestmark = pytest.mark.model


def new_sender() -> str:
    return f"handoff-{uuid.uuid4().hex[:8]}"


async def test_asking_again_does_not_open_a_second_ticket(agent, ticket_store):
    sender = new_sender()
    await say(agent, sender, "转人工")
    first = await say(agent, sender, "我的钱被冻结了")
    second = await say(agent, sender, "人工客服 快点")
    assert "action_handoff_to_human" in first.actions
    assert second.actions == ["handoff_wait_form"]  # the loop asks through action_ask_handoff_note
    assert len(tickets_of(ticket_store, sender)) == 1
    assert tickets_of(ticket_store, sender)[0].number in second.reply


async def test_stolen_account_is_p1(agent, ticket_store):
    sender = new_sender()
    await say(agent, sender, "我的账号被盗了 有人异地登录还转走了钱")
    turn = await say(agent, sender, "转人工")
    # After the urgent answer, a person asked for comes at once: no questions first.
    assert turn.actions == ["action_before_handoff_questions", "account_form", "action_handoff_to_human",
                            "handoff_wait_form"]
    [ticket] = tickets_of(ticket_store, sender)
    assert ticket.priority == "P1"


async def test_a_bare_complaint_goes_straight_to_a_human_with_raised_priority(agent, ticket_store):
    sender = new_sender()
    turn = await say(agent, sender, "我要投诉")
    assert turn.actions == ["action_read_complaint", "utter_complaint_received", "action_handoff_to_human",
                            "handoff_wait_form"]
    [ticket] = tickets_of(ticket_store, sender)
    assert (ticket.handoff_reason, ticket.priority) == ("complaint", "P2")


async def test_two_unclear_messages_in_a_row_lead_to_a_handoff(agent, ticket_store):
    sender = new_sender()
    first = await say(agent, sender, "asdkjh qwpeo zxmn")
    assert first.actions[-1] == "utter_please_rephrase"
    second = await say(agent, sender, "zzkx qpwoe lkjh")
    assert second.actions[-2:] == ["action_handoff_to_human", "handoff_wait_form"]
    [ticket] = tickets_of(ticket_store, sender)
    assert ticket.handoff_reason == "low_confidence"


async def test_customer_hears_ticket_status(agent, ticket_store):
    sender = new_sender()
    await say(agent, sender, "转人工")
    await say(agent, sender, "跳过")
    [ticket] = tickets_of(ticket_store, sender)
    await say(agent, sender, "不用了")  # called off: the bot answers status questions again
    turn = await say(agent, sender, "我的工单进度怎么样了")
    assert turn.actions == ["action_ticket_status"]
    assert ticket.number in turn.reply and "已取消" in turn.reply


async def test_someone_elses_ticket_stays_private(agent, ticket_store):
    owner, other = new_sender(), new_sender()
    await say(agent, owner, "转人工")
    await say(agent, owner, "跳过")
    [ticket] = tickets_of(ticket_store, owner)
    turn = await say(agent, other, f"工单{ticket.number}到哪一步了")
    assert ticket.number not in turn.reply


async def test_a_retried_handoff_request_makes_no_second_ticket(agent, action_server_url, ticket_store):
    """Rasa retries an action call whose answer got lost: the action server sees
    the same handoff twice and must answer with the same ticket."""
    sender = new_sender()
    await say(agent, sender, "转人工 我的手机是13812345678")
    tracker = await agent.tracker_store.retrieve(sender)
    # The tracker as it was when the handoff was first asked for.
    events = list(tracker.events)
    last_user = max(i for i, e in enumerate(events) if e.type_name == "user")
    before = DialogueStateTracker.from_events(sender, events[:last_user + 1], agent.domain.slots)
    body = json.dumps({
        "next_action": "action_handoff_to_human", "sender_id": sender,
        "tracker": before.current_state(EventVerbosity.ALL),
        "domain": agent.domain.as_dict(), "version": "3.6.21",
    }).encode()

    def call() -> dict:
        request = urllib.request.Request(action_webhook(action_server_url), data=body,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)

    first, second = call(), call()
    [ticket] = tickets_of(ticket_store, sender)
    assert ticket.number in first["responses"][0]["text"]
    assert ticket.number in second["responses"][0]["text"]
