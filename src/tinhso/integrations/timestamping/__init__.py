"""Time-stamping (RFC 3161): signatures ask the configured TSA (TINHSO_SIGNING_TSA_URL) through
pyHanko's HTTP client; simulator.py is the demo's stand-in for a licensed TSA."""
