"""What every settings module reads first: where the machine's state lives (var/), the
environment's switches and lists, and the secret key with the demo's secrets derived from it."""

import hashlib
import hmac
import os
import secrets
from pathlib import Path

VAR_DIR = Path(os.environ.get("TINHSO_VAR_DIR", Path.cwd() / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PRODUCTION = env_bool("TINHSO_PRODUCTION")


def _secret_key() -> str:
    """Production must be given a key; the demo keeps a generated one under var/."""
    key = os.environ.get("TINHSO_SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise RuntimeError("TINHSO_SECRET_KEY is required when TINHSO_PRODUCTION is on")
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()


def derived_secret(name: str) -> str:
    """A stable secret for the demo's own parts, derived from SECRET_KEY (never shipped)."""
    return hmac.new(SECRET_KEY.encode(), name.encode(), hashlib.sha256).hexdigest()
