"""Lecturer materials in the forms lecturers use: PowerPoint, notes handout, notes text, presenter."""
