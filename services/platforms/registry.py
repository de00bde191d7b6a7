"""Platform name → adapter class. Adding a platform: its module, one line here, one fake server."""

from __future__ import annotations

from services.platforms.base import PlatformAdapter

_ADAPTERS: dict[str, type[PlatformAdapter]] = {}


def register(cls: type[PlatformAdapter]) -> type[PlatformAdapter]:
    _ADAPTERS[cls.name] = cls
    return cls


def _load_builtin() -> None:
    # Imported lazily so a broken optional platform never stops the app from starting.
    import importlib

    for module in ("demo", "x", "linkedin", "facebook", "instagram", "tiktok", "mastodon", "bluesky"):
        try:
            importlib.import_module(f"services.platforms.{module}")
        except ModuleNotFoundError as exc:
            if exc.name != f"services.platforms.{module}":
                raise


def all_adapters() -> dict[str, type[PlatformAdapter]]:
    if not _ADAPTERS:
        _load_builtin()
    return dict(_ADAPTERS)


def adapter_class(name: str) -> type[PlatformAdapter]:
    adapters = all_adapters()
    if name not in adapters:
        raise KeyError(f"unknown platform {name!r}")
    return adapters[name]


def get_adapter(name: str, *, instance_url: str = "", client=None) -> PlatformAdapter:  # noqa: ANN001
    return adapter_class(name)(instance_url=instance_url, client=client)
