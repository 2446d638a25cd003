"""Pages for officials; thin wrappers over dossiers.selectors and dossiers.lifecycle."""
