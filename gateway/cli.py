"""Command line: serve, db upgrade, seed demo|synthetic, export-schema."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from gateway.config import Settings

log = logging.getLogger("gateway")


def _serve(args: argparse.Namespace, settings: Settings) -> None:
    import uvicorn

    from gateway.app import create_app

    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="info")


def _db_upgrade(_args: argparse.Namespace, settings: Settings) -> None:
    from gateway.db.migrate import upgrade

    upgrade(settings.database_url)
    print(f"Base de données à jour : {settings.database_url}")


def _seed_demo(args: argparse.Namespace, settings: Settings) -> None:
    from gateway.seed.demo import seed_demo_command

    asyncio.run(seed_demo_command(settings, only_if_empty=args.if_empty))


def _seed_synthetic(args: argparse.Namespace, settings: Settings) -> None:
    from gateway.seed.synthetic import seed_synthetic_command

    asyncio.run(seed_synthetic_command(settings, clients=args.clients, seed=args.seed))


def _mail_send(args: argparse.Namespace, settings: Settings) -> None:
    from gateway.mail.command import send_mail_command

    report = asyncio.run(send_mail_command(settings, watch=args.watch))
    if not args.watch:
        print(f"Courriels envoyés : {report.sent}, en échec : {report.failed}")
    if report.failed:
        sys.exit(1)


def _prevention_rappels(_args: argparse.Namespace, settings: Settings) -> None:
    from gateway.services.prevention_rappels import prevention_reminders_command

    report = asyncio.run(prevention_reminders_command(settings))
    print(f"Rappels de prévention : {report.courriels} courriels, {report.actions} actions")


def _export_schema(_args: argparse.Namespace, _settings: Settings) -> None:
    from gateway.schema.assembly import export_sdl

    sys.stdout.write(export_sdl())


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="gateway", description="Mon compte indépendant GraphQL gateway"
    )
    commands = root.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve GraphQL (GraphiQL on GET /graphql)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(handler=_serve)

    db = commands.add_parser("db", help="database migrations")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("upgrade", help="apply Alembic migrations").set_defaults(
        handler=_db_upgrade
    )

    seed = commands.add_parser("seed", help="load data")
    seed_commands = seed.add_subparsers(dest="seed_command", required=True)
    demo = seed_commands.add_parser("demo", help="the demo cabinet, clients and identities")
    demo.add_argument("--if-empty", action="store_true", help="do nothing when data exists")
    demo.set_defaults(handler=_seed_demo)
    synthetic = seed_commands.add_parser("synthetic", help="a large portfolio for benchmarks")
    synthetic.add_argument("--clients", type=int, required=True)
    synthetic.add_argument("--seed", type=int, default=1)
    synthetic.set_defaults(handler=_seed_synthetic)

    mail = commands.add_parser("mail", help="e-mail outbox")
    mail_commands = mail.add_subparsers(dest="mail_command", required=True)
    send = mail_commands.add_parser("send", help="deliver the due outbox messages")
    send.add_argument("--watch", action="store_true", help="keep delivering until Ctrl-C")
    send.set_defaults(handler=_mail_send)

    prevention = commands.add_parser("prevention", help="Ma prévention santé")
    prevention_commands = prevention.add_subparsers(dest="prevention_command", required=True)
    prevention_commands.add_parser(
        "rappels", help="queue the reminder e-mails due today (run daily, before mail send)"
    ).set_defaults(handler=_prevention_rappels)

    commands.add_parser("export-schema", help="print the GraphQL SDL").set_defaults(
        handler=_export_schema
    )
    return root


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    args = parser().parse_args(argv)
    args.handler(args, Settings.from_environment())


if __name__ == "__main__":
    main()
