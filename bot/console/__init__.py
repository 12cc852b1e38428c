"""The staff console: a Sanic app built by `create_app(settings, stores)` (bot.console.app)."""
