"""Browser tests of the portal (Playwright + Debian Chromium + axe-core)."""
