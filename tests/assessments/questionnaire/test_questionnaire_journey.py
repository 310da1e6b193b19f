"""The questionnaire as a task list: where Continue goes, what each page says is still
unanswered, Change returning to check answers, and two tabs never overwriting silently."""

import re

from assessments.models import Answer
from tests.helpers import answer_everything, page_data
from tests.helpers import questionnaire_url as url
from tests.pages import redirected


def loaded_version(client, assessment, number, query=""):
    page = client.get(url(assessment, "page", number=number) + query).content.decode()
    return re.search(r'name="version" value="([^"]*)"', page).group(1)


def saved_levels(member, number):
    return [
        (a.score, a.dont_know, a.comment)
        for a in Answer.objects.filter(
            response__respondent=member, question__principle__number=number
        ).order_by("question__order")
    ]


def test_start_page_lists_each_principle_with_its_status(signed_in, board_member, assessment):
    client = signed_in(board_member)
    client.post(url(assessment, "page", number=1), page_data(assessment, 1))
    client.post(url(assessment, "page", number=2), page_data(assessment, 2, levels=("3", "", "")))
    content = client.get(url(assessment, "start")).content.decode()
    statuses = re.findall(r'id="principles-\d+-status">\s*(?:<strong[^>]*>)?([^<\n]+)', content)
    assert statuses == ["Completed", "In progress"] + ["Not started"] * 6
    assert 'href="' + url(assessment, "page", number=3) + '"' in content
    # Continue goes to the first principle with a question unanswered: principle 2.
    continue_link = re.search(r'href="([^"]+)">Continue</a>', content).group(1)
    assert continue_link == url(assessment, "page", number=2)


def test_saving_a_page_with_gaps_names_the_questions_still_unanswered(
    signed_in, board_member, assessment
):
    client = signed_in(board_member)
    # Question 2 has a comment but no level; question 3 has nothing.
    data = page_data(assessment, 1, levels=("4", "", ""), comments=("", "Not sure yet", ""))
    response = client.post(url(assessment, "page", number=1), data, follow=True)
    assert response.redirect_chain[-1][0] == url(assessment, "page", number=2)
    content = response.content.decode()
    assert "On principle 1 (" in content
    assert "questions 2 and 3 still need a level or Don&#x27;t know before you submit" in content
    # The answers are kept, gaps and all, and the page says what is left when reopened.
    assert saved_levels(board_member, 1) == [(4, False, ""), (None, False, "Not sure yet")]
    page = client.get(url(assessment, "page", number=1)).content.decode()
    assert "Still to answer on this page: questions 2 and 3." in page


def test_save_and_come_back_later_is_never_blocked_by_gaps(signed_in, board_member, assessment):
    client = signed_in(board_member)
    data = page_data(assessment, 3, levels=("", "", "2"), action="later")
    response = client.post(url(assessment, "page", number=3), data, follow=True)
    assert response.redirect_chain[-1][0] == url(assessment, "start")
    content = response.content.decode()
    assert "Your answers are saved" in content
    assert "questions 1 and 2 still need a level" in content
    assert saved_levels(board_member, 3) == [(2, False, "")]


def test_a_complete_page_saves_without_a_warning(signed_in, board_member, assessment):
    client = signed_in(board_member)
    response = client.post(url(assessment, "page", number=1), page_data(assessment, 1), follow=True)
    assert "still need" not in response.content.decode()


def test_change_from_check_answers_returns_there_with_a_confirmation(
    signed_in, board_member, assessment
):
    answer_everything(assessment, board_member, submit=False)
    client = signed_in(board_member)
    check = client.get(url(assessment, "check")).content.decode()
    change = url(assessment, "page", number=4) + "?return=check"
    assert change + "#id_" in check
    page = client.get(change).content.decode()
    assert "Save and return to check your answers" in page
    assert f'href="{url(assessment, "check")}"' in page  # the back link goes back there
    data = page_data(assessment, 4, levels=("5", "5", "5"))
    response = client.post(change, data | {"version": loaded_version(client, assessment, 4)})
    assert response.status_code == 302
    assert response.url == url(assessment, "check") + "#principle-4"
    content = client.get(response.url).content.decode()
    assert 'id="principle-4"' in content
    assert "Your answers to principle 4 (" in content
    assert "are changed" in content
    assert saved_levels(board_member, 4) == [(5, False, "")] * 3


def test_check_answers_is_full_width_with_a_back_link(signed_in, board_member, assessment):
    answer_everything(assessment, board_member, submit=False)
    content = signed_in(board_member).get(url(assessment, "check")).content.decode()
    assert "nhsuk-grid-column-full" in content
    assert "nhsuk-grid-column-two-thirds" not in content
    assert f'href="{url(assessment, "start")}">Your questionnaire</a>' in content
    assert content.count('class="nhsuk-summary-list qd-answers"') == 8


def test_a_save_over_answers_changed_in_another_tab_shows_both_and_changes_nothing(
    signed_in, board_member, assessment
):
    client = signed_in(board_member)
    client.post(url(assessment, "page", number=1), page_data(assessment, 1))
    first_tab = loaded_version(client, assessment, 1)
    second_tab = loaded_version(client, assessment, 1)
    client.post(
        url(assessment, "page", number=1),
        page_data(assessment, 1, levels=("5", "4", "dont-know")) | {"version": second_tab},
    )
    mine = page_data(assessment, 1, levels=("1", "4", "dont-know"), comments=("Mine", "", ""))
    response = client.post(url(assessment, "page", number=1), mine | {"version": first_tab})
    assert response.status_code == 409
    content = response.content.decode()
    assert "These answers changed in another tab" in content
    saved_side = content.index("Saved from the other tab")
    typed_side = content.index("Typed on this page")
    assert "5 – " in content[saved_side:typed_side]
    assert "1 – " in content[typed_side:]
    assert "Mine" in content[typed_side:]
    assert content.count('<h3 class="nhsuk-heading-s">Question') == 1  # only what differs
    assert saved_levels(board_member, 1) == [(5, False, ""), (4, False, ""), (None, True, "")]
    # Saving again from the shown page keeps what was typed here.
    newer = re.search(r'name="version" value="([^"]*)"', content).group(1)
    assert newer != first_tab
    again = client.post(url(assessment, "page", number=1), mine | {"version": newer})
    assert again.status_code == 302
    assert saved_levels(board_member, 1)[0] == (1, False, "Mine")


def test_a_save_matching_what_another_tab_saved_goes_through(signed_in, board_member, assessment):
    client = signed_in(board_member)
    old = loaded_version(client, assessment, 1)
    same = page_data(assessment, 1, levels=("2", "2", "2"))
    client.post(url(assessment, "page", number=1), same | {"version": old})
    response = client.post(url(assessment, "page", number=1), same | {"version": old})
    redirected(response, url(assessment, "page", number=2))


def test_saves_on_other_pages_do_not_count_as_a_change(signed_in, board_member, assessment):
    client = signed_in(board_member)
    version = loaded_version(client, assessment, 1)
    client.post(url(assessment, "page", number=2), page_data(assessment, 2))
    response = client.post(
        url(assessment, "page", number=1), page_data(assessment, 1) | {"version": version}
    )
    redirected(response, url(assessment, "page", number=2))
