"""Built-in tasks (one folder each) and benchmark loaders (one module each)."""
