"""The catalogue provider's one SOAP operation, so that the gateway's SOAP → REST conversion
has a real SOAP provider to speak to (many national and sector systems still answer SOAP):

    GET  /soap/units?wsdl     its WSDL 1.1 (document/literal, SOAP 1.1)
    POST /soap/units          GetCommunes(provinceCode) → the communes of one province

An unknown province or an unreadable request is a SOAP Fault (soap:Client) with a Vietnamese
faultstring, answered with HTTP 500 as SOAP 1.1 asks.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from aiohttp import web
from lxml import etree

from .soap import ENV11

NS = "urn:tinhso:lgsp:catalogues:units"
ACTION = f"{NS}#GetCommunes"

WSDL_TEMPLATE = """<?xml version="1.0" encoding="utf-8"?>
<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/"
    xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
    xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:tns="{ns}" targetNamespace="{ns}">
  <wsdl:documentation>Danh mục đơn vị hành chính (từ 01/7/2025): các xã, phường, đặc khu
    của một tỉnh, thành phố.</wsdl:documentation>
  <wsdl:types>
    <xsd:schema targetNamespace="{ns}" elementFormDefault="qualified">
      <xsd:element name="GetCommunes">
        <xsd:complexType><xsd:sequence>
          <xsd:element name="provinceCode" type="xsd:string"/>
        </xsd:sequence></xsd:complexType>
      </xsd:element>
      <xsd:element name="GetCommunesResponse">
        <xsd:complexType><xsd:sequence>
          <xsd:element name="province" type="xsd:string"/>
          <xsd:element name="commune" minOccurs="0" maxOccurs="unbounded">
            <xsd:complexType><xsd:sequence>
              <xsd:element name="code" type="xsd:string"/>
              <xsd:element name="name" type="xsd:string"/>
              <xsd:element name="divisionType" type="xsd:string"/>
            </xsd:sequence></xsd:complexType>
          </xsd:element>
        </xsd:sequence></xsd:complexType>
      </xsd:element>
    </xsd:schema>
  </wsdl:types>
  <wsdl:message name="GetCommunesRequest">
    <wsdl:part name="parameters" element="tns:GetCommunes"/>
  </wsdl:message>
  <wsdl:message name="GetCommunesResponse">
    <wsdl:part name="parameters" element="tns:GetCommunesResponse"/>
  </wsdl:message>
  <wsdl:portType name="UnitsPort">
    <wsdl:operation name="GetCommunes">
      <wsdl:input message="tns:GetCommunesRequest"/>
      <wsdl:output message="tns:GetCommunesResponse"/>
    </wsdl:operation>
  </wsdl:portType>
  <wsdl:binding name="UnitsBinding" type="tns:UnitsPort">
    <soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="GetCommunes">
      <soap:operation soapAction="{action}"/>
      <wsdl:input><soap:body use="literal"/></wsdl:input>
      <wsdl:output><soap:body use="literal"/></wsdl:output>
    </wsdl:operation>
  </wsdl:binding>
  <wsdl:service name="UnitsService">
    <wsdl:port name="UnitsPort" binding="tns:UnitsBinding">
      <soap:address location="{location}"/>
    </wsdl:port>
  </wsdl:service>
</wsdl:definitions>
"""


def wsdl(location: str) -> str:
    return WSDL_TEMPLATE.format(ns=NS, action=ACTION, location=escape(location, {'"': "&quot;"}))


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def _envelope(body: str) -> str:
    return (f'<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="{ENV11}">'
            f"<soap:Body>{body}</soap:Body></soap:Envelope>")


def _fault(message: str) -> web.Response:
    body = (f"<soap:Fault><faultcode>soap:Client</faultcode>"
            f"<faultstring>{escape(message)}</faultstring></soap:Fault>")
    return web.Response(status=500, text=_envelope(body), content_type="text/xml",
                        charset="utf-8")


def communes_response(province: str, communes: list[dict]) -> web.Response:
    items = "".join(f"<t:commune><t:code>{escape(c['code'])}</t:code>"
                    f"<t:name>{escape(c['name'])}</t:name>"
                    f"<t:divisionType>{escape(c['division_type'])}</t:divisionType>"
                    f"</t:commune>" for c in communes)
    body = (f'<t:GetCommunesResponse xmlns:t="{NS}"><t:province>{escape(province)}'
            f"</t:province>{items}</t:GetCommunesResponse>")
    return web.Response(text=_envelope(body), content_type="text/xml", charset="utf-8")


def handler(communes: dict[str, list[dict]]):
    """The aiohttp handlers of /soap/units over the provider's commune lists."""

    async def describe(request: web.Request) -> web.Response:
        location = str(request.url.with_query(None))
        return web.Response(text=wsdl(location), content_type="text/xml", charset="utf-8")

    async def call(request: web.Request) -> web.Response:
        try:
            root = etree.fromstring(await request.read(), _PARSER)
        except etree.XMLSyntaxError:
            return _fault("Yêu cầu không phải XML hợp lệ.")
        operation = root.find(f"{{{ENV11}}}Body/{{{NS}}}GetCommunes")
        if operation is None:
            return _fault("Yêu cầu không phải phong bì SOAP 1.1 gọi thao tác GetCommunes.")
        province = (operation.findtext(f"{{{NS}}}provinceCode") or "").strip()
        if province not in communes:
            return _fault(f"Không có tỉnh/thành phố mã “{province}”.")
        return communes_response(province, communes[province])

    return describe, call
