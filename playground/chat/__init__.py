"""The chat record and its events: state, conversation, the reply being built, errors, export."""
