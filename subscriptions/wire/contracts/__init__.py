"""One module per business area: the seed contracts of the events that area records."""
