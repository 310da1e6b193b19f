"""Argument types for the management commands, so a bad number is a usage error that says
what is allowed, never a traceback (an OverflowError deep in a date, say)."""

import argparse


def whole_number(low: int, high: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{text!r}: give a whole number from {low} to {high}")
        return value

    parse.__name__ = "whole number"
    return parse
