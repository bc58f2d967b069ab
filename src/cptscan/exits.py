"""Exit codes the commands share, in one place so the commands, ``--help`` and the README agree."""

RECORD_ERRORS = 3  # some records could not be used; each has its error record, the rest were processed
WORKER_FAILED = 4  # a --jobs worker died; the results before it were written, --resume scans the rest
