"""The stock ledger of one tenant: levels per part and location, and their movements."""
