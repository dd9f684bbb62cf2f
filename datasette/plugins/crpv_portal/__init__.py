"""Portal logic shared by the Datasette plugin files beside this package.

Datasette loads each `plugins/*.py` file by path, not as part of a package, so the plugin
files put this directory on `sys.path` and import `crpv_portal` from it. The package holds
the queries, the French formatting, the feeds and the metadata; the plugin files only wire
them into Datasette hooks.
"""

DB_NAME = "portail"
