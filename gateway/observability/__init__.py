"""What an operator sees of the running gateway: request log lines, metrics, traces."""
