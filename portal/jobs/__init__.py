"""Background jobs: long reports rendered off the request thread, polled with htmx."""
