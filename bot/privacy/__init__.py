"""What the consent text promises: personal data encrypted at rest, wherever it is kept."""
