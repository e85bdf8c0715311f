"""Code samples of the exact request the app sends: the spec, the renderers per language, and the samples."""
