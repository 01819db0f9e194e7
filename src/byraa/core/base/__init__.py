"""The smallest building blocks: the clock, user errors, national ids and org numbers, periods."""
