"""The pricing page: estimator, batch, effort, related models, the page's own note."""
