from node.node_network import network, test_pki
from support.databases import database, database_url

__all__ = ["database", "database_url", "network", "test_pki"]
