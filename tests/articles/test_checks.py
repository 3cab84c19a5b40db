"""The content checks: each one passes good text and catches the problem it is for."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles import checks
from articles.checks import ERROR, INFO, WARNING, CheckSettings, Finding, check_article, has_errors
from articles.models import Article, ArticleEvent, Reference, Topic

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
    good_article.next_review_due = TODAY - datetime.timedelta(days=1)
    findings = run(good_article)
    assert [(finding.severity, finding.code) for finding in findings] == [
        (ERROR, "summary-missing"),
        (WARNING, "review-overdue"),
    ]
    assert has_errors(findings)
    assert not has_errors(findings[1:])
    assert not has_errors([])


# ------------------------------------------------------------------ claims


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("It helps 80% of people.", "statistic"),
        ("About half of all adults have tried it.", "statistic"),
        ("Migraine is very common.", "statistic"),
        ("Studies show that it works.", "authority"),
        ("Doctors agree that every person with migraine should try it.", "authority"),
        ("Sleep experts all agree that a warm bath before bed helps.", "authority"),
        ("According to research, screens ruin your sleep.", "authority"),
        ("Rizatriptan is far stronger than every other triptan.", "comparison"),
        ("Red wine is the best natural sleep aid there is.", "comparison"),
        ("Some experts believe that magnesium may possibly reverse the damage.", "hedged"),
        ("Claire from Leeds says the tablets changed her life.", "testimonial"),
        ("My friend Sam says triptans stopped his attacks dead.", "testimonial"),
        ("It works within minutes.", "guarantee"),
        ("Stress is the main cause of migraine.", "causation"),
        ("Feverfew eases migraine pain.", "efficacy"),
        ("Triptans can make you feel drowsy.", "safety"),
    ],
)
def test_an_uncited_claim_is_a_warning_asking_for_a_source(good_article, sentence, kind):
    with_body(good_article, f"{sentence}\n")
    [finding] = run(good_article, checks.check_claims)
    assert (finding.severity, finding.code, finding.excerpt, finding.is_sentence) == (
        WARNING,
        "unsupported-claim",
        sentence,
        True,
    )
    assert kind in finding.figures["kinds"]
    assert "without a source" in finding.message and "cite it with its number" in finding.message


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("If the first tablet does not work, take another one every half hour until the pain has gone.", "dosing"),
        ("If the first tablet does not work, take another one until the pain has gone.", "dosing"),
        ("Take 2 tablets every 4 to 6 hours.", "dosing"),
        ("Adults: 400 mg three times a day.", "dosing"),
        ("Stop taking your beta blocker once the headaches ease.", "dosing"),
        ("You can swap your prescribed preventive for magnesium.", "dosing"),
        ("Triptans are a good choice for people with coronary artery disease.", "safety"),
        ("Triptans should not be used by people with heart disease.", "safety"),
        ("You can take it every day without any risk.", "safety"),
        ("Children's paracetamol is so gentle that you cannot overdose on it.", "safety"),
        ("Botox is a cure for chronic migraine.", "efficacy"),
    ],
)
def test_a_dangerous_claim_without_a_source_is_a_blocking_error_that_never_says_drop_the_number(
    good_article, sentence, kind
):
    with_body(good_article, f"{sentence}\n")
    [finding] = run(good_article, checks.check_claims)
    assert (finding.severity, finding.code, finding.excerpt) == (ERROR, "dangerous-claim", sentence)
    assert finding.figures["kind"] == kind
    assert finding.overridable_by == checks.MEDICAL_REVIEWER
    assert "medical reviewer" in finding.message and "e.g. [1]" in finding.message
    for advice in ("without the figure", "without the number", "remove the number", "delete"):
        assert advice not in finding.message


@pytest.mark.parametrize(
    "body",
    [
        "If you cannot sleep, get up after about 20 minutes and do something calm.",
        "I woke at 3am with the pain.",
        "Ask your doctor or pharmacist how many days a month it is safe to take painkillers.",
        "Do not stop taking your medicine without talking to your doctor.",
        "Is it safe? Ask your doctor, “Is it safe for me?”",
        "If you find it hard to breathe, call 999.",
        "Keep your tablets in a safe place, out of the reach of children.",
        "Triptans are used to treat migraine attacks.",
        "Use the cream as your doctor prescribed.",
        "Write down how many tablets you take each day.",
        "## 3 things to know\n\nAsk your doctor.",
        "1. Wash your hands.\n2. Clean the skin.\n3. Ask the nurse to start.",
        "Some people with long COVID-19 get headaches [1].",
        "```\n50% of 10\n```\n\nA code sample.",
    ],
)
def test_advice_questions_signposting_and_numbers_alone_are_not_claims(good_article, body):
    with_body(good_article, body)
    assert run(good_article, checks.check_claims) == []


@pytest.mark.parametrize(
    "body",
    [
        "It helps 80% of people [1].",
        "Take 2 tablets every 4 to 6 hours, and no more than 8 in 24 hours [1].",
        "Headache days fell by 8.4 a month with Botox [1]. The dose was 155 to 195 units [2].",
        "In 2010 the FDA approved it.[1] It is given every 12 weeks [1] [2].",
        "You may have chronic migraine if [1]:\n\n- you have headaches on 15 or more days a month\n- for 3 months",
        "Botox is not approved for:\n\n- children under 18 [1]\n- tension-type headache [2]",
        "| Day | Hours |\n| --- | --- |\n| Monday | 5 [1] |\n| Tuesday | 3 |",
    ],
)
def test_a_claim_citing_a_listed_reference_is_fine(good_article, body):
    with_body(good_article, body)
    assert run(good_article, checks.check_claims) == []


def test_a_citation_that_resolves_to_no_reference_supports_nothing(good_article):
    with_body(good_article, "Take 2 tablets every 4 hours [7].")
    findings = run(good_article, checks.check_claims, checks.check_reference_numbers)
    assert [(f.code, f.excerpt) for f in findings if f.code != "reference-not-cited"] == [
        ("dangerous-claim", "Take 2 tablets every 4 hours [7]."),
        ("reference-not-listed", "Take 2 tablets every 4 hours [7]."),
    ]


def test_list_items_without_a_cited_introduction_are_checked_one_by_one(good_article):
    with_body(good_article, "You may have it if:\n\n- most people in your family have it\n- you feel sick")
    [finding] = run(good_article, checks.check_claims)
    assert finding.excerpt == "most people in your family have it"


def test_a_table_of_uncited_claims_gives_one_warning(good_article):
    with_body(good_article, "| Who | Share |\n| --- | --- |\n| Adults | 15% of adults |\n| Children | 10% |")
    [finding] = run(good_article, checks.check_claims)
    assert finding.excerpt == "Adults 15% of adults"
    assert finding.message.startswith("A table row")


def test_extra_claim_words_come_from_settings(good_article, settings):
    settings.ARTICLE_CHECKS_CLAIM_WORDS = ["wonder herb"]
    with_body(good_article, "Feverfew is a wonder herb. Butterbur is a plant.")
    [finding] = run(good_article, checks.check_claims)
    assert (finding.code, finding.excerpt) == ("unsupported-claim", "Feverfew is a wonder herb.")


def test_a_claim_a_medical_reviewer_accepted_is_a_note_naming_the_reviewer_and_the_reason(good_article, reviewer_user):
    sentence = "Take 2 tablets every 4 to 6 hours."
    with_body(good_article, sentence)
    ArticleEvent.objects.create(
        article=good_article,
        action=ArticleEvent.Action.ACCEPTED_CLAIM,
        actor=reviewer_user,
        from_status=good_article.status,
        to_status=good_article.status,
        note="The standard adult dose from the leaflet.",
        fingerprint=checks.finding_key("dangerous-claim", sentence),
    )
    [finding] = run(good_article, checks.check_claims)
    assert (finding.severity, finding.code, finding.excerpt) == (INFO, "dangerous-claim-accepted", sentence)
    assert "The standard adult dose from the leaflet." in finding.message
    with_body(good_article, "Take 3 tablets every 4 to 6 hours.")  # another sentence: the acceptance does not hold
    assert codes(run(good_article, checks.check_claims)) == ["dangerous-claim"]


# ------------------------------------------------------------------ contradictions


def test_an_article_that_says_a_thing_is_approved_and_not_approved_reports_both_sentences(good_article):
    with_body(
        good_article,
        "The FDA approved Botox for chronic migraine in 2010 [1].\n\n"
        "It is given every 12 weeks [2].\n\nBotox is not FDA-approved as a treatment for migraine.",
    )
    [finding] = run(good_article, checks.check_contradictions)
    assert (finding.severity, finding.code) == (ERROR, "contradiction")
    assert finding.excerpt == "The FDA approved Botox for chronic migraine in 2010 [1]."
    assert finding.other_sentence == "Botox is not FDA-approved as a treatment for migraine."
    assert finding.overridable_by == checks.MEDICAL_REVIEWER
    assert "contradicts itself about what is approved" in finding.message


@pytest.mark.parametrize(
    "body",
    [
        "Botox is approved for chronic migraine [1]. It is not approved for episodic migraine [2].",
        "Sumatriptan is safe in breastfeeding [1]. Ergotamine is not safe in breastfeeding [2].",
        "Is Botox approved for migraine? It is approved for chronic migraine [1].",
    ],
)
def test_different_uses_or_different_medicines_are_not_contradictions(good_article, body):
    with_body(good_article, body)
    assert run(good_article, checks.check_contradictions) == []


def test_safe_and_not_safe_in_the_same_group_is_a_contradiction(good_article):
    with_body(good_article, "Ibuprofen is safe in pregnancy.\n\nIbuprofen is not safe in pregnancy [1].")
    [finding] = run(good_article, checks.check_contradictions)
    assert "what is safe" in finding.message


# ------------------------------------------------------------------ language


def test_marketing_language_is_a_warning_even_with_quotes_inside_the_phrase(good_article):
    with_body(good_article, "Is it safe? The answer is a resounding “yes.” It is risk-free [1].")
    findings = run(good_article, checks.check_marketing_language)
    assert [(f.severity, f.code, f.excerpt) for f in findings] == [
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
    assert (finding.severity, finding.code, finding.excerpt) == (ERROR, "reference-not-listed", "It is new [3].")


def test_a_reference_the_text_never_cites_is_an_error(good_article):
    with_body(good_article, "It works [1].")
    [finding] = run(good_article, checks.check_reference_numbers)
    assert (finding.severity, finding.code, finding.figures["number"]) == (ERROR, "reference-not-cited", 2)
    assert finding.excerpt == "Study 2"


def test_a_marker_that_does_not_become_a_link_is_a_warning(good_article):
    with_body(good_article, "It works [1] [2]. The trial [2][] showed it.")
    [finding] = run(good_article, checks.check_reference_numbers)
    assert (finding.severity, finding.code) == (WARNING, "citation-not-linked")


def test_markers_in_a_run_or_before_a_colon_become_links(good_article):
    with_body(good_article, "It works [1][2]. The common side effects are [1]:\n\n- neck pain")
    assert run(good_article, checks.check_reference_numbers) == []


def test_a_reference_without_url_or_doi_is_a_warning(good_article):
    Reference.objects.filter(article=good_article, position=2).update(doi="")
    Reference.objects.create(
        article=good_article, position=3, title="A trial, PMID: 20487038", source="Headache", year=2010
    )
    [finding] = run(good_article, checks.check_reference_links)
    assert (finding.severity, finding.code, finding.excerpt) == (WARNING, "reference-without-link", "Study 2")


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


def test_the_reading_grade_and_the_sentences_need_no_network(good_article, monkeypatch):
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError("the content checks tried to reach the network")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    with_body(good_article, HARD_SENTENCES.replace("systematically", "systematically and repeatedly"))
    [finding] = run(good_article, checks.check_reading_grade)
    assert finding.figures["grade"] > 8


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
    assert [(f.severity, f.code) for f in run(good_article, checks.check_summary)] == [(ERROR, "summary-missing")]
    good_article.summary = "x" * 161
    [finding] = run(good_article, checks.check_summary)
    assert (finding.severity, finding.code, finding.figures["length"]) == (WARNING, "summary-too-long", 161)
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
    assert (finding.severity, finding.code, finding.excerpt) == (WARNING, "heading-level-skipped", "Detail")
    with_body(good_article, "## Overview\n\n### Detail\n\n#### Finer\n\n## Next")
    assert run(good_article, checks.check_heading_levels) == []


def test_an_image_without_alt_text_is_an_error(good_article):
    with_body(good_article, "![](/media/sites.png)\n\n![Injection sites on the forehead](/media/ok.png)")
    [finding] = run(good_article, checks.check_image_alt_text)
    assert (finding.severity, finding.code, finding.excerpt) == (ERROR, "image-without-alt", "/media/sites.png")


def test_an_http_link_is_a_warning(good_article):
    with_body(good_article, "See [NICE](http://www.nice.org.uk/) or [the NHS](https://www.nhs.uk/).")
    [finding] = run(good_article, checks.check_insecure_links)
    assert (finding.severity, finding.code, finding.excerpt) == (WARNING, "insecure-link", "http://www.nice.org.uk/")


def test_a_link_to_an_article_that_does_not_exist_is_an_error(good_article, make_article):
    make_article("Tension-type headache")
    make_article("Headache diary", status=Article.Status.DRAFT, published_at=None)
    with_body(
        good_article,
        "Read about [tension headache](/articles/tension-type-headache/), [diaries](/articles/headache-diary/), "
        "[cluster headache](/articles/cluster-headache/) and [topics](/topics/migraine/).",
    )
    findings = run(good_article, checks.check_internal_links)
    assert [(f.severity, f.code, f.figures["slug"]) for f in findings] == [
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


def test_a_page_that_meets_the_publishing_standards_has_no_standard_findings(good_article):
    assert run(good_article, checks.check_standards) == []


def test_each_missing_publishing_standard_is_an_error_nobody_can_override(good_article, reviewer_user):
    good_article.author.contributor.delete()
    good_article.author.refresh_from_db()
    reviewer_user.contributor.credentials = ""
    reviewer_user.contributor.save()
    good_article.reviewer = reviewer_user
    good_article.last_reviewed = None
    good_article.competing_interests = "  "
    findings = run(good_article, checks.check_standards, references=[])
    assert [(f.severity, f.code) for f in findings] == [
        (ERROR, "standard-author"),
        (ERROR, "standard-reviewer"),
        (ERROR, "standard-review-dates"),
        (ERROR, "standard-sources"),
        (ERROR, "standard-interests"),
    ]
    assert {f.overridable_by for f in findings} == {checks.NOBODY}
    assert "a competing-interests statement" in findings[-1].message


def test_an_author_named_by_their_account_and_none_declared_meet_the_standards(good_article, reviewer_user):
    good_article.author.contributor.delete()
    good_article.author.first_name, good_article.author.last_name = "Amira", "Patel"
    good_article.author.save()
    good_article.author.refresh_from_db()
    good_article.competing_interests = "None"
    assert run(good_article, checks.check_standards) == []


def test_no_reviewer_at_all_misses_the_reviewer_standard(good_article):
    good_article.reviewer = None
    assert codes(run(good_article, checks.check_standards)) == ["standard-reviewer"]


def test_a_page_without_a_feedback_route_misses_that_standard(good_article, settings):
    settings.ROOT_URLCONF = "tests.articles.urls_without_contact"
    assert codes(run(good_article, checks.check_standards)) == ["standard-feedback"]


def test_an_overdue_review_is_a_warning_not_an_error(good_article):
    good_article.next_review_due = TODAY - datetime.timedelta(days=10)
    [finding] = run(good_article, checks.check_review)
    assert (finding.severity, finding.code, finding.figures["days_overdue"]) == (WARNING, "review-overdue", 10)
    good_article.next_review_due = TODAY
    assert run(good_article, checks.check_review) == []


# ------------------------------------------------------------------ safety sections


def test_a_treatment_article_without_a_when_to_get_help_section_is_an_error(good_article):
    with_body(good_article, GOOD_BODY.replace("## When to get medical help", "## More"))
    [finding] = run(good_article, checks.check_required_sections)
    assert (finding.severity, finding.code, finding.excerpt) == (
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


def test_ignored_codes_are_not_reported_but_the_publishing_standards_always_are(good_article, settings):
    settings.ARTICLE_CHECKS_IGNORE = ["review-overdue", "standard-interests"]
    good_article.next_review_due = TODAY - datetime.timedelta(days=3)
    good_article.competing_interests = ""
    assert codes(run(good_article)) == ["standard-interests"]


# ------------------------------------------------------------------ check_content


def check_content(*slugs) -> str:
    out = StringIO()
    call_command("check_content", *slugs, stdout=out)
    return out.getvalue()


def test_check_content_exits_0_when_there_are_only_warnings(good_article):
    with_body(good_article, GOOD_BODY + "\nMost people feel better within a week.\n")
    output = check_content()
    assert "WARNING unsupported-claim" in output
    assert "“Most people feel better within a week.”" in output
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
