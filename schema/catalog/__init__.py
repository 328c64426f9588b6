"""The parts and services catalog on the GraphQL surface."""
