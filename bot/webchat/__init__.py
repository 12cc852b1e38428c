"""The in-app help window's pure parts: signed tokens and the page's static files."""
