"""The wiring: running services built from the roles below, and the background loops they own.

``NodeService`` serves a node: the peer endpoint (``lienthong.node``) over mutual TLS, and on a
second listener the API (``lienthong.api``) with the agency console (``lienthong.console``)
mounted on it; it starts and stops the delivery worker, the statistics reporter and the webhook
dispatcher. ``DirectoryService`` serves the directory's API (``lienthong.directory``) with the
portal (``lienthong.portal``) mounted on it. The lower packages import nothing from here: what
they need from above is passed down.

>>> with NodeService(NodeHome.load(path), ServeSettings(port=8443)) as service:   # doctest: +SKIP
...     asyncio.run(service.serve(on_listening=print))
"""

from lienthong.server._delivery import DeliveryWorker
from lienthong.server._directory_service import (
    DirectoryService,
    DirectorySettings,
    create_directory_app,
)
from lienthong.server._node_service import NodeService, ServeSettings
from lienthong.server._statistics import STATISTICS_FILE, ReporterState, StatisticsReporter
from lienthong.server._webhooks import WEBHOOK_RETRY, WebhookDispatcher

__all__ = [
    "STATISTICS_FILE",
    "WEBHOOK_RETRY",
    "DeliveryWorker",
    "DirectoryService",
    "DirectorySettings",
    "NodeService",
    "ReporterState",
    "ServeSettings",
    "StatisticsReporter",
    "WebhookDispatcher",
    "create_directory_app",
]
