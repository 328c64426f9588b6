"""The words seeded records are made of: names, vehicles, parts and what they cost.

Both the demo data set and the benchmark volume draw from here, so searching either
for "brake", "honda" or "smith" finds plausible matches in plausible proportions.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST_NAMES = _words(
    "James Mary Robert Patricia Michael Jennifer William Linda David Elizabeth Richard Barbara "
    "Joseph Susan Thomas Jessica Charles Sarah Christopher Karen Daniel Lisa Matthew Nancy "
    "Anthony Betty Mark Sandra Donald Ashley Steven Emily Andrew Michelle Joshua Amanda Kevin "
    "Melissa Brian Stephanie George Rebecca Maria Carlos Ana Luis Wei Mei Hiroshi Yuki Priya "
    "Raj Fatima Omar Olga Ivan"
)
LAST_NAMES = _words(
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
    "Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White "
    "Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres "
    "Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts "
    "Chen Patel Kim Okafor Novak Schmidt Rossi"
)
FLEET_NAMES = (
    "Acme Plumbing",
    "Bluebird Couriers",
    "Cedar Valley Landscaping",
    "Dalton Electric",
    "Evergreen Pest Control",
    "Frontier HVAC",
    "Granite State Movers",
    "Harbor City Taxi",
    "Ironwood Construction",
    "Juniper Home Health",
    "Keystone Roofing",
    "Lakeside Delivery",
    "Metro Floral",
    "Northstar Security",
    "Oakridge Rentals",
)
COMPANY_SUFFIXES = ("LLC", "Inc.", "Co.", "Group", "Services")
EMAIL_DOMAINS = ("example.com", "example.net", "example.org", "mail.example.com")
BILLING_TERMS = ("BT-NET30", "BT-NET30", "BT-NET15", "BT-DUE-ON-RECEIPT", "BT-NET60")


@dataclass(frozen=True)
class Model:
    make: str
    name: str
    trims: tuple[str, ...]
    wmi: str


MODELS = (
    Model("Honda", "Accord", ("LX", "EX", "Sport", "Touring"), "1HG"),
    Model("Honda", "Civic", ("LX", "EX", "Si"), "2HG"),
    Model("Honda", "CR-V", ("LX", "EX-L", "Touring"), "5J6"),
    Model("Toyota", "Camry", ("LE", "SE", "XLE"), "4T1"),
    Model("Toyota", "Corolla", ("L", "LE", "SE"), "2T1"),
    Model("Toyota", "Tacoma", ("SR", "SR5", "TRD Off-Road"), "3TM"),
    Model("Ford", "F-150", ("XL", "XLT", "Lariat"), "1FT"),
    Model("Ford", "Transit", ("Cargo 250", "Cargo 350", "Passenger XLT"), "1FT"),
    Model("Ford", "Escape", ("S", "SE", "Titanium"), "1FM"),
    Model("Chevrolet", "Silverado 1500", ("WT", "LT", "RST"), "1GC"),
    Model("Chevrolet", "Malibu", ("LS", "LT", "Premier"), "1G1"),
    Model("Chevrolet", "Express", ("2500 Cargo", "3500 Cargo"), "1GC"),
    Model("Nissan", "Altima", ("S", "SV", "SR"), "1N4"),
    Model("Nissan", "Rogue", ("S", "SV", "SL"), "5N1"),
    Model("Ram", "1500", ("Tradesman", "Big Horn", "Laramie"), "1C6"),
    Model("Ram", "ProMaster", ("1500 Cargo", "2500 Cargo"), "3C6"),
    Model("Subaru", "Outback", ("Base", "Premium", "Limited"), "4S4"),
    Model("Hyundai", "Elantra", ("SE", "SEL", "Limited"), "5NP"),
    Model("Tesla", "Model 3", ("Standard Range", "Long Range"), "5YJ"),
    Model("Jeep", "Wrangler", ("Sport", "Sahara", "Rubicon"), "1C4"),
)
MODEL_YEARS = tuple(range(2012, 2026))
PLATE_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"


@dataclass(frozen=True)
class Category:
    id: str
    name: str
    sku_prefix: str
    brands: tuple[str, ...]
    part_kinds: tuple[tuple[str, int, int], ...]
    """(what the part is, lowest price, highest price) in whole dollars."""


CATEGORIES = (
    Category(
        "CAT-BRAKES",
        "Brakes & Rotors",
        "BRK",
        ("Wagner", "Akebono", "Bosch", "ACDelco", "Raybestos"),
        (
            ("Front Brake Pad Set", 45, 140),
            ("Rear Brake Pad Set", 40, 120),
            ("Front Brake Rotor", 55, 180),
            ("Rear Brake Rotor", 50, 160),
            ("Brake Caliper", 70, 260),
            ("Brake Fluid DOT 4 (1 qt)", 9, 25),
            ("Brake Hose", 15, 55),
        ),
    ),
    Category(
        "CAT-FILTERS",
        "Filters",
        "FLT",
        ("Fram", "Bosch", "Wix", "Motorcraft", "K&N"),
        (
            ("Engine Oil Filter", 6, 22),
            ("Engine Air Filter", 12, 45),
            ("Cabin Air Filter", 14, 40),
            ("Fuel Filter", 18, 70),
            ("Transmission Filter Kit", 25, 80),
        ),
    ),
    Category(
        "CAT-FLUIDS",
        "Oils & Fluids",
        "FLD",
        ("Mobil 1", "Valvoline", "Castrol", "Pennzoil", "Prestone"),
        (
            ("Full Synthetic Motor Oil 5W-30 (5 qt)", 28, 45),
            ("Synthetic Blend Motor Oil 10W-30 (5 qt)", 20, 32),
            ("Automatic Transmission Fluid (1 qt)", 8, 16),
            ("Coolant/Antifreeze 50/50 (1 gal)", 14, 28),
            ("Power Steering Fluid (12 oz)", 6, 12),
        ),
    ),
    Category(
        "CAT-ELECTRICAL",
        "Batteries & Electrical",
        "ELC",
        ("Interstate", "Bosch", "Denso", "NGK", "Sylvania"),
        (
            ("12V Car Battery Group 24F", 120, 230),
            ("Alternator", 160, 420),
            ("Starter Motor", 130, 380),
            ("Spark Plug", 6, 18),
            ("Ignition Coil", 35, 120),
            ("Headlight Bulb H11", 12, 45),
        ),
    ),
    Category(
        "CAT-SUSPENSION",
        "Suspension & Steering",
        "SUS",
        ("Monroe", "Moog", "KYB", "Bilstein", "Timken"),
        (
            ("Front Strut Assembly", 95, 260),
            ("Rear Shock Absorber", 45, 150),
            ("Outer Tie Rod End", 22, 70),
            ("Lower Control Arm", 60, 190),
            ("Wheel Hub Bearing Assembly", 70, 220),
            ("Sway Bar Link", 15, 50),
        ),
    ),
    Category(
        "CAT-ENGINE",
        "Engine & Cooling",
        "ENG",
        ("Gates", "Dayco", "Aisin", "Denso", "Motorcraft"),
        (
            ("Serpentine Belt", 20, 65),
            ("Timing Belt Kit", 90, 320),
            ("Water Pump", 60, 240),
            ("Radiator", 120, 380),
            ("Thermostat", 15, 55),
            ("Radiator Hose", 14, 45),
        ),
    ),
    Category(
        "CAT-TIRES",
        "Tires & Wheels",
        "TIR",
        ("Michelin", "Goodyear", "Bridgestone", "Continental", "BFGoodrich"),
        (
            ("All-Season Tire 225/65R17", 110, 210),
            ("All-Terrain Tire LT265/70R17", 160, 290),
            ("Winter Tire 215/55R17", 120, 230),
            ("TPMS Sensor", 35, 90),
            ("Wheel Lug Nut Set", 15, 45),
        ),
    ),
    Category(
        "CAT-WIPERS",
        "Wipers & Lighting",
        "WPR",
        ("Rain-X", "Bosch", "Trico", "Sylvania", "Philips"),
        (
            ('Wiper Blade 22"', 12, 35),
            ('Wiper Blade 18"', 10, 30),
            ("Tail Light Assembly", 60, 240),
            ("Fog Light Bulb", 10, 35),
        ),
    ),
)
AVAILABILITY = ("IN_STOCK",) * 8 + ("OUT_OF_STOCK", "DISCONTINUED")


@dataclass(frozen=True)
class ServiceKind:
    name: str
    description: str
    pricing_model: str
    labor_units: Decimal
    unit_rate: Decimal
    category: str


SERVICES = (
    ServiceKind(
        "Brake Inspection",
        "Visual inspection of brake pads, rotors, and calipers",
        "FLAT_RATE",
        Decimal("0.5"),
        Decimal("120.00"),
        "INSPECTION",
    ),
    ServiceKind(
        "Front Brake Pad Replacement",
        "Replace front pads, inspect rotors",
        "TIME_BASED",
        Decimal("1.2"),
        Decimal("135.00"),
        "LABOR",
    ),
    ServiceKind(
        "Rotor Resurfacing (per axle)",
        "Machine both rotors of one axle",
        "FLAT_RATE",
        Decimal("0.8"),
        Decimal("95.00"),
        "LABOR",
    ),
    ServiceKind(
        "Oil and Filter Change",
        "Drain oil, replace filter, refill to spec",
        "FLAT_RATE",
        Decimal("0.5"),
        Decimal("49.99"),
        "LABOR",
    ),
    ServiceKind(
        "Check Engine Light Diagnosis",
        "Scan codes, test circuits, report the cause",
        "FLAT_RATE",
        Decimal("1.0"),
        Decimal("149.00"),
        "DIAGNOSTIC",
    ),
    ServiceKind(
        "Electrical System Diagnosis",
        "Trace shorts, parasitic draw and charging faults",
        "TIME_BASED",
        Decimal("1.5"),
        Decimal("140.00"),
        "DIAGNOSTIC",
    ),
    ServiceKind(
        "Battery Test and Replacement",
        "Load-test battery, replace and register if needed",
        "FLAT_RATE",
        Decimal("0.4"),
        Decimal("59.00"),
        "LABOR",
    ),
    ServiceKind(
        "Tire Rotation",
        "Rotate four tires and set pressures",
        "FLAT_RATE",
        Decimal("0.5"),
        Decimal("39.99"),
        "LABOR",
    ),
    ServiceKind(
        "Four-Wheel Alignment",
        "Measure and adjust camber, caster and toe",
        "FLAT_RATE",
        Decimal("1.0"),
        Decimal("119.00"),
        "LABOR",
    ),
    ServiceKind(
        "Tire Mount and Balance",
        "Mount and balance one tire, new valve stem",
        "FLAT_RATE",
        Decimal("0.3"),
        Decimal("29.00"),
        "LABOR",
    ),
    ServiceKind(
        "Coolant Flush",
        "Drain and refill cooling system, pressure test",
        "FLAT_RATE",
        Decimal("1.0"),
        Decimal("129.00"),
        "LABOR",
    ),
    ServiceKind(
        "Transmission Fluid Service",
        "Drain and fill automatic transmission fluid",
        "FLAT_RATE",
        Decimal("1.0"),
        Decimal("159.00"),
        "LABOR",
    ),
    ServiceKind(
        "Multi-Point Vehicle Inspection",
        "Check brakes, tires, fluids, belts, lights and battery",
        "FLAT_RATE",
        Decimal("0.5"),
        Decimal("0.00"),
        "INSPECTION",
    ),
    ServiceKind(
        "State Safety Inspection",
        "Inspection required for registration",
        "FLAT_RATE",
        Decimal("0.5"),
        Decimal("35.00"),
        "INSPECTION",
    ),
    ServiceKind(
        "Suspension Inspection",
        "Check struts, shocks, bushings and steering linkage",
        "FLAT_RATE",
        Decimal("0.5"),
        Decimal("79.00"),
        "INSPECTION",
    ),
    ServiceKind(
        "Strut Replacement (pair)",
        "Replace both struts of one axle; alignment extra",
        "TIME_BASED",
        Decimal("2.5"),
        Decimal("135.00"),
        "LABOR",
    ),
    ServiceKind(
        "Timing Belt Replacement",
        "Replace timing belt, tensioner and idlers",
        "TIME_BASED",
        Decimal("4.0"),
        Decimal("140.00"),
        "LABOR",
    ),
    ServiceKind(
        "A/C Performance Check",
        "Measure vent temperature and system pressures",
        "FLAT_RATE",
        Decimal("0.7"),
        Decimal("89.00"),
        "DIAGNOSTIC",
    ),
    ServiceKind(
        "Serpentine Belt Replacement",
        "Replace drive belt and inspect pulleys",
        "TIME_BASED",
        Decimal("0.8"),
        Decimal("125.00"),
        "LABOR",
    ),
    ServiceKind(
        "General Labor",
        "Shop labor billed by the hour",
        "TIME_BASED",
        Decimal("1.0"),
        Decimal("120.00"),
        "LABOR",
    ),
)
