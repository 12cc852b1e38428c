"""Several action-server workers over one database: each picks a publish and a rollback up
by itself, from the store the console writes (bot.storage.faq_versions)."""
import time

from bot.faq.exchange import read_entries
from bot.faq.lookup import FaqService
from bot.storage.engine import make_engine
from bot.storage.faq_versions import FaqVersionStore
from tests.support.faq_kb import write_kb


def _answer(service):
    return service.lookup("怎么关闭自动续费", "billing_issue").answer.answer


def _with_answer(entries, text):
    return [{**e, "answer": text} if e["id"] == "billing_cancel_renewal" else e for e in entries]


def test_every_worker_answers_from_the_published_version(tmp_path, migrated_db_url):
    faq = write_kb(tmp_path / "faq")
    console = FaqVersionStore(make_engine(migrated_db_url))
    workers = [FaqService(faq, published=FaqVersionStore(make_engine(migrated_db_url)), fresh_wait=0)
               for _ in range(2)]
    for worker in workers:
        assert _answer(worker).startswith("在「我的")  # nothing published: the files
        worker.watch(every=0.05)

    seed = console.seed(read_entries(faq), "初始导入", "导入")
    edited = console.save(_with_answer(seed.entries, "控制台发布的答案"), "admin1", "修改", seed.number)
    console.publish(edited.number, "admin1")
    deadline = time.time() + 20
    while any(_answer(worker) != "控制台发布的答案" for worker in workers):  # the last index answers meanwhile
        assert time.time() < deadline, [_answer(worker) for worker in workers]
        time.sleep(0.05)

    console.roll_back(seed.number, "admin1", "回滚到版本 1")
    while any(not _answer(worker).startswith("在「我的") for worker in workers):
        assert time.time() < deadline + 20, [_answer(worker) for worker in workers]
        time.sleep(0.05)
