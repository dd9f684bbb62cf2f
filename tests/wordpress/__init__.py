"""A real WordPress for the tests (Debian's package, a throwaway MariaDB, `php -S`):
`server.py` runs it, `site.php` writes content through WordPress's own PHP API,
`content.py` says what the site publishes, `router.php` routes pretty permalinks."""
