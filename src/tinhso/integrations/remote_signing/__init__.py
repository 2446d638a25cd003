"""Remote signing (SIM or HSM): the client behind tinhso.signing's Signer port and the
simulator that stands in for a signing service, both speaking the protocol in protocol.py."""

from .client import RemoteKeyStore, RemoteSigner

__all__ = ["RemoteKeyStore", "RemoteSigner"]
