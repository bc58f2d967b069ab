"""Input readers and result writers for every format the CLI, the service and batch jobs accept."""

from cptscan.io.readers import FORMATS, detect_format, read_records
from cptscan.io.writers import OUTPUT_FORMATS, open_writer, write_results

__all__ = ["FORMATS", "OUTPUT_FORMATS", "detect_format", "open_writer", "read_records", "write_results"]
