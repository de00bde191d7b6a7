"""SocialHub business logic. Nothing in this package imports Reflex."""
