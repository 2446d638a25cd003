"""Pages for citizens; thin wrappers over the domain apps' services and selectors."""
