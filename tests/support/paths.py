"""Where the suite finds the project and its fixtures (whatever folder a test file sits in)."""

from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
FIXTURES = TESTS / "fixtures"
PROJECT = TESTS.parent
SEEDS = PROJECT / "seeds" / "g20-russia-ukraine"
