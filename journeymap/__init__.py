"""journeymap: touchpoint journeys, expectation gaps and promise-margin simulations."""
