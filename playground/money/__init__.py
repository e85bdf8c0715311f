"""Money and counting: prices, usage readings, served-model prices, batches, budgets, tokens."""
