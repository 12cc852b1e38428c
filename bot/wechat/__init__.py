"""WeChat official-account messaging: settings, crypto, parsing, routing, replies, API."""
