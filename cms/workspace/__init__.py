"""Staff and purchaser work screens inside the Wagtail admin. Views here are thin: they
load through the same scoped querysets as the rest of the site and call services."""
