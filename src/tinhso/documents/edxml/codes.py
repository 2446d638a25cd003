"""The code lists of edXML (QCVN 102:2016/BTTTT), with what each value means in Vietnamese.

One place: the parser refuses a value that is not listed here, the builder refuses to write
one, and pages show the labels.
"""

from __future__ import annotations

# OtherInfo/Priority: how urgent the document is (độ khẩn).
PRIORITY = {
    0: "Thường",
    1: "Khẩn",
    2: "Thượng khẩn",
    3: "Hỏa tốc",
    4: "Hỏa tốc hẹn giờ",
}

# SteeringType: whether the document steers (văn bản chỉ đạo).
STEERING_TYPE = {
    1: "Không phải văn bản chỉ đạo",
    2: "Văn bản chỉ đạo",
    3: "Báo cáo thực hiện văn bản chỉ đạo",
}

# BussinessDocumentInfo/BussinessDocType (spelled so in the standard).
BUSINESS_NEW, BUSINESS_REVOCATION, BUSINESS_UPDATE, BUSINESS_REPLACEMENT = 0, 1, 2, 3
BUSINESS_DOC_TYPE = {
    BUSINESS_NEW: "Văn bản mới",
    BUSINESS_REVOCATION: "Thu hồi văn bản",
    BUSINESS_UPDATE: "Cập nhật văn bản",
    BUSINESS_REPLACEMENT: "Thay thế văn bản",
}

# ReceiverList/Receiver/ReceiverType, in an update (BussinessDocType 2).
RECEIVER_REMOVED, RECEIVER_ADDED = 0, 1
RECEIVER_TYPE = {
    RECEIVER_REMOVED: "Bỏ bớt nơi nhận",
    RECEIVER_ADDED: "Bổ sung nơi nhận",
}

# Status/StatusCode: what happened to a document at its receiver (two digits).
ARRIVED, REFUSED, REGISTERED, ASSIGNED, PROCESSING, COMPLETED = "01", "02", "03", "04", "05", "06"
RECALL_REQUESTED, CHANGE_ACCEPTED, CHANGE_REFUSED = "13", "15", "16"
STATUS_CODE = {
    ARRIVED: "Đã đến",
    REFUSED: "Từ chối tiếp nhận",
    REGISTERED: "Đã tiếp nhận và vào sổ",
    ASSIGNED: "Đã phân công xử lý",
    PROCESSING: "Đang xử lý",
    COMPLETED: "Đã hoàn thành",
    RECALL_REQUESTED: "Đề nghị lấy lại văn bản",
    CHANGE_ACCEPTED: "Đồng ý cập nhật/lấy lại văn bản",
    CHANGE_REFUSED: "Từ chối cập nhật/lấy lại văn bản",
}

# DocumentType/Type: the two families of documents.
DOCUMENT_FAMILY = {
    1: "Văn bản quy phạm pháp luật",
    2: "Văn bản hành chính",
}

CODE_LISTS = {
    "Priority": PRIORITY,
    "SteeringType": STEERING_TYPE,
    "BussinessDocType": BUSINESS_DOC_TYPE,
    "ReceiverType": RECEIVER_TYPE,
    "StatusCode": STATUS_CODE,
    "Type": DOCUMENT_FAMILY,
}


def label(field: str, value) -> str:
    """The Vietnamese label of a coded value ("" when not listed)."""
    return CODE_LISTS[field].get(value, "")
