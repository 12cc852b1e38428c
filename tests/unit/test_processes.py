import io
import sys

from bot.processes import ProcessGroup, Service, run_services


def python(code: str) -> list:
    return [sys.executable, "-c", code]


def test_logs_are_prefixed_filtered_and_all_stop_when_one_exits():
    out = io.StringIO()
    group = ProcessGroup(
        [
            # short exits after long has started, which stops long too
            Service("short", python("import time; time.sleep(1); print('hello 13812345678', flush=True)")),
            Service("long", python("import time; print('up', flush=True); time.sleep(60)")),
        ],
        out=out,
        line_filter=lambda line: line.replace("13812345678", "138****5678"),
    )
    group.start()
    assert group.wait() == 0
    lines = out.getvalue().splitlines()
    assert "[short] hello 138****5678" in lines
    assert "[long ] up" in lines


def test_failing_service_exit_code_is_returned():
    code = run_services([Service("bad", python("import sys; sys.exit(3)"))])
    assert code == 3


def test_foreground_command_stops_the_services():
    code = run_services(
        [Service("bg", python("import time; time.sleep(60)"))],
        foreground=python("print('shell done')"),
    )
    assert code == 0


def test_each_service_gets_its_own_variables_and_health_is_awaited_in_order(tmp_path):
    from bot.processes import rss_mb
    from tests.support.processes import free_port

    port = free_port()
    server = ("import http.server, os; print(os.environ['WHO'], flush=True); "
              f"http.server.HTTPServer(('127.0.0.1', {port}), http.server.SimpleHTTPRequestHandler).serve_forever()")
    out = io.StringIO()
    group = ProcessGroup([Service("web", python(server), {"WHO": "web-1"}, f"http://127.0.0.1:{port}/")],
                         out=out)
    group.start()
    try:
        assert group.wait_healthy(timeout=20)
        assert rss_mb(group.pids()["web"]) > 1
    finally:
        group.stop()
    assert "[web] web-1" in out.getvalue().splitlines()


def test_health_wait_ends_when_a_service_exits():
    group = ProcessGroup([Service("gone", python("pass"), health_url="http://127.0.0.1:9/")], out=io.StringIO())
    group.start()
    try:
        assert not group.wait_healthy(timeout=20)
    finally:
        group.stop()


def test_a_worker_that_dies_is_started_again_until_it_keeps_dying():
    out = io.StringIO()
    group = ProcessGroup([Service("worker", python("print('up', flush=True); import sys; sys.exit(4)"),
                                  restart=True),
                          Service("steady", python("import time; time.sleep(60)"))], out=out)
    group.start()
    assert group.wait() == 4
    lines = out.getvalue().splitlines()
    assert lines.count("[worker] up") == 1 + ProcessGroup.MAX_RESTARTS
    assert "[worker] exited with code 4; starting it again" in lines
