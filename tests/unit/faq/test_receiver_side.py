"""Who sent the money (search.yml `receiver_side`): a customer who sent it never gets
the entries for money that should have come in."""
import pytest

from bot.faq.knowledge_base import KnowledgeBaseError, load_knowledge_base
from tests.support.faq_kb import ROOT, write_kb

KB = load_knowledge_base(ROOT / "data" / "faq")
SIDE = KB.settings.receiver_side


@pytest.mark.parametrize("text, sender", [
    pytest.param("我转给我老公的钱他说一直没到", True, id="sent-to-my-husband"),
    pytest.param("昨天我给我爸打了两千 他卡上没看到", True, id="sent-to-my-father"),
    pytest.param("给我妹转了五百 她那边没收到", True, id="subject-left-out"),
    pytest.param("钱从我这边转出去了 对方说没到", True, id="gone-out-from-me"),
    pytest.param("朋友转给我的钱一直没到账", False, id="a-friend-sent-it"),
    pytest.param("我妈说给我打了生活费 我这里没有", False, id="mum-sent-it"),
    pytest.param("转账失败了 钱扣了", False, id="no-direction"),
])
def test_the_sender_is_told_apart_from_the_receiver(text, sender):
    assert SIDE.sender_tells(text) is sender


def test_the_receivers_own_questions_never_read_as_sent():
    for entry_id in SIDE.entries:
        for question in KB.by_id[entry_id].questions:
            assert not SIDE.sender_tells(question), question


def test_a_pattern_that_is_no_regular_expression_is_refused(tmp_path):
    with pytest.raises(KnowledgeBaseError):
        load_knowledge_base(write_kb(tmp_path, settings={"receiver_side": {"entries": [], "sent": ["我(转"]}}))
