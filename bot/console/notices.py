"""What the console says after a form was handled: a fixed code in the redirect's
``?notice=`` (never text taken from the request), and the words for it."""
from __future__ import annotations

from typing import Optional, Tuple

MAX_TEXT = 2000

NOTICES = {
    "taken": ("ok", "已接手：机器人已暂停，客户的新消息会实时显示在下方。"),
    "assigned": ("ok", "已分配。"),
    "taken_over": ("ok", "已接管：这张工单现在由您处理，接管已记入处理记录。"),
    "owned_by_other": ("error", "这张工单正由其他同事处理，回复没有发出。"
                                "如需由您回复，请先接管（接管会记入处理记录）。"),
    "replied": ("ok", "回复已发送给客户。"),
    "reply_kept": ("error", "回复没有送达客户，已保留在工单中（原因见消息下方）。"),
    "reply_failed": ("error", "回复发送失败，已保留在工单中，请稍后重试。"),
    "noted": ("ok", "内部备注已保存（客户看不到）。"),
    "resolved": ("ok", "工单已解决：对话已交还机器人，并已邀请客户评分。"),
    "handed_back": ("ok", "已交还机器人。"),
    "closed_undelivered": ("error", "工单已关闭，但给客户的结束消息没有送达（原因见处理记录）。"),
    "closed": ("error", "这张工单已经关闭，不能再操作。"),
    "empty": ("error", "内容不能为空。"),
    "too_long": ("error", f"内容太长了（最多 {MAX_TEXT} 字）。"),
    "rasa_down": ("error", "机器人服务暂时连不上，操作没有生效，请稍后重试。"),
    "db_down": ("error", "工单数据库暂时不可用，请稍后重试。"),
    "no_such_agent": ("error", "没有这个同事（或账号已停用）。"),
    "corrected": ("ok", "更正已保存，导出训练数据时会用到。"),
    "correction_removed": ("ok", "更正已撤销。"),
    "same_intent": ("error", "选的意图和机器人识别的一样，无需更正。"),
    "unknown_intent": ("error", "请选择列表中的意图。"),
    "not_correctable": ("error", "这条消息不能这样更正。"),
}


def notice(code: Optional[str]) -> Tuple[Optional[str], Optional[str]]:
    """(kind, text) for a notice code; (None, None) for anything unknown."""
    return NOTICES.get(code or "", (None, None))
