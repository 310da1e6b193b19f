"""What the API returns, as the OpenAPI document describes it: every field named and said
in words, so that the reference page and a client generated from the document read the
same thing. Plain pydantic models: django-ninja's Schema reads Django objects attribute by
attribute, which the API (sending dicts) does not need and which cost a third of an
answer's time."""

from datetime import date

from pydantic import BaseModel, Field


class Problem(BaseModel):
    detail: str = Field(description="What went wrong, in words.")


class Page(BaseModel):
    count: int = Field(description="How many rows there are in all, over every page.")
    page: int = Field(description="This page's number, from 1.")
    page_size: int = Field(description="Rows a page holds at most.")
    next: str | None = Field(description="The next page's address, if there is one.")
    previous: str | None = Field(description="The previous page's address, if there is one.")


class Trust(BaseModel):
    ods_code: str = Field(description="The trust's NHS ODS code.")
    name: str
    region_code: str = Field(description="The NHS England region's ODS code (Y56 to Y63).")
    region: str = Field(description="The NHS England region's name.")
    icb_code: str = Field(description="The integrated care board's ODS code; empty if unknown.")
    trust_type_code: str = Field(description="The trust type's code; empty if unknown.")
    trust_type: str = Field(description="The trust type in words; empty if unknown.")


class TrustPage(Page):
    results: list[Trust]


class Quarter(BaseModel):
    quarter: str = Field(description="The quarter's identifier in addresses, e.g. 2026-27-q3.")
    label: str = Field(description="The quarter in words, e.g. 2026/27 Q3.")
    year: int = Field(description="The calendar year its financial year starts.")
    number: int = Field(description="The quarter of the financial year, 1 to 4.")
    opens_on: date
    closes_on: date


class QuarterPage(Page):
    results: list[Quarter]


class Completion(BaseModel):
    ods_code: str
    name: str
    status: str = Field(description="draft (not opened), open or closed.")
    submitted: int = Field(description="Board members who have submitted their answers.")
    board_size: int = Field(description="Board members on the trust's board today.")


class CompletionPage(Page):
    results: list[Completion]


class PrincipleScore(BaseModel):
    principle: int = Field(description="The principle's number in the quarter's framework.")
    score: float | None = Field(description="1 to 5, 4 decimal places; null if none.")


class Result(BaseModel):
    ods_code: str
    name: str
    region_code: str
    trust_type_code: str
    principles: list[PrincipleScore]
    overall: float | None = Field(description="The mean of the principle scores, 1 to 5.")
    respondents: int = Field(description="Board members whose answers the scores rest on.")
    board_size: int | None = Field(description="Board members when the results were published.")
    response_rate: float | None = Field(description="respondents / board_size, 0 to 1.")
    confidence: str | None = Field(
        description="High, Moderate or Low, as on the cover of the trust's board paper."
    )


class ResultPage(Page):
    results: list[Result]


class TrendPoint(BaseModel):
    quarter: str
    label: str
    overall: float | None = Field(description="The trust's overall score, if published.")
    peers_median: float | None = Field(
        description="The median overall score of the other trusts in the filter, where "
        "there are enough of them to show one."
    )
    peers: int | None = Field(
        description="How many other trusts had published scores; for a digital lead, null "
        "where there were too few to show their median."
    )


class Trend(BaseModel):
    trust: Trust
    points: list[TrendPoint]


class Reason(BaseModel):
    kind: str = Field(description="score_fell, response_rate or overdue_actions.")
    words: str = Field(description="The reason in a sentence.")


class Warning(BaseModel):
    ods_code: str
    name: str
    region_code: str
    icb_code: str
    trust_type_code: str
    reasons: list[Reason]


class WarningPage(Page):
    results: list[Warning]
