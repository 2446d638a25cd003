"""Namespaces and formats of edXML, shared by the builder and the parser."""

from zoneinfo import ZoneInfo

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
DS = "http://www.w3.org/2000/09/xmldsig#"
PREFIX = "edXML"
NSMAP = {PREFIX: NS}
DATE_FORMAT = "%Y/%m/%d"
TIMESTAMP_FORMAT = "%Y/%m/%d %H:%M:%S"
# Dates and times in a package are Vietnamese local time, written without a zone.
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def q(name: str) -> str:
    """The qualified (Clark) name of an edXML element."""
    return f"{{{NS}}}{name}"
