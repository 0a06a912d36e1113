"""Read back the QR codes printed on a PDF: the images of its pages, decoded by OpenCV."""

from __future__ import annotations

import io

import cv2
import numpy as np
from pypdf import PdfReader

# OpenCV's classic detector misses about one random code in seventy at any single
# scale; trying a few scales and its second (ArUco-based) detector reads every one.
SCALES = (4, 1, 2, 3, 6)


def decode_qr_code(grey: np.ndarray) -> str:
    """The text of the QR code in a greyscale image, or "" when none is read."""
    for detector in (cv2.QRCodeDetector(), cv2.QRCodeDetectorAruco()):
        for scale in SCALES:
            # Larger modules and a quiet zone: what a phone camera would see.
            big = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_NEAREST)
            framed = cv2.copyMakeBorder(big, 40, 40, 40, 40, cv2.BORDER_CONSTANT, value=255)
            text, _, _ = detector.detectAndDecode(framed)
            if text:
                return str(text)
    return ""


def decode_qr_codes(pdf: bytes) -> list[str]:
    """The text of every QR code image in ``pdf``, page by page."""
    return [
        decode_qr_code(np.array(image.image.convert("L")))
        for page in PdfReader(io.BytesIO(pdf)).pages
        for image in page.images
    ]
