"""Open Referral HSDS 3.0: the tabular package (CSV + datapackage.json) and JSON, in and out."""
