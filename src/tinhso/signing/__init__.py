"""One signing and validation service for the whole product: PAdES for PDFs, XMLDSig for XML,
keys behind a port (a PKCS#12 file, or a remote SIM/HSM signer), validation offline against the
configured trust roots and revocation lists. docs/signing.md describes it."""
