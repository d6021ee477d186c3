"""The peer protocol on the wire: one route, its headers and media types.

POST /v1/peer/packages
Content-Type: application/xml              the edXML package, as signed
Lienthong-Recipient: 000.00.00.G22         the code it is delivered to (served by the peer)
Lienthong-Package-Sha256: <hex>            the package's digest (names it in a refusal of an
                                           oversize body the peer will not read)
→ 200, Content-Type: application/vnd.lienthong.receipt+json: the signed receipt, positive
  or negative; 4xx JSON ``{"code", "message"}`` only when the request is not a delivery.
"""

from __future__ import annotations

PACKAGES_PATH = "/v1/peer/packages"
RECIPIENT_HEADER = "Lienthong-Recipient"
PACKAGE_TYPE = "application/xml"
RECEIPT_TYPE = "application/vnd.lienthong.receipt+json"
