"""One form (ModalScreen) per module."""
