"""The two screens every journey is seen on: a phone and a desk."""

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}
WIDTHS = {"390": PHONE, "1280": DESK}
