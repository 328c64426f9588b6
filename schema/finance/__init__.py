"""Finance: the financial periods Period Close has closed."""
