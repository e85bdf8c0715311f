"""The wire: SSE, the HTTP client, retries, error classification, the request plan and both protocol clients."""
