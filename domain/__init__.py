"""Pure business rules of the field-service back office: no framework, database or broker."""
