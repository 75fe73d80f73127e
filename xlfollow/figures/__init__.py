"""A round's figures: milestone and economy fulfilment, budget, changes and what is
missing."""
