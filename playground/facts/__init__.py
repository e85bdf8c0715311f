"""Model and provider facts: the catalogue, families, names, the product page, parameters, providers."""
