"""Ouderportaal: a parent portal with a small school back office for Dutch primary schools."""
