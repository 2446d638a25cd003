"""SOAP ↔ REST conversion in the gateway: the LGSP's regulation asks the platform to convert
protocols, so that a REST client can call a SOAP provider with JSON.

What is understood of a WSDL (1.1) is what the conversion needs, nothing more: its
document/literal operations in the "wrapped" style that nearly every SOAP service of
an agency uses (the input message is one element named like the operation, its children are
the parameters). For each operation: the wrapper elements of the request and the answer with
their namespace, the SOAPAction of the binding, and the SOAP version (1.1 or 1.2). Element
declarations with maxOccurs above 1 become JSON lists even when the answer holds only one.

    JSON {"provinceCode": "25"}  →  <soap:Envelope><soap:Body><t:GetCommunes>
                                        <t:provinceCode>25</t:provinceCode>
                                    </t:GetCommunes></soap:Body></soap:Envelope>
    <t:GetCommunesResponse><t:commune><t:code>..  →  {"commune": [{"code": ..}, ..]}

Parsing uses lxml with entity resolution and network access turned off: neither the
description an operator pastes nor a provider's answer may make the gateway read files or
fetch URLs.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

WSDL = "http://schemas.xmlsoap.org/wsdl/"
XSD = "http://www.w3.org/2001/XMLSchema"
WSDL_SOAP11 = "http://schemas.xmlsoap.org/wsdl/soap/"
WSDL_SOAP12 = "http://schemas.xmlsoap.org/wsdl/soap12/"
ENV11 = "http://schemas.xmlsoap.org/soap/envelope/"
ENV12 = "http://www.w3.org/2003/05/soap-envelope"
CONTENT_TYPE = {ENV11: "text/xml; charset=utf-8", ENV12: "application/soap+xml; charset=utf-8"}

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                          huge_tree=False, remove_comments=True)


class WsdlError(ValueError):
    """The description is not a WSDL the gateway can convert; the message is Vietnamese."""


class SoapFault(Exception):
    def __init__(self, code: str, text: str):
        super().__init__(text)
        self.code, self.text = code, text

    @property
    def by_client(self) -> bool:
        """The provider blames the request (Client in SOAP 1.1, Sender in 1.2)."""
        return self.code.rsplit(":", 1)[-1] in ("Client", "Sender")


class BadAnswer(ValueError):
    """The provider's answer is not the SOAP message its WSDL promises."""


@dataclass(frozen=True)
class Operation:
    name: str
    action: str
    envelope_ns: str
    request: etree.QName   # the wrapper element sent
    response: etree.QName  # the wrapper element expected back


@dataclass(frozen=True)
class SoapService:
    operations: dict[str, Operation]
    repeated: frozenset[str]  # local names of elements that may occur more than once


def _parse(data: bytes):
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise ValueError(str(exc)) from None


def _qname(element, value: str) -> etree.QName:
    prefix, _, local = value.rpartition(":")
    namespace = element.nsmap.get(prefix or None)
    if namespace is None:
        raise WsdlError(f"Không xác định được không gian tên của “{value}”.")
    return etree.QName(namespace, local)


def read_wsdl(text: str) -> SoapService:
    """The operations a REST client may call; WsdlError when there is none to convert."""
    if not text.strip():
        raise WsdlError("Cần dán nội dung WSDL của dịch vụ vào phần đặc tả.")
    try:
        root = _parse(text.strip().encode("utf-8"))
    except ValueError as exc:
        raise WsdlError(f"WSDL không phải XML hợp lệ ({exc}).") from None
    if root.tag != f"{{{WSDL}}}definitions":
        raise WsdlError("Đặc tả không phải WSDL 1.1 (thiếu wsdl:definitions).")
    messages = {}
    for message in root.findall(f"{{{WSDL}}}message"):
        part = message.find(f"{{{WSDL}}}part")
        if part is not None and part.get("element"):
            messages[message.get("name")] = _qname(part, part.get("element"))
    port_ops = {}
    for port_type in root.findall(f"{{{WSDL}}}portType"):
        for op in port_type.findall(f"{{{WSDL}}}operation"):
            io = [op.find(f"{{{WSDL}}}{k}") for k in ("input", "output")]
            if None in io:
                continue
            names = [_qname(e, e.get("message", "")).localname for e in io]
            if all(n in messages for n in names):
                port_ops[op.get("name")] = tuple(messages[n] for n in names)
    operations = {}
    for binding in root.findall(f"{{{WSDL}}}binding"):
        for ns in (WSDL_SOAP11, WSDL_SOAP12):
            soap_binding = binding.find(f"{{{ns}}}binding")
            if soap_binding is None or soap_binding.get("style", "document") != "document":
                continue
            envelope = ENV11 if ns == WSDL_SOAP11 else ENV12
            for op in binding.findall(f"{{{WSDL}}}operation"):
                name = op.get("name")
                if name not in port_ops or name in operations:
                    continue
                soap_op = op.find(f"{{{ns}}}operation")
                action = soap_op.get("soapAction", "") if soap_op is not None else ""
                operations[name] = Operation(name, action, envelope, *port_ops[name])
    if not operations:
        raise WsdlError("WSDL không có thao tác document/literal nào để chuyển đổi sang REST.")
    repeated = frozenset(
        e.get("name") for e in root.iter(f"{{{XSD}}}element")
        if e.get("name") and e.get("maxOccurs", "1") not in ("0", "1"))
    return SoapService(operations, repeated)


# --- JSON → SOAP.

def _fill(parent, namespace: str, value) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            items = item if isinstance(item, list) else [item]
            for one in items:
                _fill(etree.SubElement(parent, etree.QName(namespace, _name(key))), namespace,
                      one)
    elif value is None:
        parent.set("{http://www.w3.org/2001/XMLSchema-instance}nil", "true")
    elif isinstance(value, bool):
        parent.text = "true" if value else "false"
    elif isinstance(value, list):
        raise ValueError("Một danh sách phải là giá trị của một trường.")
    else:
        parent.text = str(value)


def _name(key: str) -> str:
    try:
        etree.QName(None, key)
    except ValueError:
        raise ValueError(f"“{key}” không dùng được làm tên phần tử XML.") from None
    return key


def envelope(operation: Operation, params: dict) -> bytes:
    """The SOAP request for `params` (the client's JSON object); ValueError, in Vietnamese,
    when a key cannot be an element name. The same JSON always gives the same bytes."""
    env = etree.Element(etree.QName(operation.envelope_ns, "Envelope"),
                        nsmap={"soap": operation.envelope_ns, "t": operation.request.namespace})
    body = etree.SubElement(env, etree.QName(operation.envelope_ns, "Body"))
    wrapper = etree.SubElement(body, operation.request)
    _fill(wrapper, operation.request.namespace, params)
    return etree.tostring(env, xml_declaration=True, encoding="utf-8")


# --- SOAP → JSON.

def _value(element, repeated: frozenset[str]):
    children = [c for c in element if isinstance(c.tag, str)]
    if not children:
        if element.get("{http://www.w3.org/2001/XMLSchema-instance}nil") in ("true", "1"):
            return None
        return element.text or ""
    out: dict = {}
    for child in children:
        name = etree.QName(child).localname
        value = _value(child, repeated)
        if name in repeated:
            out.setdefault(name, []).append(value)
        elif name in out:  # more than once though not declared so: a list all the same
            if not isinstance(out[name], list):  # (a converted value is never a list)
                out[name] = [out[name]]
            out[name].append(value)
        else:
            out[name] = value
    return out


def answer(operation: Operation, service: SoapService, data: bytes) -> dict:
    """The provider's answer as a JSON object; SoapFault for a fault, BadAnswer otherwise."""
    try:
        root = _parse(data)
    except ValueError as exc:
        raise BadAnswer(f"Phản hồi không phải XML hợp lệ ({exc}).") from None
    ns = operation.envelope_ns
    body = root.find(f"{{{ns}}}Body") if root.tag == f"{{{ns}}}Envelope" else None
    if body is None:
        raise BadAnswer("Phản hồi không phải phong bì SOAP.")
    fault = body.find(f"{{{ns}}}Fault")
    if fault is not None:
        raise _fault(fault, ns)
    wrapper = body.find(operation.response.text)
    if wrapper is None:
        raise BadAnswer(f"Phản hồi thiếu phần tử {operation.response.localname}.")
    value = _value(wrapper, service.repeated)
    return value if isinstance(value, dict) else {"value": value}


def _fault(fault, ns: str) -> SoapFault:
    if ns == ENV11:
        code = fault.findtext("faultcode") or ""
        text = fault.findtext("faultstring") or ""
    else:
        code = fault.findtext(f"{{{ns}}}Code/{{{ns}}}Value") or ""
        text = fault.findtext(f"{{{ns}}}Reason/{{{ns}}}Text") or ""
    return SoapFault(code.strip(), text.strip())
