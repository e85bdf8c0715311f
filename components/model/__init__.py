"""The model page: model facts and code samples."""
