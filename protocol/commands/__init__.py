"""The declarative command table (DESIGN §3): spec types, the syntax
mini-language, one module per group, key extraction, COMMAND builders."""
