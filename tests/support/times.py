"""Moments in Shanghai time, the zone of the service hours."""
from datetime import datetime

from dateutil import tz

SHANGHAI = tz.gettz("Asia/Shanghai")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)
