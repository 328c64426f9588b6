"""The GraphQL surface: Strawberry types per business area, joined in `schema.root`."""
