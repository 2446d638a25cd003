"""Benchmark of edXML packages: building and sealing, parsing and validating.

    .venv/bin/python bench/edxml_bench.py [--rounds 50] [--passes 3]

1. makes a demo PKI in a temporary folder (root, subordinate CA, CRLs, an agency's seal) and
   points the trust settings at it;
2. times, one after another in this process, for a document with two small files (a 20 KB
   PDF and a 5 KB attachment) and for one with a 1 MB file: building the package and sealing
   it (XMLDSig, RSA-SHA256, exclusive c14n, chain in KeyInfo), then parsing it strictly and
   validating its seal offline against the root and CRLs (what the exchange axis does with
   each package it receives);
3. writes bench/reports/edxml.md and .json: p50/p95/max per operation and each pass's p95,
   with the date, the machine and its load (it is shared).

Sealing here calls the signing module with the key directly: the service around it adds one
audit row per signature, which is the database's time, not XMLDSig's.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tinhso.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from signing import timed  # noqa: E402  (bench/signing.py: passes, median pass)

from tinhso.documents import edxml  # noqa: E402
from tinhso.signing import xml  # noqa: E402
from tinhso.signing.keys import Pkcs12Signer  # noqa: E402
from tinhso.signing.pki import DemoPki  # noqa: E402

REPORTS = ROOT / "bench" / "reports"


def document() -> edxml.Document:
    return edxml.Document(
        sender=edxml.Organ("H44.07", "Sở Xây dựng tỉnh Phú Thọ"),
        receivers=(edxml.Organ("H44.03", "Sở Tư pháp tỉnh Phú Thọ"),
                   edxml.Organ("H44.10", "Sở Y tế tỉnh Phú Thọ")),
        code=edxml.Code("123", "QĐ-SXD"),
        promulgation=edxml.Promulgation(date(2026, 12, 5), "Phú Thọ"),
        document_type=edxml.DocumentType(2, 1, "Quyết định"),
        subject="Về việc cấp giấy phép xây dựng công trình nhà ở riêng lẻ",
        signer=edxml.SignerInfo("Hoàng Thị Mai", "Giám đốc"),
        other=edxml.OtherInfo(priority=1, page_amount=2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--out", default="edxml")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    cases = {
        "small files (20 KB + 5 KB)": [edxml.Attachment("quyet-dinh.pdf", os.urandom(20_000)),
                                       edxml.Attachment("phu-luc.pdf", os.urandom(5_000))],
        "one 1 MB file": [edxml.Attachment("ho-so-quet.pdf", os.urandom(1024 * 1024))],
    }
    results, sizes = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        pki = DemoPki(tmp)
        seal = Pkcs12Signer(pki.issue_seal("H44.07", "Sở Xây dựng tỉnh Phú Thọ", "bench"),
                            "bench")
        settings.TINHSO_SIGNING_TRUST_ROOTS = [str(pki.trust_root_path)]
        settings.TINHSO_SIGNING_CRLS = [str(p) for p in pki.crl_paths]
        for name, files in cases.items():
            def package_and_seal(files=files):
                data = edxml.build_document(document(), files)
                return xml.sign(edxml.with_signature_slot(data), seal)

            signed = package_and_seal()
            package = edxml.parse(signed)
            assert package.signature.verdict == "valid", package.signature.reason
            sizes[name] = len(signed)
            results[f"package + seal, {name}"] = timed(args.rounds, args.passes,
                                                       package_and_seal)
            results[f"parse + validate, {name}"] = timed(
                args.rounds, args.passes, lambda signed=signed: edxml.parse(signed))
    report = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "package_bytes": sizes,
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                    "platform": platform.platform(),
                    "load_before": round(load_before, 2),
                    "load_after": round(os.getloadavg()[0], 2)},
        "results": results,
    }
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / f"{args.out}.json").write_text(json.dumps(report, indent=2, ensure_ascii=False)
                                              + "\n")
    lines = [
        "# edXML packages: build and seal, parse and validate",
        "",
        f"{report['generated_at']} · {report['machine']['cpus']} CPUs · "
        f"{report['machine']['platform']} · Python {report['machine']['python']} · "
        f"{args.passes} passes of {args.rounds} rounds each, one after another in one process "
        "(`bench/edxml_bench.py`); "
        f"load average {report['machine']['load_before']} before, "
        f"{report['machine']['load_after']} after (a shared machine).",
        "",
        "- Package: a document to two receivers, all header fields the builder writes; "
        + "; ".join(f"{name}: {size:,} bytes sealed" for name, size in sizes.items()) + ".",
        "- Seal: enveloped XMLDSig in edXMLHeader, RSA-SHA256 (2048-bit key from a PKCS#12 "
        "file), exclusive c14n, the chain in KeyInfo (signxml).",
        "- Parse + validate: `edxml.parse` as the exchange axis calls it: size check, safe "
        "parse, every field and code list, the manifest against the files (base64 decoded), "
        "then the seal checked offline (digest, signature, chain and CRLs).",
        "",
        "The summary row is the pass with the median p95; each pass's p95 follows.",
        "",
        "| Operation | p50 ms | p95 ms | max ms | p95 of each pass |",
        "|---|---:|---:|---:|---|",
    ]
    for name, row in results.items():
        each = ", ".join(str(r["p95_ms"]) for r in row["passes"])
        lines.append(f"| {name} | {row['p50_ms']} | {row['p95_ms']} | {row['max_ms']} | "
                     f"{each} |")
    lines += [
        "",
        "Where the time goes (cProfile of parse + validate with the 1 MB file): most of it is "
        "the size of the XML, not the cryptography: the package is parsed once for its fields "
        "and twice by the signing service, the file's base64 is decoded, and the document is "
        "canonicalised and hashed once. The seal is tinhso's own profile, so it is checked "
        "directly rather than by signxml (which serialised and re-parsed the document "
        "several times, 2026-12-07: 24.9 ms p50 for this row), and the sealing agency's "
        "chain, found valid on the first round, is kept for a minute (docs/signing.md). "
        "Sealing still goes through signxml.",
    ]
    (REPORTS / f"{args.out}.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
