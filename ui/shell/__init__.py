"""The server process around the pages: start-up, sessions, the memory networks may take, the error boundary,
plain text, the code views."""
