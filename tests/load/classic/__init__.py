"""The classic design the benchmark compares Hi-Lo with: Flask, ``fetch``, SQLAlchemy on SQLite, a polling page."""
