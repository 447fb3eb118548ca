"""Shared web plumbing: access control, htmx helpers, navigation, error pages."""
