"""Built-in providers, one module each; modules starting with `_` are shared helpers."""
