"""xlfollow: follow up a municipal budget agreement through Excel workbooks."""
