"""Running the quarter: opening, the board's completion, targets, reminders, closing and
reopening, the agreed position and board actions, and the pages that show where each
quarter stands."""
