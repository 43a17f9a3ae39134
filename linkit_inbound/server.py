"""`odoo-hub serve linkit`: check everything that can be checked, then serve under uvicorn.

At start: the settings (file + environment), the mapping and the ledger (`create_app`), the Odoo login,
the listening socket. Any of them wrong is a :class:`ConfigError` naming the setting (exit 2) before
anything listens.
"""

from __future__ import annotations

import logging
import socket

from sqlalchemy.exc import SQLAlchemyError

from etl.errors import MappingFileError
from linkit_inbound.settings import ConfigError, Settings
from tap_odoo.errors import OdooAuthError, OdooError

LOG = logging.getLogger("linkit_inbound")


def _bind(settings: Settings) -> socket.socket:
    family = socket.AF_INET6 if ":" in settings.host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio then sets TCP_NODELAY (no ~40 ms Nagle wait per answer)
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((settings.host, settings.port))
    except OSError as exc:
        sock.close()
        raise ConfigError(
            [f"host / port (env LINKIT_INBOUND_HOST / LINKIT_INBOUND_PORT): cannot listen on "
             f"{settings.host}:{settings.port}: {exc.strerror}"]
        ) from None  # fmt: skip
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def serve(settings: Settings) -> int:
    import uvicorn

    from linkit_inbound.app import create_app

    if not LOG.level:  # odoo-hub logs warnings only; a service shows its access lines and start-up
        LOG.setLevel(logging.INFO)

    try:
        app = create_app(settings)
    except MappingFileError as exc:
        raise ConfigError([f"odoo.mapping_file: {exc}"]) from None
    except (SQLAlchemyError, ImportError, OSError) as exc:  # the ledger URL (a secret: not shown)
        raise ConfigError(
            [f"ledger_url (env ODOO_HUB_LEDGER_URL): the ledger cannot be opened ({type(exc).__name__})"]
        ) from None
    client = app.state.service.client
    try:
        info = client.check()
    except OdooAuthError as exc:
        raise ConfigError([f"odoo.username / odoo.password or api_key (env ODOO_PASSWORD): {exc}"]) from None
    except OdooError as exc:
        raise ConfigError([f"odoo.url (env ODOO_URL): Odoo cannot be reached: {exc}"]) from None
    sock = _bind(settings)
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    plugins = [p for p in ("erp", "pos") if settings.plugin_key(p)]
    LOG.info(
        "Odoo %s at %s, database %s (user id %s); plugins %s; apply mode %s",
        info["server_version"],
        info["url"],
        info["database"],
        info["uid"],
        ", ".join(plugins),
        settings.apply_mode,
    )
    print(f"linkit-inbound listening on http://{shown}:{port}", flush=True)
    config = uvicorn.Config(
        app, access_log=False, log_config=None, lifespan="on", timeout_graceful_shutdown=10
    )
    uvicorn.Server(config).run(sockets=[sock])
    return 0
