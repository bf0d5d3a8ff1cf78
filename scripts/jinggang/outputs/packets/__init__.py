"""PDF lecture packets: documents from the model and the packets command."""
