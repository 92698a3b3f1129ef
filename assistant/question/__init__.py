"""Pure functions of the question (and word lists): what it asks about and what it carries."""
