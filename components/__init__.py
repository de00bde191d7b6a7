"""Reusable UI pieces. Components render state; they never import services."""
