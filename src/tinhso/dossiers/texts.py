"""How long the texts people type into a dossier's life may be. lifecycle enforces them; the
API serializers and the back office's forms declare them (max_length, maxlength)."""

REASON_MAX = 2000  # refusal, stop, withdrawal and supplement reasons: a page of text
NOTE_MAX = 2000  # an official's note on an action
# Names of papers and results are text: the national catalogue publishes names of thousands
# of characters (catalog.exchange.document.LONG_TEXT bounds them there too).
PAPER_NAME_MAX = RESULT_NAME_MAX = 100_000
# These are the columns' own lengths (a longer value is a database error on PostgreSQL).
PAYMENT_REFERENCE_MAX = 100
RESULT_NUMBER_MAX = 100
