"""The web face served by the gateway: static assets and the GraphiQL page."""
