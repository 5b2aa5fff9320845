"""The server process around the pages: start-up, sessions, the error boundary, plain text, the code views."""
