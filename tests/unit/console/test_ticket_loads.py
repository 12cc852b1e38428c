"""One staff reply reads its ticket once, through the ticket page's form and through
the JSON API: the read is passed down to the sync, the take and the delivery."""
import asyncio
import json
from types import SimpleNamespace

import pytest

from bot.console import api, tickets
from bot.console.delivery import Delivery
from bot.console.takeover import Takeover
from bot.console.wording import ConsoleTexts
from bot.storage.desk import TicketDesk
from bot.storage.engine import make_engine
from bot.storage.outbox import Outbox
from bot.storage.tickets import TicketStore
from bot.storage.tracker_events import TrackerEvents
from bot.texts import Texts
from tests.support.servers import ROOT
from tests.support.tickets import new_ticket

WORDING = ConsoleTexts.of(Texts.load(ROOT / "data" / "support"))


class CountingDesk(TicketDesk):
    """The desk, counting every read of a whole ticket."""

    loads = 0

    def view(self, number):
        self.loads += 1
        return super().view(number)

    def ticket(self, number):
        self.loads += 1
        return super().ticket(number)


class CountingTickets(TicketStore):
    loads = 0

    def get(self, number):
        self.loads += 1
        return super().get(number)


class FakeRasa:
    async def pause(self, sender_id):
        pass

    async def append(self, sender_id, events):
        pass

    async def give_back(self, sender_id, action):
        return []


class Unchanged:
    """A redactor that masks nothing (the reply has no secret)."""

    def redact(self, text):
        return SimpleNamespace(text=text)


@pytest.fixture
def console(migrated_db_url):
    engine = make_engine(migrated_db_url)
    desk, store = CountingDesk(engine), CountingTickets(engine)
    takeover = Takeover(desk, FakeRasa(), Delivery(Outbox(engine), None, WORDING.delivery), TrackerEvents(engine),
                        Unchanged)
    return SimpleNamespace(takeover=takeover, stores=SimpleNamespace(desk=desk, tickets=store), wording=WORDING)



def request_to(console, form=None, body=b"", staff="wang"):
    return SimpleNamespace(app=SimpleNamespace(ctx=SimpleNamespace(console=console)), form=form or {},
                           body=body, ctx=SimpleNamespace(staff=SimpleNamespace(username=staff),
                                                          integration="desk"))


def loads(console):
    return console.stores.desk.loads + console.stores.tickets.loads


def open_ticket(console):
    number = console.stores.tickets.create(new_ticket(channel="webchat")).ticket.number
    console.stores.tickets.loads = 0
    return number


def test_a_reply_on_the_ticket_page_reads_the_ticket_once(console):
    number = open_ticket(console)
    answer = asyncio.run(tickets.reply(request_to(console, {"text": "您好，已为您处理"}), number))
    assert answer.status == 303 and "notice=replied" in answer.headers["Location"]
    assert loads(console) == 1
    assert console.stores.tickets.get(number).assigned_agent == "wang"


def test_a_reply_through_the_api_reads_the_ticket_once(console):
    number = open_ticket(console)
    body = json.dumps({"text": "您好，已为您处理"}).encode()
    answer = asyncio.run(api.reply(request_to(console, body=body), number))
    assert answer.status == 200 and json.loads(answer.body)["delivery"] == "delivered"
    assert loads(console) == 1
