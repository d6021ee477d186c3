"""Namespace URIs and the element names that vary between writers, named after the standard."""

from __future__ import annotations

from typing import Final


class Namespace:
    """XML namespaces an edXML package uses."""

    EDXML: Final = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
    XMLDSIG: Final = "http://www.w3.org/2000/09/xmldsig#"
    XLINK: Final = "http://www.w3.org/1999/xlink"


#: Prefix the network's writers give the edXML namespace inside the envelope.
EDXML_PREFIX: Final = "edXML"

#: ``Bussiness`` is how the wire spells it; some writers use ``Business``.
#: Read both, write the first.
BUSINESS_NAMES: Final = frozenset({"Bussiness", "Business"})
