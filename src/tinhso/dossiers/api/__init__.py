"""The dossier REST API (mounted under /api/v1/ by dossiers.api_urls)."""
