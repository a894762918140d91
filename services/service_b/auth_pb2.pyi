from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class AuthorizeOrderRequest(_message.Message):
    __slots__ = ("token", "order_id")
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    token: str
    order_id: int
    def __init__(self, token: _Optional[str] = ..., order_id: _Optional[int] = ...) -> None: ...

class Order(_message.Message):
    __slots__ = ("order_id", "customer", "customer_tier", "item", "quantity", "warehouse", "eta_days", "authorized_for")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_TIER_FIELD_NUMBER: _ClassVar[int]
    ITEM_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    WAREHOUSE_FIELD_NUMBER: _ClassVar[int]
    ETA_DAYS_FIELD_NUMBER: _ClassVar[int]
    AUTHORIZED_FOR_FIELD_NUMBER: _ClassVar[int]
    order_id: int
    customer: str
    customer_tier: str
    item: str
    quantity: int
    warehouse: str
    eta_days: int
    authorized_for: str
    def __init__(self, order_id: _Optional[int] = ..., customer: _Optional[str] = ..., customer_tier: _Optional[str] = ..., item: _Optional[str] = ..., quantity: _Optional[int] = ..., warehouse: _Optional[str] = ..., eta_days: _Optional[int] = ..., authorized_for: _Optional[str] = ...) -> None: ...
