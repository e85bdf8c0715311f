"""The history page: saved conversations and spend."""
