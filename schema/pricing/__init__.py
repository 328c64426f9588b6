"""Tax codes and tax calculation on the GraphQL surface."""
