from api.api_network import anyio_backend, api
from node.node_network import network
from support.databases import database, database_url

__all__ = ["anyio_backend", "api", "database", "database_url", "network"]
