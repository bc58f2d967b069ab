"""Exit codes the commands share, in one place so the commands, ``--help`` and the README agree."""

FAILED = 1  # the command could not run or stopped: input missing or unreadable, output not writable, disk full
RECORD_ERRORS = 3  # some records could not be used; each has its error record, the rest were processed
WORKER_FAILED = 4  # a --jobs worker died; the results before it were written, --resume scans the rest
INTERRUPTED = 130  # Ctrl-C; the results written so far are whole lines

HELP = ("Exit codes: 0 done; 1 could not run, or stopped (input unreadable, output unwritable, disk full; it says "
        "how many results were written); 2 wrong usage; 3 some records could not be used (each has its error "
        "line, the rest were processed); 4 a --jobs worker died (--resume scans the rest); 130 interrupted.")
