"""Payer coverage: a site's policy table (``table``) and the coverage findings reconcile adds from it
(``findings``); ``diff`` lists what changed between two tables. ``docs/coverage.md`` has the schema."""
