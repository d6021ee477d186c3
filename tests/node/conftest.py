from node.node_network import network
from support.databases import database, database_url

__all__ = ["database", "database_url", "network"]
