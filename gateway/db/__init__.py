"""Persistence: SQLAlchemy models, column types, repositories (all SQL lives here), migrations."""
