"""Penalties models arrive with their issue (see docs/architecture.md)."""
