"""Read back the QR codes printed on a PDF: the images of its pages, decoded by OpenCV."""

from __future__ import annotations

import io

import cv2
import numpy as np
from pypdf import PdfReader


def decode_qr_codes(pdf: bytes) -> list[str]:
    """The text of every QR code image in ``pdf``, page by page."""
    found: list[str] = []
    detector = cv2.QRCodeDetector()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for image in page.images:
            grey = np.array(image.image.convert("L"))
            # Larger modules and a quiet zone: what a phone camera would see.
            big = cv2.resize(grey, None, fx=4, fy=4, interpolation=cv2.INTER_NEAREST)
            framed = cv2.copyMakeBorder(big, 40, 40, 40, 40, cv2.BORDER_CONSTANT, value=255)
            text, _, _ = detector.detectAndDecode(framed)
            found.append(text)
    return found
