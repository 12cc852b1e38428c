"""Command line: ``python -m bot <command>``."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import List, Optional

from bot.processes import Service, run_services


def _bin(name: str) -> str:
    """Path of a console script installed next to the running interpreter."""
    return str(Path(sys.executable).with_name(name))


def _action_server(port: int) -> Service:
    return Service("actions", [_bin("rasa"), "run", "actions", "--port", str(port)])


def _rasa_server(args: argparse.Namespace) -> Service:
    return Service(
        "rasa",
        [
            _bin("rasa"), "run",
            "--model", args.model,
            "--port", str(args.port),
            "--credentials", "credentials.yml",
            "--endpoints", args.endpoints,
            "--enable-api",
            "--cors", "*",
        ],
    )


def _redact_line(line: str) -> str:
    from bot.pii import redact

    return redact(line)


def cmd_run(args: argparse.Namespace) -> int:
    Path("var").mkdir(exist_ok=True)
    services = [_action_server(args.actions_port), _rasa_server(args)]
    return run_services(services, line_filter=_redact_line)


def cmd_shell(args: argparse.Namespace) -> int:
    Path("var").mkdir(exist_ok=True)
    shell = [_bin("rasa"), "shell", "--model", args.model, "--endpoints", args.endpoints]
    return run_services([_action_server(args.actions_port)], foreground=shell,
                        line_filter=_redact_line)


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from bot.config import Settings
    from bot.tickets.migrate import upgrade

    Path("var").mkdir(exist_ok=True)
    upgrade(args.url or Settings.from_env().tickets_db_url)
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    from bot.training import ensure_model, fresh_model

    if fresh_model(Path(".")) is not None:
        print("model is up to date")
        return 0
    print(f"trained {ensure_model(Path('.'))}")
    return 0


def cmd_form_rules(args: argparse.Namespace) -> int:
    from bot.diagnostics.spec import DiagnosticsSpec
    from bot.dialogue.form_rules import render

    spec = DiagnosticsSpec.load(Path("data/support/diagnostics.yml"))
    Path(args.out).write_text(render(Path("domain.yml"), spec), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


def cmd_push(args: argparse.Namespace) -> int:
    from bot.push import push_to_customer

    row = push_to_customer(args.sender_id, args.text, db_url=args.url)
    print(f"message {row['id']} queued for {args.sender_id}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="start the Rasa server and the action server")
    run.add_argument("--port", type=int, default=int(os.environ.get("RASA_PORT", 5005)))
    run.add_argument("--actions-port", type=int, default=5055)
    run.add_argument("--model", default="models")
    run.add_argument("--endpoints", default="endpoints.yml",
                     help="its action_endpoint must point at --actions-port")
    run.set_defaults(func=cmd_run)

    shell = sub.add_parser("shell", help="chat in the terminal (starts the action server)")
    shell.add_argument("--actions-port", type=int, default=5055)
    shell.add_argument("--model", default="models")
    shell.add_argument("--endpoints", default="endpoints.yml")
    shell.set_defaults(func=cmd_shell)

    db = sub.add_parser("db-upgrade", help="create or upgrade the ticket database schema")
    db.add_argument("--url", help="SQLAlchemy URL (default: TICKETS_DB_URL or var/tickets.db)")
    db.set_defaults(func=cmd_db_upgrade)

    train = sub.add_parser("train", help="rasa train, unless the newest model was trained from the same inputs")
    train.set_defaults(func=cmd_train)

    rules = sub.add_parser("form-rules", help="regenerate the rules around the diagnostic forms")
    rules.add_argument("--out", default="data/rules/diagnostics.yml")
    rules.set_defaults(func=cmd_form_rules)

    push = sub.add_parser("push", help="show a staff message in a customer's web chat window")
    push.add_argument("sender_id")
    push.add_argument("text")
    push.add_argument("--url", help="SQLAlchemy URL (default: TICKETS_DB_URL or var/tickets.db)")
    push.set_defaults(func=cmd_push)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)
