"""The pages players see, built with NiceGUI: one module per page, plus the components they share."""
