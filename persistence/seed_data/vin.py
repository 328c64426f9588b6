"""Vehicle identification numbers that pass the North American check-digit rule.

Seeded vehicles get VINs a real decoder accepts: 17 characters without I, O or Q, the
model-year code matching the vehicle's description, and a correct check digit in
position 9. Positions 11-17 (plant and serial) come from a number the caller makes
unique, so two seeded vehicles of one tenant never share a VIN.
"""

from __future__ import annotations

import random

VIN_CHARACTERS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
TRANSLITERATION = {
    **{str(digit): digit for digit in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
YEAR_CODES = dict(zip(range(2010, 2031), "ABCDEFGHJKLMNPRSTVWXY", strict=True))
SERIALS_PER_PLANT = 1_000_000


def check_digit(vin: str) -> str:
    total = sum(TRANSLITERATION[char] * weight for char, weight in zip(vin, WEIGHTS, strict=True))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def make_vin(rng: random.Random, wmi: str, year: int, number: int, plants: str) -> str:
    """A valid VIN for manufacturer `wmi` and model `year`, unique for each `number`.

    `plants` are the plant codes this caller may use; callers that must never collide
    with each other use disjoint plant codes.
    """
    descriptor = "".join(rng.choice(VIN_CHARACTERS) for _ in range(5))
    plant = plants[number // SERIALS_PER_PLANT]
    body = f"{wmi}{descriptor}0{YEAR_CODES[year]}{plant}{number % SERIALS_PER_PLANT:06d}"
    return body[:8] + check_digit(body) + body[9:]
