"""The suite files shipped with trustbench (`*.yaml`); this module only makes them package data."""
