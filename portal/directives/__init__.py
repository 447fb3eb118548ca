"""Directives as tasks: what a sign-off's directive asks of whom, by when, followed until done."""
