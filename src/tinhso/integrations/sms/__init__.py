"""The SMS brandname gateway: eSMS.vn's JSON API (client and simulator).

One message per request, its fields named as the gateway names them (docs/sms.md):

    POST <url>/MainService.svc/json/SendMultipleMessage_V4_post_json/
        {"ApiKey", "SecretKey", "Phone", "Content", "Brandname", "SmsType": "2",
         "IsUnicode": "0"|"1", "Sandbox": "0"|"1", "RequestId"}
    200 {"CodeResult": "100", "CountRegenerate": 0, "SMSID"}           accepted
    200 {"CodeResult": "<code>", "CountRegenerate": 0, "ErrorMessage"}  refused

SmsType 2 is the customer-care message (tin chăm sóc khách hàng), the kind a government
notice is; its texts follow templates registered with the gateway for the brandname.
A RequestId already accepted in the last 24 hours is answered 124 and not sent again.
"""

from .client import EsmsClient

__all__ = ["EsmsClient"]
