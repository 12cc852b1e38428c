"""Masking case table: secrets that must be masked, and look-alikes that must not."""
import pytest

from bot.pii import default_redactor


@pytest.fixture(scope="module")
def redactor():
    return default_redactor()


MASKED = [
    # mobile phones: first 3 and last 4 kept
    pytest.param("我手机13812345678", "我手机138****5678", id="phone-plain"),
    pytest.param("电话 138 1234 5678 谢谢", "电话 138****5678 谢谢", id="phone-spaces"),
    pytest.param("号码是138-1234-5678", "号码是138****5678", id="phone-dashes"),
    pytest.param("+86 13912345678", "139****5678", id="phone-plus86-space"),
    pytest.param("+8615800001111打不通", "158****1111打不通", id="phone-plus86-joined"),
    pytest.param("008618612345678", "186****5678", id="phone-0086"),
    pytest.param("手机:19912345678。", "手机:199****5678。", id="phone-fullwidth-context"),
    pytest.param("两个号13812345678和15912345678", "两个号138****5678和159****5678", id="phone-two"),
    pytest.param("phone=17712345678", "phone=177****5678", id="phone-after-equals"),
    pytest.param("換了手機號13612345678", "換了手機號136****5678", id="phone-traditional-context"),
    # ID cards: check digit validated, first 4 and last 4 kept
    pytest.param("身份证11010519491231002X", "身份证1101**********002X", id="idcard-x"),
    pytest.param("身份证号 440301199003071230 ", "身份证号 4403**********1230 ", id="idcard-digit"),
    pytest.param("证件 320102198511224567", "证件 3201**********4567", id="idcard-after-space"),
    pytest.param("510107197709098887是我的", "5101**********8887是我的", id="idcard-at-start"),
    # a mistyped ID or card is still someone's: the checksum never decides whether to mask
    pytest.param("身份证110105194912310021", "身份证1101**********0021", id="idcard-bad-check-digit"),
    pytest.param("卡号6222021234567890127", "卡号6222***********0127", id="bankcard-bad-luhn"),
    pytest.param("6222 0212 3456 7890 127 转不出去", "6222***********0127 转不出去", id="bankcard-spaced-bad-luhn"),
    pytest.param("订单号2026112212345678901", "订单号2026***********8901", id="card-shaped-transaction-id"),
    pytest.param("手机14012345678", "手机140****5678", id="phone-unassigned-prefix"),
    # bank cards: Luhn validated, first 4 and last 4 kept
    pytest.param("卡号6222021234567890128", "卡号6222***********0128", id="bankcard-19"),
    pytest.param("卡号 6222 0212 3456 7890 128", "卡号 6222***********0128", id="bankcard-spaced"),
    pytest.param("6217-0000-0123-4567-891收不到钱", "6217***********7891收不到钱", id="bankcard-dashed"),
    pytest.param("信用卡4367421234567896", "信用卡4367********7896", id="bankcard-16"),
    # SMS codes next to a code word
    pytest.param("验证码是123456", "验证码是******", id="code-shi"),
    pytest.param("我的验证码：8842", "我的验证码：******", id="code-colon"),
    pytest.param("验证码 667788 刚收到", "验证码 ****** 刚收到", id="code-space"),
    pytest.param("動態碼是445566", "動態碼是******", id="code-traditional"),
    pytest.param("OTP 908172", "OTP ******", id="code-otp"),
    pytest.param("code 556677", "code ******", id="code-english"),
    pytest.param("校验码为20394", "校验码为******", id="code-5-digits"),
    pytest.param("123456是验证码", "******是验证码", id="code-before-word"),
    pytest.param("动态码8765432", "动态码******", id="code-7-digits"),
    pytest.param("我把码发给你你看看对不对 385621", "我把码发给你你看看对不对 ******", id="code-handed-over"),
    pytest.param("验证码我告诉你 是 4471", "验证码我告诉你 是 ******", id="code-told-a-few-words-on"),
    # passwords after a password word
    pytest.param("密码是abc123!", "密码是******", id="password-shi"),
    pytest.param("登录密码：Pass@2026 帮我看看", "登录密码：****** 帮我看看", id="password-colon"),
    pytest.param("password qwerty12", "password ******", id="password-english"),
    pytest.param("支付密码666888", "支付密码******", id="password-digits"),
    pytest.param("密碼=hello_world", "密碼=******", id="password-traditional"),
    pytest.param("那我密码也给你 abc12345", "那我密码也给你 ******", id="password-a-few-words-on"),
    pytest.param("密码改成了Qw3rty99", "密码改成了******", id="password-changed-to"),
    pytest.param("她密码是 奶奶生日 19520318 你看看对不对", "她密码是 奶奶生日 ****** 你看看对不对",
                 id="password-described-then-given"),
    # a password's shape, no password word beside it
    pytest.param("登录的 我记得就是 Lzy19780315 难道不对?", "登录的 我记得就是 ****** 难道不对?", id="password-shape"),
    pytest.param("是不是这个wang.li2024", "是不是这个******", id="password-shape-with-a-dot"),
    # several kinds in one message
    pytest.param("手机13812345678 验证码123456 密码abc123",
                 "手机138****5678 验证码****** 密码******", id="mixed"),
]

UNCHANGED = [
    pytest.param("转了5000元", id="amount"),
    pytest.param("扣了¥12800", id="amount-yen"),
    pytest.param("2026年11月20日下午3点", id="date"),
    pytest.param("20261120", id="compact-date"),
    pytest.param("订单号2026112212345678901234567", id="transaction-id-28-digits"),
    pytest.param("交易号TX20261122000123", id="transaction-id-letters"),
    pytest.param("工单T20261122-0001", id="ticket-id"),
    pytest.param("错误码40029", id="error-code"),
    pytest.param("12345678901", id="not-a-mobile"),
    pytest.param("订单号120345678901", id="12-digit-order-number"),
    pytest.param("1381234567", id="phone-too-short"),
    pytest.param("010-12345678", id="landline"),
    pytest.param("123456789012345", id="15-digits"),
    pytest.param("等了123456秒", id="digits-without-code-word"),
    pytest.param("验证码收不到", id="code-word-without-code"),
    pytest.param("验证码等了15分钟", id="code-word-with-minutes"),
    pytest.param("验证码收不到 转给你5000块的那笔也失败了", id="code-word-then-an-amount"),
    pytest.param("忘记密码了怎么办", id="password-word-without-password"),
    pytest.param("密码错误", id="password-word-then-chinese"),
    pytest.param("密码输错了3次 app登不上", id="password-word-then-a-count"),
    pytest.param("版本号5.2.1", id="app-version"),
    pytest.param("iPhone 15 iOS17", id="device"),
    pytest.param("华为mate40 安卓 vivoX100", id="device-models"),
    pytest.param("iPhone15ProMax", id="device-model-long"),
    pytest.param("交易单号TX20261122000123A", id="transaction-id-capitals"),
    pytest.param("邮箱lzy1978@qq.com", id="email"),
    pytest.param("", id="empty"),
    pytest.param("   ", id="blank"),
]


@pytest.mark.parametrize("text, expected", MASKED)
def test_secrets_are_masked(redactor, text, expected):
    assert redactor.redact(text).text == expected


@pytest.mark.parametrize("text", UNCHANGED)
def test_look_alikes_are_left_alone(redactor, text):
    assert redactor.redact(text).text == text


def test_redaction_reports_the_kinds_found(redactor):
    result = redactor.redact("手机13812345678 验证码123456")
    assert result.kinds == ("phone_number", "sms_code")


def test_huge_message_is_handled(redactor):
    text = "收不到验证码" * 5000 + "13812345678"
    assert redactor.redact(text).text.endswith("138****5678")


@pytest.mark.parametrize("number, kind", [
    pytest.param("11010519491231002X", "id_card", id="valid-id"),
    pytest.param("110105194912310021", "id_card", id="id-with-a-wrong-check-digit"),
    pytest.param("622202123456789012", "bank_card", id="18-digit-card-no-birth-date"),
    pytest.param("6222021234567890127", "bank_card", id="19-digit-card-bad-luhn"),
])
def test_the_checksum_only_decides_the_label(redactor, number, kind):
    assert redactor.redact(f"号码 {number}").kinds == (kind,)


@pytest.mark.parametrize("text, expected", [
    pytest.param("收到了 是这个吗 482913 你看看", "收到了 是这个吗 ****** 你看看", id="code-sent-back"),
    pytest.param("5531", "******", id="code-alone"),
    pytest.param("等了半天 来了 908172", "等了半天 来了 ******", id="code-at-the-end"),
])
def test_a_number_alone_is_a_code_while_the_code_problem_is_in_hand(redactor, text, expected):
    assert redactor.redact(text).text == text
    assert redactor.redact(text, code_expected=True).text == expected


@pytest.mark.parametrize("text", [
    pytest.param("我打了10086问了 说短信没拦截", id="carrier-number"),
    pytest.param("95588说不是他们的问题", id="bank-number"),
    pytest.param("手机尾号8821收不到", id="phone-last-four"),
    pytest.param("转了5000 一直没到", id="amount-after-a-verb"),
    pytest.param("2000块的那笔要验证", id="amount"),
    pytest.param("2026年的新手机", id="year"),
    pytest.param("版本号5.2.1", id="version"),
    pytest.param("订单 DD20261120334455", id="order-number"),
])
def test_numbers_named_as_something_else_are_not_codes(redactor, text):
    assert redactor.redact(text, code_expected=True).text == text
