"""The detector the page tests use (tests/support/staff_text.py): it finds the codes
staff must never read, and nothing in ordinary Chinese text, dates or ticket numbers."""
import pytest

from tests.support.staff_text import codes_in, page_text


@pytest.mark.parametrize("text, codes", [
    pytest.param("客户：/deny", ["/deny"], id="payload"),
    pytest.param('客户：/rate{"rating": "4"}', ["/rate"], id="payload-with-entities"),
    pytest.param("机器人执行：action_lookup_faq / transfer_form", ["action_lookup_faq", "transfer_form"], id="actions"),
    pytest.param("转人工原因：customer_request", ["customer_request"], id="reason"),
    pytest.param("意图：补充信息 · 77% T20261202-0003 12-02 14:03 /退款 {app} Ctrl+Enter", [], id="chinese"),
])
def test_codes_in(text, codes):
    assert codes_in(text) == codes


def test_page_text_leaves_out_scripts_and_templates():
    html = ("<html><head><title>x_y</title></head><body><p>转账失败</p><template>a_b</template>"
            "<script>var c_d;</script><select><option>账单/扣费</option></select></body></html>")
    assert codes_in(page_text(html)) == [] and "账单/扣费" in page_text(html)
