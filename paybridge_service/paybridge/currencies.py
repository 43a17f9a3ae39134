"""The currencies a card payment may be taken in: ISO 4217 alphabetic codes with their minor-unit exponents.

Source: ISO 4217 List One (current currency & funds) as published by SIX Group, the maintenance agency, in
early 2026 (taken from the copy in github.com/datasets/currency-codes, February 2026): BGN withdrawn 2026-01
(Bulgaria uses EUR); ANG replaced by XCG 2025-03; ZWL by ZWG 2024-09; SLL by SLE 2023-12; HRK 2023-01;
CUC 2021-06. When ISO publishes an amendment, update this table and ``REPLACED``.

``amount_minor`` arrives in the currency's minor unit (halalas, fils, cents, or whole units for an exponent of
0); the exponent converts it for the terminal (``1250 SAR`` → ``12.50``, ``1250 KWD`` → ``1.250``,
``1250 JPY`` → ``1250``).

List One also holds codes that are not money a card can be charged in. They are deliberately left out of
``EXPONENTS`` (a sale in them is refused before the terminal is called), listed in ``NOT_PAYABLE`` with why:

- ``XXX`` ("no currency involved") and ``XTS`` ("reserved for testing"): not currencies at all;
- precious metals (``XAU``, ``XAG``, ``XPD``, ``XPT``) and units of account (``XDR``, ``XBA``..``XBD``,
  ``XSU``, ``XUA``, ``XAD``): traded or booked between institutions, never tendered at a till;
- the ISO "fund" codes (``BOV``, ``CHE``, ``CHW``, ``CLF``, ``COU``, ``MXV``, ``USN``, ``UYI``, ``UYW``):
  indexed or settlement units; a card in Bolivia, Switzerland, Chile, Colombia, Mexico, the US or Uruguay is
  charged in the country's currency (BOB, CHF, CLP, COP, MXN, USD, UYU).
"""

from __future__ import annotations

_BY_EXPONENT: dict[int, tuple[str, ...]] = {
    0: (
        "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "VND", "VUV", "XAF",
        "XOF", "XPF",
    ),
    2: (
        "AED", "AFN", "ALL", "AMD", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BMD", "BND",
        "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHF", "CNY", "COP", "CRC", "CUP",
        "CVE", "CZK", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS",
        "GIP", "GMD", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IRR", "JMD", "KES",
        "KGS", "KHR", "KPW", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "MAD", "MDL", "MGA", "MKD",
        "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK",
        "NPR", "NZD", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "QAR", "RON", "RSD", "RUB", "SAR", "SBD",
        "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB",
        "TJS", "TMT", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "USD", "UYU", "UZS", "VED", "VES", "WST",
        "XCD", "XCG", "YER", "ZAR", "ZMW", "ZWG",
    ),
    3: ("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"),
}  # fmt: skip

# Payable ISO 4217 code → minor-unit exponent.
EXPONENTS: dict[str, int] = {code: exp for exp, codes in _BY_EXPONENT.items() for code in codes}

_FUND = "it is an ISO 4217 fund code (an indexed or settlement unit), not a currency a card is charged in"
_UNIT = "it is an ISO 4217 unit of account, not a currency a card is charged in"
_METAL = "it is an ISO 4217 precious-metal code, not a currency a card is charged in"

# In ISO 4217 List One but refused: why (see the module docstring).
NOT_PAYABLE: dict[str, str] = {
    "XXX": 'it is ISO 4217\'s code for "no currency involved"',
    "XTS": "it is ISO 4217's code reserved for testing",
    "XAU": _METAL, "XAG": _METAL, "XPD": _METAL, "XPT": _METAL,
    "XDR": _UNIT, "XBA": _UNIT, "XBB": _UNIT, "XBC": _UNIT, "XBD": _UNIT, "XSU": _UNIT, "XUA": _UNIT,
    "XAD": _UNIT,
    "BOV": _FUND, "CHE": _FUND, "CHW": _FUND, "CLF": _FUND, "COU": _FUND, "MXV": _FUND, "USN": _FUND,
    "UYI": _FUND, "UYW": _FUND,
}  # fmt: skip

# Recently withdrawn codes an Odoo database may still carry → the code that replaced them.
REPLACED: dict[str, str] = {
    "BGN": "EUR", "HRK": "EUR", "ANG": "XCG", "ZWL": "ZWG", "SLL": "SLE", "CUC": "CUP", "VEF": "VES",
    "MRO": "MRU", "STD": "STN", "BYR": "BYN", "LTL": "EUR", "LVL": "EUR", "EEK": "EUR",
}  # fmt: skip


def currency_problem(code: str) -> str | None:
    """None when ``code`` is a payable ISO 4217 currency, else why not (for the error message)."""
    if code in EXPONENTS:
        return None
    if code.upper() in EXPONENTS:
        return f"ISO 4217 codes are upper case ({code.upper()})"
    if code in NOT_PAYABLE:
        return NOT_PAYABLE[code]
    if code in REPLACED:
        return f"it was withdrawn from ISO 4217 and replaced by {REPLACED[code]}"
    return "it is not an active ISO 4217 currency code"


def currency_exponent(code: str) -> int:
    """The ISO 4217 minor-unit exponent; ``ValueError`` for a code that is not a payable currency."""
    try:
        return EXPONENTS[code]
    except KeyError:
        raise ValueError(f"currency {code[:16]!r}: {currency_problem(code)}") from None
