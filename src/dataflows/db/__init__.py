"""The Neo4j layer: connection, loader, stored queries.

Named ``db`` (not ``neo4j``) so it never shadows the driver package.
"""
