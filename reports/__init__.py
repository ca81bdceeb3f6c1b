"""Report renderers, one module per output format; each exports `SUFFIX` and `render(data)`."""
