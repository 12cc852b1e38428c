"""What the console says to staff, read from the ``console`` section of
data/support/texts.yml: one typed accessor, so a missing key fails when the console
starts, not when a member of staff first meets the message."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional, Tuple

from bot.texts import Texts

MAX_TEXT = 2000  # characters of a reply, a note or a resolution note

OK, ERROR = "ok", "error"


def _strings(raw: Mapping[str, Any]) -> Mapping[str, str]:
    return {str(key): str(value) for key, value in raw.items()}


@dataclass(frozen=True)
class DeliveryNotes:
    """Why a message did not reach the customer (kept on the ticket for staff)."""

    rest_kept: str
    wechat_no_api: str
    wechat_window: str
    wechat_out_of_window: str
    wechat_failed: str  # {errcode}

    def failed(self, errcode: Any) -> str:
        return self.wechat_failed.format(errcode=errcode)


@dataclass(frozen=True)
class DashboardLabels:
    headline: Mapping[str, str]  # figure -> its label on the dashboard's first row
    bad_dates: str
    unavailable: str


@dataclass(frozen=True)
class ConsoleTexts:
    notices: Mapping[str, Tuple[str, str]]  # code -> (ok | error, text)
    api: Mapping[str, str]  # the JSON API's error code -> message
    errors: Mapping[str, str]
    delivery: DeliveryNotes
    dashboard: DashboardLabels
    stale_training: str
    auth: Mapping[str, str]  # signing in, refusals
    queue: Mapping[str, str]  # the queue's filters
    suggestions: Mapping[str, str]  # the suggestions panel: kinds and states
    exports: Mapping[str, str]  # the corrections' downloads

    @classmethod
    def of(cls, texts: Texts) -> "ConsoleTexts":
        raw = texts.raw("console")
        notices = {code: (kind, str(text).format(max_text=MAX_TEXT))
                   for kind in (OK, ERROR) for code, text in raw["notices"][kind].items()}
        api = {**_strings(raw["api"]),
               # the API's errors that mean what a ticket page's notice says
               "empty": notices["empty"][1], "too_long": notices["too_long"][1],
               "no_such_agent": notices["no_such_agent"][1], "closed": notices["closed"][1],
               "rasa_unavailable": notices["rasa_down"][1], "db_unavailable": notices["db_down"][1]}
        dashboard = raw["dashboard"]
        return cls(notices, api, _strings(raw["errors"]), DeliveryNotes(**_strings(raw["delivery"])),
                   DashboardLabels(_strings(dashboard["headline"]), str(dashboard["bad_dates"]),
                                   str(dashboard["unavailable"])),
                   str(raw["models"]["stale_training"]), _strings(raw["auth"]), _strings(raw["queue"]),
                   _strings(raw["suggestions"]), _strings(raw["exports"]))

    def notice(self, code: Optional[str]) -> Tuple[Optional[str], Optional[str]]:
        """(kind, text) for a notice code; (None, None) for anything unknown."""
        found = self.notices.get(code or "")
        return found if found is not None else (None, None)
