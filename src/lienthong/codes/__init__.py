"""Agency identifier codes (mã định danh): parsing, the hierarchy, and the registry of known codes.

>>> code = parse_code("000.00.04.G14")
>>> code.level, code.parent.text
(2, '000.00.00.G14')
>>> default_registry().lookup("000.00.00.H02", at=date(2025, 7, 1)).successor
'000.00.00.H05'
"""

from lienthong.codes._code import AgencyCode
from lienthong.codes._describe import describe_code
from lienthong.codes._parse import is_valid_code, parse_code
from lienthong.codes._record import AgencyRecord
from lienthong.codes._registry import CodeRegistry, default_registry
from lienthong.codes._status import CodeStatus, Successor

__all__ = [
    "AgencyCode",
    "AgencyRecord",
    "CodeRegistry",
    "CodeStatus",
    "Successor",
    "default_registry",
    "describe_code",
    "is_valid_code",
    "parse_code",
]
