"""One module per social platform, all implementing services.platforms.base.PlatformAdapter."""
