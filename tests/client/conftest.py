from client.live import anyio_backend, live, sdk

__all__ = ["anyio_backend", "live", "sdk"]
