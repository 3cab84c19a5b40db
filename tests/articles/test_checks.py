"""The content checks: each one passes good text and catches the problem it is for."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles import checks
from articles.checks import ERROR, WARNING, CheckSettings, Finding, check_article, has_errors
from articles.models import Article, Reference, Topic

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 24)

# A short treatment article that every check is happy with.
GOOD_BODY = """\
Botox can help prevent headaches in adults with chronic migraine [1]. A specialist gives the injections.

## How it works

It calms the nerves that carry pain signals [2]. You may have fewer headache days.

## Side effects

Your neck may feel sore for a few days. Tell your doctor if it does not get better.

## When to get medical help

Call 999 if you find it hard to swallow or breathe.
"""


@pytest.fixture
def good_article(make_article, topic, reviewer_user):
    return make_article(
        body=GOOD_BODY,
        topics=[topic],
        references=2,
        reviewer=reviewer_user,
        last_reviewed=datetime.date(2026, 10, 1),
    )


def run(article, *only, **options) -> list[Finding]:
    return check_article(article, checks=list(only) or None, today=TODAY, **options)


def codes(findings) -> list[str]:
    return [finding.code for finding in findings]


def with_body(article, body: str) -> Article:
    article.body = body
    article.save()
    return article


def test_a_well_written_treatment_article_has_no_findings(good_article):
    assert run(good_article) == []


def test_findings_list_errors_before_warnings_and_has_errors_says_whether_any_blocks(good_article):
    good_article.summary = ""
    good_article.reviewer = None
    findings = run(good_article)
    assert [finding.level for finding in findings] == [ERROR, WARNING]
    assert has_errors(findings)
    assert not has_errors(findings[1:])
    assert not has_errors([])


# ------------------------------------------------------------------ claims


@pytest.mark.parametrize(
    ("sentence", "trigger"),
    [
        ("It helps 80% of people.", "80%"),
        ("About half of all adults have tried it.", "half of"),
        ("Most people feel better within a week.", "Most"),
        ("One in five people stop because of side effects.", "One in five"),
        ("The majority of patients are happy with it.", "majority"),
        ("You can have four to six sessions a year.", "four to six"),
        ("Studies show that it works.", "Studies show"),
        ("The injections are safe for most adults.", "safe"),
        ("It has a success rate that is hard to beat.", "success rate"),
    ],
)
def test_an_uncited_figure_or_claim_is_a_warning_quoting_the_sentence(good_article, sentence, trigger):
    with_body(good_article, f"{sentence}\n")
    [finding] = run(good_article, checks.check_claims_without_citation)
    assert (finding.level, finding.code, finding.excerpt) == (WARNING, "claim-without-citation", sentence)
    assert any(trigger in found for found in finding.figures["triggers"])
    assert f"“{trigger}”" in finding.message


@pytest.mark.parametrize(
    "body",
    [
        "It helps 80% of people [1].",
        "Headache days fell by 8.4 a month with Botox [1]. The dose was 155 to 195 units [2].",
        "In 2010 the FDA approved it.[1] It is given every 12 weeks [1] [2].",
        "## 3 things to know\n\nAsk your doctor.",
        "1. Wash your hands.\n2. Clean the skin.\n3. Ask the nurse to start.",
        "This page answers the questions people ask most. You can take at most one dose.",
        "Some people with long COVID-19 get headaches.",
        "Is it safe? Ask your doctor, “Is it safe for me?”",
        "If you find it hard to breathe, call 999.",
        "```\n50% of 10\n```\n\nA code sample.",
        "You may have chronic migraine if [1]:\n\n- you have headaches on 15 or more days a month\n- for 3 months",
        "Botox is not approved for:\n\n- children under 18 [1]\n- tension-type headache [2]",
        "| Day | Hours |\n| --- | --- |\n| Monday | 5 [1] |\n| Tuesday | 3 |",
    ],
)
def test_cited_or_harmless_numbers_are_not_claims(good_article, body):
    with_body(good_article, body)
    assert run(good_article, checks.check_claims_without_citation) == []


def test_list_items_without_a_cited_introduction_are_checked_one_by_one(good_article):
    with_body(good_article, "You may have it if:\n\n- you have headaches on 15 days a month\n- you feel sick")
    [finding] = run(good_article, checks.check_claims_without_citation)
    assert finding.excerpt == "you have headaches on 15 days a month"


def test_a_table_of_uncited_figures_gives_one_warning(good_article):
    with_body(good_article, "| Day | Hours |\n| --- | --- |\n| Monday | 5 |\n| Tuesday | 3 |")
    [finding] = run(good_article, checks.check_claims_without_citation)
    assert finding.excerpt == "Monday 5"
    assert finding.message.startswith("A table states figures")


def test_claim_words_come_from_settings(good_article, settings):
    settings.ARTICLE_CHECKS_CLAIM_WORDS = ["experts agree"]
    with_body(good_article, "Experts agree it works. It is safe.")
    [finding] = run(good_article, checks.check_claims_without_citation)
    assert finding.excerpt == "Experts agree it works."


# ------------------------------------------------------------------ language


def test_marketing_language_is_a_warning_even_with_quotes_inside_the_phrase(good_article):
    with_body(good_article, "Is it safe? The answer is a resounding “yes.” It is risk-free [1].")
    findings = run(good_article, checks.check_marketing_language)
    assert [(f.level, f.code, f.excerpt) for f in findings] == [
        (WARNING, "marketing-language", "The answer is a resounding “yes.”"),
        (WARNING, "marketing-language", "It is risk-free [1]."),
    ]
    assert findings[0].figures["phrases"] == ("resounding “yes",)


def test_marketing_language_in_the_title_is_found_and_plain_wording_is_not(good_article):
    good_article.title = "The miracle cure for migraine"
    [finding] = run(good_article, checks.check_marketing_language)
    assert finding.excerpt == "The miracle cure for migraine"
    good_article.title = "Botox for headache"
    assert run(good_article, checks.check_marketing_language) == []


# ------------------------------------------------------------------ references


def test_a_cited_number_without_a_reference_is_an_error(good_article):
    with_body(good_article, "It works [1]. It lasts [2]. It is new [3].")
    [finding] = run(good_article, checks.check_reference_numbers)
    assert (finding.level, finding.code, finding.excerpt) == (ERROR, "reference-not-listed", "It is new [3].")


def test_a_reference_the_text_never_cites_is_an_error(good_article):
    with_body(good_article, "It works [1].")
    [finding] = run(good_article, checks.check_reference_numbers)
    assert (finding.level, finding.code, finding.figures["number"]) == (ERROR, "reference-not-cited", 2)
    assert finding.excerpt == "Study 2"


def test_a_marker_that_does_not_become_a_link_is_a_warning(good_article):
    with_body(good_article, "It works [1] [2]. The trial [2][] showed it.")
    [finding] = run(good_article, checks.check_reference_numbers)
    assert (finding.level, finding.code) == (WARNING, "citation-not-linked")


def test_markers_in_a_run_or_before_a_colon_become_links(good_article):
    with_body(good_article, "It works [1][2]. The common side effects are [1]:\n\n- neck pain")
    assert run(good_article, checks.check_reference_numbers) == []


def test_a_reference_without_url_or_doi_is_a_warning(good_article):
    Reference.objects.filter(article=good_article, position=2).update(doi="")
    Reference.objects.create(
        article=good_article, position=3, title="A trial, PMID: 20487038", source="Headache", year=2010
    )
    [finding] = run(good_article, checks.check_reference_links)
    assert (finding.level, finding.code, finding.excerpt) == (WARNING, "reference-without-link", "Study 2")


def test_unsaved_articles_are_checked_against_the_references_given(author_user):
    article = Article(title="Botox", summary="Short.", body="It works [1].", author=author_user)
    findings = check_article(
        article,
        references=[Reference(position=1, title="Trial", doi="10.1/1")],
        checks=[checks.check_reference_numbers],
    )
    assert findings == []
    assert codes(check_article(article, checks=[checks.check_reference_numbers])) == ["reference-not-listed"]


# ------------------------------------------------------------------ readability

PLAIN_SENTENCES = "You may get a headache. Rest in a dark room. Drink some water. Take a painkiller. Ask your GP. "
HARD_SENTENCES = (
    "Pharmacological prophylaxis necessitates individualised consideration of comorbidities. "
    "Onabotulinumtoxin administration demonstrates considerable efficacy. "
    "Contraindications encompass neuromuscular pathology. "
    "Practitioners evaluate therapeutic responsiveness systematically. "
    "Alternative interventions include monoclonal antibodies. "
)


def test_plain_text_is_within_the_reading_grade(good_article):
    with_body(good_article, PLAIN_SENTENCES)
    assert run(good_article, checks.check_reading_grade) == []


def test_hard_text_gets_a_reading_grade_warning_showing_the_grade_and_the_target(good_article):
    with_body(good_article, HARD_SENTENCES)
    [finding] = run(good_article, checks.check_reading_grade)
    assert finding.code == "reading-grade"
    assert finding.figures["grade"] > 8
    assert f"Reading grade {finding.figures['grade']:.1f}" in finding.message
    assert "target of 8" in finding.message


def test_the_reading_grade_target_comes_from_settings(good_article, settings):
    settings.ARTICLE_CHECKS_MAX_GRADE = 50
    with_body(good_article, HARD_SENTENCES)
    assert run(good_article, checks.check_reading_grade) == []


def test_long_sentences_are_counted_and_the_longest_is_shown(good_article):
    long = "Many" + " words" * 29 + "."
    longer = "More" + " words" * 39 + "."
    with_body(good_article, f"Short one. {long} {longer} Short two.")
    [finding] = run(good_article, checks.check_long_sentences)
    assert finding.figures == {"count": 2, "longest": 40, "limit": 25}
    assert finding.excerpt == longer
    assert "2 sentence(s) have more than 25 words; the longest has 40" in finding.message


def test_the_sentence_length_limit_comes_from_settings(good_article, settings):
    settings.ARTICLE_CHECKS_MAX_SENTENCE_WORDS = 50
    with_body(good_article, " ".join(["word"] * 40) + ".")
    assert run(good_article, checks.check_long_sentences) == []


def test_a_high_share_of_passive_sentences_is_a_warning_with_the_share(good_article):
    with_body(
        good_article,
        "The injections are given by a nurse. The dose was chosen by the team. The drug is made from a toxin. "
        "You rest. You go home.",
    )
    [finding] = run(good_article, checks.check_passive_voice)
    assert finding.figures == {"passive": 3, "sentences": 5, "share": 0.6}
    assert "3 of 5 sentences (60%)" in finding.message
    assert finding.excerpt == "The injections are given by a nurse."


def test_active_sentences_and_adjectives_after_be_are_not_passive(good_article):
    with_body(good_article, "A nurse gives the injections. You may be tired. You are worried. We need you. Rest.")
    assert run(good_article, checks.check_passive_voice) == []


# ------------------------------------------------------------------ structure


def test_a_missing_summary_is_an_error_and_a_long_one_a_warning(good_article):
    good_article.summary = "  "
    assert [(f.level, f.code) for f in run(good_article, checks.check_summary)] == [(ERROR, "summary-missing")]
    good_article.summary = "x" * 161
    [finding] = run(good_article, checks.check_summary)
    assert (finding.level, finding.code, finding.figures["length"]) == (WARNING, "summary-too-long", 161)
    good_article.summary = "x" * 160
    assert run(good_article, checks.check_summary) == []


def test_a_title_over_70_characters_is_a_warning(good_article):
    good_article.title = "t" * 71
    assert codes(run(good_article, checks.check_title)) == ["title-too-long"]
    good_article.title = "t" * 70
    assert run(good_article, checks.check_title) == []


def test_a_skipped_heading_level_is_a_warning(good_article):
    with_body(good_article, "## Overview\n\nText.\n\n#### Detail\n\nMore.")
    [finding] = run(good_article, checks.check_heading_levels)
    assert (finding.level, finding.code, finding.excerpt) == (WARNING, "heading-level-skipped", "Detail")
    with_body(good_article, "## Overview\n\n### Detail\n\n#### Finer\n\n## Next")
    assert run(good_article, checks.check_heading_levels) == []


def test_an_image_without_alt_text_is_an_error(good_article):
    with_body(good_article, "![](/media/sites.png)\n\n![Injection sites on the forehead](/media/ok.png)")
    [finding] = run(good_article, checks.check_image_alt_text)
    assert (finding.level, finding.code, finding.excerpt) == (ERROR, "image-without-alt", "/media/sites.png")


def test_an_http_link_is_a_warning(good_article):
    with_body(good_article, "See [NICE](http://www.nice.org.uk/) or [the NHS](https://www.nhs.uk/).")
    [finding] = run(good_article, checks.check_insecure_links)
    assert (finding.level, finding.code, finding.excerpt) == (WARNING, "insecure-link", "http://www.nice.org.uk/")


def test_a_link_to_an_article_that_does_not_exist_is_an_error(good_article, make_article):
    make_article("Tension-type headache")
    make_article("Headache diary", status=Article.Status.DRAFT, published_at=None)
    with_body(
        good_article,
        "Read about [tension headache](/articles/tension-type-headache/), [diaries](/articles/headache-diary/), "
        "[cluster headache](/articles/cluster-headache/) and [topics](/topics/migraine/).",
    )
    findings = run(good_article, checks.check_internal_links)
    assert [(f.level, f.code, f.figures["slug"]) for f in findings] == [
        (ERROR, "internal-link-broken", "cluster-headache"),
        (WARNING, "internal-link-unpublished", "headache-diary"),
    ]


def test_absolute_links_to_this_site_count_as_internal(good_article, settings):
    settings.ALLOWED_HOSTS = ["headache.example.org"]
    with_body(
        good_article, "[Gone](https://headache.example.org/articles/gone/) [Other](https://example.com/articles/x/)"
    )
    assert codes(run(good_article, checks.check_internal_links)) == ["internal-link-broken"]


# ------------------------------------------------------------------ review


def test_no_reviewer_is_a_warning(good_article):
    good_article.reviewer = None
    assert [(f.level, f.code) for f in run(good_article, checks.check_review)] == [(WARNING, "no-reviewer")]


def test_an_overdue_review_is_a_warning_not_an_error(good_article):
    good_article.next_review_due = TODAY - datetime.timedelta(days=10)
    [finding] = run(good_article, checks.check_review)
    assert (finding.level, finding.code, finding.figures["days_overdue"]) == (WARNING, "review-overdue", 10)
    good_article.next_review_due = TODAY
    assert run(good_article, checks.check_review) == []


# ------------------------------------------------------------------ safety sections


def test_a_treatment_article_without_a_when_to_get_help_section_is_an_error(good_article):
    with_body(good_article, GOOD_BODY.replace("## When to get medical help", "## More"))
    [finding] = run(good_article, checks.check_required_sections)
    assert (finding.level, finding.code, finding.excerpt) == (
        ERROR,
        "required-section-missing",
        "When to get medical help",
    )


@pytest.mark.parametrize(
    ("help_heading", "side_effects_heading"),
    [
        ("When to see a doctor", "Risks"),
        ("Getting urgent help", "Possible complications"),
        ("Call 999 or go to A&E if", "Side effects and risks"),
    ],
)
def test_required_sections_accept_common_wordings(good_article, help_heading, side_effects_heading):
    body = GOOD_BODY.replace("## When to get medical help", f"## {help_heading}")
    body = body.replace("## Side effects", f"## {side_effects_heading}")
    with_body(good_article, body)
    assert run(good_article, checks.check_required_sections) == []


def test_a_side_effects_section_is_required_too(good_article):
    with_body(good_article, GOOD_BODY.replace("## Side effects", "## Aftercare"))
    assert [f.excerpt for f in run(good_article, checks.check_required_sections)] == ["Side effects"]


def test_articles_that_are_not_about_a_treatment_need_no_safety_sections(make_article, topic):
    article = make_article("Keeping a headache diary", body="Write down each headache.", topics=[topic])
    assert run(article, checks.check_required_sections) == []


def test_treatment_keywords_match_the_start_of_a_word_in_the_title_or_a_topic_name(make_article):
    config = CheckSettings()
    assert checks.is_treatment_article(title="Amitriptyline tablets", topics=[], config=config)
    treatments = Topic(name="Injections", slug="injections")
    assert checks.is_treatment_article(title="Headache", topics=[treatments], config=config)
    assert not checks.is_treatment_article(title="Chronic migraine: how it is treated", topics=[], config=config)


def test_treatment_topics_and_required_sections_come_from_settings(make_article, settings):
    settings.ARTICLE_CHECKS_TREATMENT_TOPICS = ["nerve-blocks"]
    settings.ARTICLE_CHECKS_REQUIRED_SECTIONS = {"Who can have it": r"who can have"}
    nerve_blocks = Topic.objects.create(name="Nerve blocks", slug="nerve-blocks")
    article = make_article("Occipital nerve block", body="## Side effects\n\nSore.", topics=[nerve_blocks])
    assert [f.excerpt for f in run(article, checks.check_required_sections)] == ["Who can have it"]


def test_ignored_codes_are_not_reported(good_article, settings):
    settings.ARTICLE_CHECKS_IGNORE = ["no-reviewer"]
    good_article.reviewer = None
    assert run(good_article) == []


# ------------------------------------------------------------------ check_content


def check_content(*slugs) -> str:
    out = StringIO()
    call_command("check_content", *slugs, stdout=out)
    return out.getvalue()


def test_check_content_exits_0_when_there_are_only_warnings(good_article):
    good_article.reviewer = None
    good_article.save()
    output = check_content()
    assert "WARNING no-reviewer" in output
    assert "1 article(s) checked: 0 error(s), 1 warning(s)" in output


def test_check_content_exits_1_when_an_article_has_an_error(good_article, make_article):
    make_article("Broken", slug="broken", body="It works [4].")
    out = StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("check_content", stdout=out)
    assert failure.value.returncode == 1
    assert "1 article(s) cannot be published" in str(failure.value)
    output = out.getvalue()
    assert "broken — Broken (Published)" in output
    assert "ERROR   reference-not-listed" in output
    assert "“It works [4].”" in output


def test_check_content_checks_only_the_slugs_given_and_skips_archived_articles(good_article, make_article):
    make_article("Old", slug="old", body="It works [4].", status=Article.Status.ARCHIVED)
    assert "1 article(s) checked: 0 error(s)" in check_content()
    with pytest.raises(CommandError) as failure:
        check_content("old", good_article.slug)
    assert failure.value.returncode == 1


def test_check_content_refuses_an_unknown_slug(good_article):
    with pytest.raises(CommandError, match="No article with the slug: nope") as failure:
        check_content(good_article.slug, "nope")
    assert failure.value.returncode == 2


def test_the_demo_botox_article_passes_without_errors(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())
    article = Article.objects.prefetch_related("references", "topics").get(slug="botox-for-headache")
    findings = check_article(article)
    assert not has_errors(findings), [f for f in findings if f.is_error]
    assert "0 error(s)" in check_content("botox-for-headache")
