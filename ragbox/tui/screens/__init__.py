"""The screens of the ragbox app: the main screen and its modal dialogs."""
