"""Events other systems publish, consumed once per deployment and applied exactly once.

`topics` names what arrives where, `consumer` reads it in one shared consumer group,
`dead_letter` says how a record that cannot be applied is set aside, `retry` how long
to wait between attempts, and `handlers` what a use case that applies an event looks
like. The use cases themselves live in `resolvers/`; the gateway passes them in.
"""
