"""The compare page: variants, live columns, test sets and their rows, saved experiments."""
