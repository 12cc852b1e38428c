import pytest

from bot.faq.key_step import key_step


@pytest.mark.parametrize("answer, step", [
    pytest.param("分期可以提前还：\n1. 星花分期：进入「星花 > 账单 > 分期详情」，点「提前还款」。\n"
                 "2. 星借：进入借款详情。",
                 "星花分期：进入「星花 > 账单 > 分期详情」，点「提前还款」。", id="the-first-place-in-the-app"),
    pytest.param("请检查手机号和信号。\n再试一次。", "请检查手机号和信号。", id="no-place-the-first-line"),
    pytest.param("", "", id="empty"),
])
def test_the_key_step_is_the_first_line_that_names_a_place_in_the_app(answer, step):
    assert key_step(answer) == step
