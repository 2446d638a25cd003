"""Official documents: registers, drafting to issue, incoming processing, edXML packages and
the exchange axis between agencies."""
