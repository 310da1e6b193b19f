"""One line of an NHS.UK task list: what to do, where, and how far it has got."""

from dataclasses import dataclass

CANNOT_START_YET = "Cannot start yet"


@dataclass(frozen=True)
class Task:
    heading: str
    href: str = ""  # no link where the task cannot be done (yet, or by this person)
    status: str = ""
    done: bool = False  # done tasks show their status as plain text, others as a tag
    colour: str = "blue"  # the tag's NHS.UK colour while not done
    hint: str = ""

    @property
    def cannot_start(self) -> bool:
        """Not possible yet: shown as plain grey text, as NHS.UK task lists do."""
        return self.status == CANNOT_START_YET
