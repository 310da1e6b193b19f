"""The board meeting: the closed quarter's results presented on the boardroom screen, page
by page, from the same presenter as the board paper."""
