"""Linli's shared kernel: what every app may import and that is about no domain. Not a
Django app (no models, no settings); it imports no app (docs/decisions/0017)."""
