"""The Textual UI: the app, its navigation and command palette, screens and widgets."""
