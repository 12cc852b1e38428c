"""What may become a training example or a FAQ question (pure), beside the leak guard's
refusals that tests/unit/teaching/test_inbox.py checks."""
from bot.teaching.approval import MAX_LENGTH, approve_examples, faq_questions
from bot.teaching.examples import KnownExamples
from bot.text.catalogue import Catalogue
from tests.support.servers import ROOT

CATALOGUE = Catalogue.load(ROOT / "data" / "support" / "products.yml")
NOTHING_KNOWN = KnownExamples(frozenset(), frozenset(), CATALOGUE)


def keep(text):
    return text


def test_an_example_is_written_as_the_training_data_writes_it():
    kept, refused = approve_examples([(1, f"{CATALOGUE.names['pay_later']}[额度]没了\n怎么办")], "billing_issue",
                                     NOTHING_KNOWN, {}, keep)
    assert kept == [(1, "{pay_later}［额度］没了 怎么办")] and refused == []


def test_empty_and_pasted_texts_are_refused():
    kept, refused = approve_examples([(1, "  "), (2, "长" * (MAX_LENGTH + 1))], "inform", NOTHING_KNOWN, {}, keep)
    assert kept == [] and [r.why for r in refused] == ["empty", "too_long"]


def test_the_redactor_runs_again():
    kept, _ = faq_questions([(1, "手机13812345678收不到码")], NOTHING_KNOWN, set(),
                            lambda text: text.replace("13812345678", "138****5678"))
    assert kept == [(1, "手机138****5678收不到码")]
