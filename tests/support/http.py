"""Plain HTTP requests for tests: the status and body, also for 4xx/5xx answers."""
from __future__ import annotations

import urllib.error
import urllib.request
from typing import Dict, Optional, Tuple


def request(url: str, method: str = "GET", body: Optional[bytes] = None,
            headers: Optional[Dict[str, str]] = None) -> Tuple[int, bytes]:
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
