"""CMS imitations of the mirror: each module has `assign(ctx)` (paths) and `render(ctx) -> Site`."""
