"""Seeded data: the demo tenant `gateway dev` starts with, and benchmark volumes.

Written with SQLAlchemy Core straight onto `persistence.tables` (not through the
repositories) so that seeding stays fast and independent of the use cases.
"""

from persistence.seed_data.demo import has_demo_data, load_demo_data
from persistence.seed_data.volume import VolumePlan, VolumeReport, seed_volume

__all__ = ["VolumePlan", "VolumeReport", "has_demo_data", "load_demo_data", "seed_volume"]
