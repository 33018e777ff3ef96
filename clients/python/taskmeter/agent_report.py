"""client.report(): the agent's plain-text report (GET /report?task=a,b) for the tasks this client
used, as the TS client's report(). Any failure is returned as a one-line explanation instead of
raised: it never raises into the app."""
from __future__ import annotations

import re
import socket
import urllib.error
import urllib.parse
import urllib.request
from typing import Sequence

# Above this the task list would make an unwieldy URL: the report then asks for every task.
MAX_TASK_QUERY_CHARS = 4000
# The agent is a sidecar: a proxy from the environment (http_proxy) would only get in the way.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def report_url_for(base_url: str, task_names: Sequence[str]) -> str:
    query = ",".join(urllib.parse.quote(name, safe="") for name in task_names)
    if not query or len(query) > MAX_TASK_QUERY_CHARS:
        return base_url + "/report"
    return base_url + "/report?task=" + query


def one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _reason(error: BaseException, timeout_ms: int) -> str:
    if isinstance(error, (socket.timeout, TimeoutError)):
        return "no answer within %d ms" % timeout_ms
    if isinstance(error, urllib.error.URLError):
        reason = error.reason
        if isinstance(reason, (socket.timeout, TimeoutError)):
            return "no answer within %d ms" % timeout_ms
        return str(reason)
    return str(error) or type(error).__name__


def fetch_report(url: str, timeout_ms: int) -> str:
    request = urllib.request.Request(url, headers={"accept": "text/plain"})
    try:
        with _OPENER.open(request, timeout=timeout_ms / 1000.0) as response:
            return response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        try:
            body = one_line(error.read().decode("utf-8", "replace"))[:200]
        except Exception:  # noqa: BLE001 - the body is only a detail of the message
            body = ""
        status = "%d %s" % (error.code, error.reason)
        return "taskmeter report unavailable: GET %s answered %s%s" % (url, status, ": " + body if body else "")
    except Exception as error:  # noqa: BLE001 - report() never raises into the app
        return one_line("taskmeter report unavailable: GET %s failed: %s" % (url, _reason(error, timeout_ms)))
