"""Rasa's events as the report reads them: conversations, answered turns, rephrasing, ratings."""
from datetime import datetime, timezone

from bot.reports.history import conversations_of, rating_of

T0 = datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc).timestamp()


def user(t, text, intent, channel="webchat", rating=None):
    entities = [] if rating is None else [{"entity": "rating", "value": str(rating)}]
    return {"event": "user", "timestamp": T0 + t, "text": text, "input_channel": channel,
            "parse_data": {"intent": {"name": intent, "confidence": 0.9}, "entities": entities}}


def action(t, name):
    return {"event": "action", "timestamp": T0 + t, "name": name}


def session(t):
    return [action(t, "action_session_start"), {"event": "session_started", "timestamp": T0 + t},
            action(t, "action_listen")]


def test_a_conversation_counts_answered_turns_and_the_turns_asked_to_rephrase():
    events = session(0) + [
        user(1, "asdkjh", "nlu_fallback"), action(2, "action_lookup_faq"), action(2, "utter_please_rephrase"),
        action(2, "action_listen"),
        user(10, "收不到验证码", "sms_code_delay"), action(11, "action_lookup_faq"), action(11, "utter_ask_solved"),
        action(11, "action_listen"),
        user(20, "好的", "affirm", channel="rest"), action(21, "utter_ask_rating"), action(21, "action_listen"),
        user(30, '/rate{"rating": "5"}', "rate", rating=5), action(31, "utter_thank_rating"),
    ]
    [conversation] = conversations_of("u1", events)
    assert (conversation.answered_turns, conversation.rephrase_turns) == (4, 1)
    assert conversation.channel == "webchat"  # of the first message
    assert conversation.started_at.timestamp() == T0 + 1 and conversation.opened_at.timestamp() == T0
    assert [(r.value, r.after_handoff, r.channel) for r in conversation.ratings] == [(5, False, "webchat")]


def test_sessions_split_conversations_and_one_without_a_customer_message_is_none():
    events = session(0) + [user(1, "你好", "greet"), action(2, "utter_greet")] + session(4000) + session(9000) + [
        user(9001, "在吗", "greet"), action(9002, "utter_greet")]
    first, second = conversations_of("u1", events)
    assert first.until.timestamp() == T0 + 4000  # the next session opened, empty or not
    assert second.opened_at.timestamp() == T0 + 9000 and second.until is None
    assert second.started_at.timestamp() == T0 + 9001


def test_messages_while_a_person_owns_the_conversation_are_not_the_bot_s_turns():
    events = session(0) + [
        user(1, "我要投诉", "complain"), action(2, "utter_complaint_received"), action(2, "action_handoff_to_human"),
        action(2, "handoff_wait_form"), action(2, "action_listen"),
        {"event": "pause", "timestamp": T0 + 3},
        user(4, "人呢", "request_human"), user(5, "快点", "inform"),
        {"event": "resume", "timestamp": T0 + 6}, action(6, "action_handoff_resolved"), action(6, "action_listen"),
        user(7, '/rate{"rating": "2"}', "rate", rating=2), action(8, "utter_thank_rating"),
        user(9, "4分吧", "rate", rating=4), action(10, "utter_thank_rating"),
    ]
    [conversation] = conversations_of("u1", events)
    assert conversation.answered_turns == 3  # the complaint and the two ratings
    # one request, two ratings: the last counts; asked for by the console after a person resolved it
    assert [(r.value, r.after_handoff) for r in conversation.ratings] == [(4, True)]


def test_each_request_gets_its_own_rating():
    events = session(0) + [action(1, "utter_ask_rating"), user(2, "5", "rate", rating=5),
                           action(3, "utter_ask_rating"), user(4, "3", "rate", rating=3)]
    [conversation] = conversations_of("u1", events)
    assert [r.value for r in conversation.ratings] == [5, 3]


def test_what_is_a_rating():
    assert rating_of(user(0, "五星", "rate", rating=5)) == 5
    assert rating_of({"event": "user", "parse_data": {"intent": {"name": "rate"}, "entities": [
        {"entity": "rating", "value": "五", "normalized": 5.0}]}}) == 5
    assert rating_of(user(0, "5", "inform", rating=5)) is None
    assert rating_of(user(0, "5", "inform", rating=5), just_asked=True) == 5
    assert rating_of(user(0, "5", "transfer_failed", rating=5), just_asked=True) is None
    assert rating_of(user(0, "7分", "rate", rating=7)) is None
    assert rating_of(user(0, "好评", "rate")) is None


def test_a_bare_number_counts_only_right_after_the_rating_question():
    events = session(0) + [
        action(1, "utter_ask_rating"), action(1, "action_listen"), user(2, "4", "inform", rating=4),
        action(3, "utter_thank_rating"), action(3, "utter_goodbye"), action(3, "action_listen"),
        user(4, "转了3次", "inform", rating=3), action(5, "action_lookup_faq"),
        action(6, "action_handoff_resolved"), action(6, "action_listen"), user(7, "2", "inform", rating=2),
    ]
    [conversation] = conversations_of("u1", events)
    assert [(r.value, r.after_handoff) for r in conversation.ratings] == [(4, False), (2, True)]
