"""Platform name → adapter class. Adding a platform: its module, one line here, one fake server."""

from __future__ import annotations

from services.platforms.base import PlatformAdapter

_ADAPTERS: dict[str, type[PlatformAdapter]] = {}
_BUILTINS_LOADED = False


def register(cls: type[PlatformAdapter]) -> type[PlatformAdapter]:
    _ADAPTERS[cls.name] = cls
    return cls


BUILTIN_PLATFORMS = (
    "demo",
    "x",
    "linkedin",
    "facebook",
    "instagram",
    "tiktok",
    "mastodon",
    "bluesky",
    "telegram",
    "discord",
)


def _load_builtin() -> None:
    # Imported lazily (the adapters import this module to register), but never guarded: a missing
    # platform module is a broken install and must fail loudly, not hide the platform.
    import importlib

    for module in BUILTIN_PLATFORMS:
        importlib.import_module(f"services.platforms.{module}")


def all_adapters() -> dict[str, type[PlatformAdapter]]:
    # A flag, not `if not _ADAPTERS`: importing one platform module directly registers it and
    # must not hide the others.
    global _BUILTINS_LOADED
    if not _BUILTINS_LOADED:
        _load_builtin()
        _BUILTINS_LOADED = True
    return dict(_ADAPTERS)


def adapter_class(name: str) -> type[PlatformAdapter]:
    adapters = all_adapters()
    if name not in adapters:
        raise KeyError(f"unknown platform {name!r}")
    return adapters[name]


def get_adapter(name: str, *, instance_url: str = "", client=None) -> PlatformAdapter:  # noqa: ANN001
    return adapter_class(name)(instance_url=instance_url, client=client)
