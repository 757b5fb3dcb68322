"""Benchmarks and the city-scale data generator; never collected by the test suite."""
