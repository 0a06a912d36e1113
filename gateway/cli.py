"""Command line: serve, db upgrade, seed demo|synthetic, mail send, keys, webhooks deliver,
export-schema."""

from __future__ import annotations

import argparse
import asyncio
import logging
import socket
import sys

from gateway.config import Settings, SettingsError
from gateway.observability.logs import configure_logging

log = logging.getLogger("gateway")


def _serve(args: argparse.Namespace, settings: Settings) -> None:
    import uvicorn

    from gateway.app import create_app

    # The gateway logs each request itself (gateway.request); uvicorn's access log is off
    # and its other messages go through the gateway's handler.
    if args.workers > 1:
        # Each worker builds the app from the same environment (gateway.serving).
        uvicorn.run(
            "gateway.serving:worker_app",
            factory=True,
            workers=args.workers,
            host=args.host,
            port=args.port,
            access_log=False,
            log_config=None,
        )
        return
    config = uvicorn.Config(
        create_app(settings), host=args.host, port=args.port, access_log=False, log_config=None
    )
    if not args.welcome:
        uvicorn.Server(config).run()
        return

    class Welcoming(uvicorn.Server):
        """Prints the URLs and demo identities once the socket listens (``make run``)."""

        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets)
            if self.started:
                from gateway.welcome import welcome

                print(welcome(settings.public_base_url), flush=True)

    Welcoming(config).run()


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


def _keys_rotate(_args: argparse.Namespace, settings: Settings) -> None:
    from gateway.auth.keys_command import rotate_keys_command

    kid = asyncio.run(rotate_keys_command(settings))
    print(
        f"Nouvelle clé de signature : {kid} (l'ancienne vérifie jusqu'à expiration de ses jetons)"
    )


def _keys_list(_args: argparse.Namespace, settings: Settings) -> None:
    from gateway.auth.keys_command import list_keys_command

    for line in asyncio.run(list_keys_command(settings)):
        print(line)


def _prevention_rappels(_args: argparse.Namespace, settings: Settings) -> None:
    from gateway.services.prevention_rappels import prevention_reminders_command

    report = asyncio.run(prevention_reminders_command(settings))
    print(f"Rappels de prévention : {report.courriels} courriels, {report.actions} actions")


def _config_check(_args: argparse.Namespace, settings: Settings) -> None:
    """The effective configuration (every variable, secrets masked); reaching this
    means every value passed validation."""
    effective = settings.effective()
    width = max(len(name) for name in effective)
    for name, value in effective.items():
        print(f"{name.ljust(width)}  {value}")
    print("Configuration is valid.")


def _documents_add(args: argparse.Namespace, settings: Settings) -> None:
    from gateway.http.persisted import add_documents_command

    asyncio.run(add_documents_command(settings, args.files))


def _documents_list(_args: argparse.Namespace, settings: Settings) -> None:
    from gateway.http.persisted import list_documents_command

    asyncio.run(list_documents_command(settings))


def _webhooks_deliver(args: argparse.Namespace, settings: Settings) -> None:
    from gateway.events.command import deliver_command

    report = asyncio.run(deliver_command(settings, watch=args.watch))
    if not args.watch:
        print(
            f"{report.delivered} livrée(s), {report.failed} échec(s), "
            f"{report.skipped} écartée(s), {report.disabled} point(s) désactivé(s)"
        )


def _accounting_day(_args: argparse.Namespace, settings: Settings) -> None:
    from gateway.services.situation_compte import AccountingDayRunning, accounting_day_command

    try:
        report = asyncio.run(accounting_day_command(settings))
    except AccountingDayRunning as running:
        raise SystemExit(str(running)) from running
    print(
        f"Journée comptable du {report.jour:%d/%m/%Y} : {report.situations} situations de "
        f"compte à jour, {report.plans_denonces} plans de paiement dénoncés, "
        f"{report.declarations_manquantes} déclarations de revenus devenues manquantes."
    )


def _export_schema(_args: argparse.Namespace, _settings: Settings) -> None:
    from gateway.schema.assembly import export_sdl

    sys.stdout.write(export_sdl())


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("au moins 1")
    return number


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="gateway", description="Mon compte indépendant GraphQL gateway"
    )
    commands = root.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve GraphQL (GraphiQL on GET /graphql)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--welcome",
        action="store_true",
        help="once listening, print the URLs and the demo identities (make run)",
    )
    serve.add_argument(
        "--workers",
        type=_positive,
        default=1,
        help="processes serving the same port; they share the database and nothing else",
    )
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

    keys = commands.add_parser("keys", help="token signing keys (stored in the database)")
    keys_commands = keys.add_subparsers(dest="keys_command", required=True)
    keys_commands.add_parser(
        "rotate", help="store a new signing key; the old one verifies until its tokens expire"
    ).set_defaults(handler=_keys_rotate)
    keys_commands.add_parser("list", help="the keys in use").set_defaults(handler=_keys_list)
    prevention = commands.add_parser("prevention", help="Ma prévention santé")
    prevention_commands = prevention.add_subparsers(dest="prevention_command", required=True)
    prevention_commands.add_parser(
        "rappels", help="queue the reminder e-mails due today (run daily, before mail send)"
    ).set_defaults(handler=_prevention_rappels)

    config = commands.add_parser("config", help="settings read from the environment")
    config.add_subparsers(dest="config_command", required=True).add_parser(
        "check", help="validate the settings and print them (secrets masked)"
    ).set_defaults(handler=_config_check)
    trusted = commands.add_parser("documents", help="the registry of trusted GraphQL documents")
    trusted_commands = trusted.add_subparsers(dest="documents_command", required=True)
    add = trusted_commands.add_parser(
        "add", help="register the operations of .graphql files (one document per file)"
    )
    add.add_argument("files", nargs="+", help="files holding one GraphQL document each")
    add.set_defaults(handler=_documents_add)
    trusted_commands.add_parser("list", help="the registered documents").set_defaults(
        handler=_documents_list
    )
    webhooks = commands.add_parser("webhooks", help="webhook deliveries")
    webhooks_commands = webhooks.add_subparsers(dest="webhooks_command", required=True)
    deliver = webhooks_commands.add_parser("deliver", help="send the due webhook deliveries")
    deliver.add_argument("--watch", action="store_true", help="keep delivering until Ctrl-C")
    deliver.set_defaults(handler=_webhooks_deliver)

    commands.add_parser(
        "accounting-day",
        help="bring every stored account situation to today (run daily; idempotent)",
    ).set_defaults(handler=_accounting_day)
    commands.add_parser("export-schema", help="print the GraphQL SDL").set_defaults(
        handler=_export_schema
    )
    return root


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    try:
        settings = Settings.from_environment()
    except SettingsError as error:
        # One line naming the variable, its value and what is expected: no traceback.
        print(f"gateway: invalid configuration: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    configure_logging(
        settings.log_format if args.command == "serve" else "text", settings.log_level
    )
    args.handler(args, settings)


if __name__ == "__main__":
    main()
