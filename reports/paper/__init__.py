"""The board paper: its inputs, its presenters, its formats (web page, PDF, Word), the cover
sheet and the frozen files."""
