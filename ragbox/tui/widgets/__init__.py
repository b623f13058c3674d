"""The widgets of the ragbox app, one module each."""
