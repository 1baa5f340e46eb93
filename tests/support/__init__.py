"""Helpers for the test suite: real servers on 127.0.0.1."""
