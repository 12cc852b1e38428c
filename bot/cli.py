"""Command line: ``python -m bot <command>``."""
from __future__ import annotations

import argparse
import json
import logging
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any, List, Optional

from bot.processes import ProcessGroup, Service, run_services
from bot.settings import Settings

logger = logging.getLogger(__name__)


def _bin(name: str) -> str:
    """Path of a console script installed next to the running interpreter."""
    return str(Path(sys.executable).with_name(name))


def rasa_command(*args: str) -> List[str]:
    """Rasa's command line through our launcher (which installs `bot.rasa_ext.patches`)."""
    return [sys.executable, "-m", "bot.rasa_ext.launcher", *args]


# rasa-sdk listens on every interface unless told otherwise; Rasa calls it on loopback.
ACTION_SERVER_ENV = {"SANIC_HOST": "127.0.0.1"}


def _action_server(port: int) -> Service:
    return Service("actions", [_bin("rasa"), "run", "actions", "--port", str(port)], ACTION_SERVER_ENV)


def _share_action_server_token(settings: Settings) -> None:
    """Rasa (endpoints.yml ``token: ${ACTION_SERVER_TOKEN}``) and the action server
    (rasa_sdk_plugins) read the same secret: from the environment, else generated once."""
    from bot.local_secrets import action_server_token
    from bot.processes import inherit

    inherit({"ACTION_SERVER_TOKEN": action_server_token(settings)})


def _share_model_server(settings: Settings, console_port: int) -> None:
    """Rasa pulls the active model from the console (bot.rasa_ext.model_pull), with a
    token both read: from the environment, else generated once."""
    from bot.local_secrets import model_server_token
    from bot.processes import inherit

    url = settings.model_server_url or f"http://127.0.0.1:{console_port}/models/active.tar.gz"
    inherit({"MODEL_SERVER_URL": url, "MODEL_SERVER_TOKEN": model_server_token(settings)})


def _rasa_server(args: argparse.Namespace) -> Service:
    return Service("rasa", rasa_command(
        "run", "--model", args.model, "--port", str(args.port),
        "--credentials", "credentials.yml", "--endpoints", args.endpoints, "--enable-api"))


def _console(args: argparse.Namespace) -> Service:
    """The console beside the Rasa server started with ``args`` (its port, its tracker store)."""
    return Service("console", [sys.executable, "-m", "bot", "console", "--port", str(args.console_port),
                               "--rasa-url", f"http://localhost:{args.port}", "--endpoints", args.endpoints])


def _migrate(settings: Settings) -> None:
    """The one place that migrates: before any server starts (they only check)."""
    from bot.storage.migrate import upgrade

    upgrade(settings.database_url)


def _redact_line(line: str) -> str:
    from bot.pii import redact

    return redact(line)


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    settings.var_dir.mkdir(exist_ok=True)
    _migrate(settings)
    _share_action_server_token(settings)
    _share_model_server(settings, args.console_port)
    services = [_action_server(args.actions_port), _rasa_server(args), _console(args)]
    return run_services(services, line_filter=_redact_line)


def _report_when_ready(group: ProcessGroup, timeout: float) -> None:
    """One line when every worker answers, then each process's memory."""
    from bot.processes import rss_mb

    started = time.monotonic()
    if not group.wait_healthy(timeout):
        group.say(f"[run-prod] not every service answered within {timeout:.0f} s")
        return
    memory = ", ".join(f"{name} {rss_mb(pid):.0f} MB" for name, pid in group.pids().items())
    group.say(f"[run-prod] ready after {time.monotonic() - started:.0f} s; memory: {memory}")


def cmd_run_prod(args: argparse.Namespace, settings: Settings) -> int:
    """The production profile on one machine (bot/production.py)."""
    from bot import production

    endpoints = Path(args.endpoints)
    if not endpoints.is_absolute():
        endpoints = settings.project_dir / endpoints
    try:
        production.check_settings(settings)
        production.check_services(settings)
        services = production.services(settings, args.model, args.credentials, endpoints,
                                       rasa_command("run"), [_bin("rasa"), "run", "actions"])
    except (production.ProfileError, RuntimeError) as error:
        print(f"run-prod: {error}", file=sys.stderr)
        return 2
    settings.var_dir.mkdir(exist_ok=True)
    _migrate(settings)
    _share_action_server_token(settings)
    _share_model_server(settings, settings.console_port)
    group = ProcessGroup(services, line_filter=_redact_line)
    group.start()
    threading.Thread(target=_report_when_ready, args=(group, args.ready_timeout), daemon=True).start()
    return group.wait()


def cmd_console(args: argparse.Namespace, settings: Settings) -> int:
    """The staff console alone (``make console``); the database must be migrated."""
    from bot.console.app import create_app
    from bot.storage.migrate import SchemaNotCurrent, require_current

    if args.rasa_url:
        settings = replace(settings, rasa_url=args.rasa_url.rstrip("/"))
    if args.endpoints:
        settings = settings.with_endpoints(Path(args.endpoints))
    try:
        require_current(settings.database_url)
    except SchemaNotCurrent as error:
        print(f"console: {error}", file=sys.stderr)
        return 2
    app = create_app(settings, credentials_file=Path(args.credentials))
    print(f"staff console on http://{args.host}:{args.port}/", flush=True)
    app.run(host=args.host, port=args.port, access_log=False, workers=1)
    return 0


def cmd_shell(args: argparse.Namespace, settings: Settings) -> int:
    settings.var_dir.mkdir(exist_ok=True)
    _migrate(settings)
    _share_action_server_token(settings)
    shell = rasa_command("shell", "--model", args.model, "--endpoints", args.endpoints)
    return run_services([_action_server(args.actions_port)], foreground=shell,
                        line_filter=_redact_line)


def cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from bot.storage.migrate import upgrade

    upgrade(args.url or settings.database_url)
    return 0


def cmd_train(args: argparse.Namespace, settings: Settings) -> int:
    from bot.training import ensure_model, fresh_model

    if fresh_model(settings.project_dir) is not None:
        print("model is up to date")
        return 0
    print(f"trained {ensure_model(settings.project_dir)}")
    return 0


def cmd_form_rules(args: argparse.Namespace, settings: Settings) -> int:
    from bot.diagnostics.form_rules import render
    from bot.diagnostics.spec import DiagnosticsSpec

    spec = DiagnosticsSpec.load(settings.support_dir)
    Path(args.out).write_text(render(settings.project_dir / "domain.yml", spec), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


def cmd_push(args: argparse.Namespace, settings: Settings) -> int:
    from bot.push import push_to_customer

    row = push_to_customer(args.url or settings.database_url, args.sender_id, args.text, settings.redis_url)
    print(f"message {row['id']} queued for {args.sender_id}")
    return 0


def _engines(settings: Settings):
    from bot.storage.engine import make_engine

    return make_engine(settings.database_url), make_engine(settings.tracker_db_url)


def cmd_purge(args: argparse.Namespace, settings: Settings) -> int:
    """Delete what the retention policy no longer keeps (run it daily, e.g. from cron)."""
    from datetime import datetime, timezone

    from bot.storage.retention import RetentionPolicy, purge

    policy = RetentionPolicy(settings.retention_tracker_days, settings.retention_outbox_days,
                             settings.retention_transcript_days)
    database, tracker = _engines(settings)
    removed = purge(database, tracker, policy, datetime.now(timezone.utc))
    logger.info("purge (%s): removed %s", policy, removed)
    print(json.dumps({"policy_days": policy.__dict__, "removed": removed}))
    return 0


def cmd_forget(args: argparse.Namespace, settings: Settings) -> int:
    """Erase one customer's conversations (a personal-information deletion request)."""
    from bot.pii.masks import short_id
    from bot.storage.retention import forget

    database, tracker = _engines(settings)
    removed = forget(database, tracker, args.sender_id)
    logger.info("forget %s: removed %s", short_id(args.sender_id, keep=3), removed)
    print(json.dumps({"removed": removed}))
    return 0


def cmd_remask(args: argparse.Namespace, settings: Settings) -> int:
    """Mask the secrets of rows stored before masking covered them (idempotent)."""
    from bot.pii import default_redactor
    from bot.storage.remask import remask

    database, tracker = _engines(settings)
    counts = remask(database, tracker, default_redactor(), dry_run=args.dry_run)
    logger.info("remask%s: %s", " (dry run)" if args.dry_run else "", counts)
    print(json.dumps({"dry_run": args.dry_run, "rows": counts}))
    return 0


def _staff_store(settings: Settings):
    """The staff accounts of a database at the current schema (`SchemaNotCurrent` otherwise)."""
    from bot.storage.engine import make_engine
    from bot.storage.migrate import require_current
    from bot.storage.staff import StaffStore

    require_current(settings.database_url)
    return StaffStore(make_engine(settings.database_url))


def _new_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    import getpass

    password = getpass.getpass("password: ")
    if getpass.getpass("password again: ") != password:
        raise ValueError("the two passwords differ")
    return password


def cmd_staff_add(args: argparse.Namespace, settings: Settings) -> int:
    """A staff account for the console (the first admin of a new installation)."""
    from bot.storage.migrate import SchemaNotCurrent

    try:
        store = _staff_store(settings)
        member = store.add(args.username, args.display_name or args.username, args.role,
                           _new_password(args.password_stdin))
    except (SchemaNotCurrent, ValueError) as error:  # ValueError: InvalidStaffInput, passwords differ
        print(f"staff add: {error}", file=sys.stderr)
        return 2
    print(f"added {member.role} {member.username} (id {member.id})")
    return 0


def cmd_staff_token(args: argparse.Namespace, settings: Settings) -> int:
    """A new bearer token for an integration; printed once, only its hash is stored."""
    from bot.storage.migrate import SchemaNotCurrent

    try:
        token = _staff_store(settings).create_integration_token(args.name)
    except (SchemaNotCurrent, ValueError) as error:
        print(f"staff token: {error}", file=sys.stderr)
        return 2
    print(f"integration token for {args.name} (shown once, keep it secret):", file=sys.stderr)
    print(token)
    return 0


def cmd_export_nlu(args: argparse.Namespace, settings: Settings) -> int:
    """Staff corrections and inbox approvals as NLU training data, and FAQ drafts, for review before `make train`."""
    from datetime import datetime, timezone

    from bot.handoff.sla import ServiceHours
    from bot.reports.period import BadPeriod, parse_day, start_of, zone
    from bot.storage.corrections import CorrectionStore
    from bot.storage.engine import make_engine
    from bot.storage.inbox import InboxStore
    from bot.storage.migrate import SchemaNotCurrent, require_current
    from bot.teaching.exporter import export_corrections

    where = zone(ServiceHours.load(settings.support_dir / "service_hours.yml").timezone)
    try:
        since = start_of(parse_day(args.since), where) if args.since else None
        require_current(settings.database_url)
    except (BadPeriod, SchemaNotCurrent) as error:
        print(f"export-nlu: {error}", file=sys.stderr)
        return 2
    out = Path(args.out) if args.out else settings.var_dir / "exports" / "corrections_nlu.yml"
    faq_out = Path(args.faq_out) if args.faq_out else out.with_name(f"{out.stem}_faq_drafts.yml")
    engine = make_engine(settings.database_url)
    exports = export_corrections(settings, CorrectionStore(engine), since,
                                 datetime.now(timezone.utc).astimezone(where), InboxStore(engine))
    for path, text in ((out, exports.nlu.yaml), (faq_out, exports.faq.yaml)):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    skipped: dict = {}
    for item in exports.nlu.skipped:
        skipped[item.why] = skipped.get(item.why, 0) + 1
    print(json.dumps({"corrections": exports.corrections, "approved": exports.approved,
                      "examples": exports.nlu.count,
                      "skipped": skipped, "answers_marked_wrong": exports.nlu.answers_marked_wrong,
                      "faq_drafts": len(exports.faq.entries), "nlu_file": str(out), "faq_file": str(faq_out)},
                     ensure_ascii=False))
    return 0


def _faq_store(settings: Settings) -> Any:
    from bot.storage.engine import make_engine
    from bot.storage.faq_versions import FaqVersionStore
    from bot.storage.migrate import require_current

    require_current(settings.database_url)
    return FaqVersionStore(make_engine(settings.database_url))


def cmd_export_faq(args: argparse.Namespace, settings: Settings) -> int:
    """The published knowledge base (the console's) back into data/faq/<area>.yml, for git."""
    from bot.faq.exchange import write_entries
    from bot.storage.migrate import SchemaNotCurrent

    try:
        published = _faq_store(settings).published()
    except SchemaNotCurrent as error:
        print(f"export-faq: {error}", file=sys.stderr)
        return 2
    if published is None:
        print("export-faq: nothing published yet (the files are the knowledge base)", file=sys.stderr)
        return 1
    out = Path(args.out) if args.out else settings.faq_dir
    written = write_entries(published.entries, out)
    print(json.dumps({"version": published.number, "entries": len(published.entries),
                      "files": [str(p) for p in written]}, ensure_ascii=False))
    return 0


def cmd_import_faq(args: argparse.Namespace, settings: Settings) -> int:
    """data/faq/<area>.yml as a new version of the console's knowledge base, published."""
    from bot.console.faq_editing import FaqEditor
    from bot.faq.changes import describe, diff_entries
    from bot.faq.exchange import read_entries
    from bot.faq.knowledge_base import KnowledgeBaseError
    from bot.storage.migrate import SchemaNotCurrent

    source = Path(args.source) if args.source else settings.faq_dir
    try:
        store = _faq_store(settings)
        editor = FaqEditor(store, settings.faq_dir)
        entries = read_entries(source)
        editor.validate(entries)
        head = store.head()
        if head is not None and head.entries == entries:
            version = head
        else:
            summary = f"导入：{describe(diff_entries(head.entries if head else [], entries))}"
            version = store.save(entries, args.author, summary, head.number if head else 0)
        if store.published_id() != version.number:
            store.publish(version.number, args.author)
    except (SchemaNotCurrent, KnowledgeBaseError) as error:
        print(f"import-faq: {error}", file=sys.stderr)
        return 2
    print(json.dumps({"version": version.number, "entries": len(entries)}, ensure_ascii=False))
    return 0


def build_parser(defaults: Settings) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="start the Rasa server and the action server")
    run.add_argument("--port", type=int, default=defaults.rasa_port)
    run.add_argument("--actions-port", type=int, default=defaults.actions_port)
    run.add_argument("--console-port", type=int, default=defaults.console_port)
    run.add_argument("--model", default="models")
    run.add_argument("--endpoints", default="endpoints.yml",
                     help="its action_endpoint must point at --actions-port")
    run.set_defaults(func=cmd_run)

    prod = sub.add_parser("run-prod", help="the production profile: WORKERS Rasa and action servers "
                                           "behind nginx, PostgreSQL and Redis, the console")
    prod.add_argument("--model", default="models")
    prod.add_argument("--endpoints", default="endpoints.prod.yml")
    prod.add_argument("--credentials", default="credentials.yml")
    prod.add_argument("--ready-timeout", type=float, default=600.0,
                      help="seconds to wait for every worker before saying so")
    prod.set_defaults(func=cmd_run_prod)

    console = sub.add_parser("console", help="start the staff console alone")
    console.add_argument("--host", default="127.0.0.1")
    console.add_argument("--port", type=int, default=defaults.console_port)
    console.add_argument("--credentials", default="credentials.yml",
                         help="the WeChat section gives the customer-service API's address")
    console.add_argument("--rasa-url", help="the Rasa server's HTTP API (default: RASA_URL)")
    console.add_argument("--endpoints", help="the Rasa endpoints file naming the tracker store "
                                             "(default: ENDPOINTS_FILE)")
    console.set_defaults(func=cmd_console)

    shell = sub.add_parser("shell", help="chat in the terminal (starts the action server)")
    shell.add_argument("--actions-port", type=int, default=defaults.actions_port)
    shell.add_argument("--model", default="models")
    shell.add_argument("--endpoints", default="endpoints.yml")
    shell.set_defaults(func=cmd_shell)

    db = sub.add_parser("db-upgrade", help="create or upgrade the database schema (the only command that migrates)")
    db.add_argument("--url", help="SQLAlchemy URL (default: DATABASE_URL or var/bot.db)")
    db.set_defaults(func=cmd_db_upgrade)

    train = sub.add_parser("train", help="rasa train, unless the newest model was trained from the same inputs")
    train.set_defaults(func=cmd_train)

    rules = sub.add_parser("form-rules", help="regenerate the rules around the diagnostic forms")
    rules.add_argument("--out", default="data/rules/diagnostics.yml")
    rules.set_defaults(func=cmd_form_rules)

    purge = sub.add_parser("purge", help="delete conversations older than the retention policy")
    purge.set_defaults(func=cmd_purge)

    forget = sub.add_parser("forget", help="erase one customer's conversations, window messages "
                                           "and ticket transcripts (keeps ticket numbers and dates)")
    forget.add_argument("sender_id")
    forget.set_defaults(func=cmd_forget)

    remask = sub.add_parser("remask", help="mask again every secret already stored (conversations, "
                                           "window messages, transcripts, diagnostics)")
    remask.add_argument("--dry-run", action="store_true", help="count the rows that would change; write nothing")
    remask.set_defaults(func=cmd_remask)

    push = sub.add_parser("push", help="show a staff message in a customer's web chat window")
    push.add_argument("sender_id")
    push.add_argument("text")
    push.add_argument("--url", help="SQLAlchemy URL (default: DATABASE_URL or var/bot.db)")
    push.set_defaults(func=cmd_push)

    export = sub.add_parser("export-nlu", help="staff corrections and examples approved in the inbox as NLU "
                                                "training data (data/nlu format), and FAQ drafts, for review")
    export.add_argument("--since", help="corrections made (examples approved) on or after this day "
                                        "(YYYY-MM-DD, service hours' zone)")
    export.add_argument("--out", help="the NLU file (default: var/exports/corrections_nlu.yml)")
    export.add_argument("--faq-out", help="the FAQ drafts (default: beside --out, *_faq_drafts.yml)")
    export.set_defaults(func=cmd_export_nlu)

    export_faq = sub.add_parser("export-faq", help="write the knowledge base published in the console "
                                                    "into data/faq/<area>.yml (same format)")
    export_faq.add_argument("--out", help="directory (default: FAQ_DIR, i.e. data/faq)")
    export_faq.set_defaults(func=cmd_export_faq)
    import_faq = sub.add_parser("import-faq", help="data/faq/<area>.yml as a new published version of "
                                                    "the console's knowledge base")
    import_faq.add_argument("--from", dest="source", help="directory (default: FAQ_DIR, i.e. data/faq)")
    import_faq.add_argument("--author", default="导入", help="recorded as the version's author")
    import_faq.set_defaults(func=cmd_import_faq)

    staff = sub.add_parser("staff", help="staff console accounts and integration tokens")
    staff_sub = staff.add_subparsers(dest="staff_command", required=True)
    staff_add = staff_sub.add_parser("add", help="add a staff account (the password is asked twice)")
    staff_add.add_argument("username")
    staff_add.add_argument("--role", required=True, help="admin or agent")
    staff_add.add_argument("--display-name", help="shown in the console (default: the username)")
    staff_add.add_argument("--password-stdin", action="store_true",
                           help="read the password from the first line of stdin instead")
    staff_add.set_defaults(func=cmd_staff_add)
    staff_token = staff_sub.add_parser("token", help="print a new bearer token for the console's JSON API")
    staff_token.add_argument("name")
    staff_token.set_defaults(func=cmd_staff_token)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = Settings.from_env()
    args = build_parser(settings).parse_args(argv)
    return args.func(args, settings)
