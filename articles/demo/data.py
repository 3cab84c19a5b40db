"""The people, topics and references behind the demo articles (the article texts live in content/*.md).

The people are fictional; every reference is a real publication or official page.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoTopic:
    slug: str
    name: str
    description: str


@dataclass(frozen=True)
class DemoPerson:
    username: str
    first_name: str
    last_name: str
    display_name: str
    credentials: str
    profession: str
    registration: str
    bio: str


@dataclass(frozen=True)
class DemoReference:
    title: str
    source: str
    year: int | None = None
    url: str = ""
    doi: str = ""


TOPICS = [
    DemoTopic(
        slug="migraine",
        name="Migraine",
        description="What migraine is, how it is diagnosed and the treatments that can prevent or ease attacks.",
    ),
    DemoTopic(
        slug="tension-type-headache",
        name="Tension-type headache",
        description="The most common kind of headache: what it feels like, how to treat it and when to get help.",
    ),
    DemoTopic(
        slug="living-with-headache",
        name="Living with headache",
        description="Practical ways to track your headaches, work with your doctor and manage everyday life.",
    ),
]

AUTHOR = DemoPerson(
    username="demo-author",
    first_name="Hannah",
    last_name="Reid",
    display_name="Hannah Reid",
    credentials="Health writer (fictional demo author)",
    profession="Health writer",
    registration="",
    bio="A fictional health writer created for the demo content. Not a real person.",
)
REVIEWER = DemoPerson(
    username="demo-reviewer",
    first_name="Eleanor",
    last_name="Marsh",
    display_name="Dr Eleanor Marsh",
    credentials="Consultant neurologist (fictional demo reviewer)",
    profession="Neurologist",
    registration="GMC 0000000 (demo)",
    bio="A fictional consultant neurologist created for the demo content. Not a real person or registration.",
)
PEOPLE = [AUTHOR, REVIEWER]

# ------------------------------------------------------------------ references used by several articles

ICHD_3 = DemoReference(
    title="Headache Classification Committee of the International Headache Society (IHS). The International "
    "Classification of Headache Disorders, 3rd edition",
    source="Cephalalgia 38(1):1–211",
    year=2018,
    doi="10.1177/0333102417738202",
)
NICE_CG150 = DemoReference(
    title="Headaches in over 12s: diagnosis and management (clinical guideline CG150)",
    source="National Institute for Health and Care Excellence (NICE)",
    year=2012,
    url="https://www.nice.org.uk/guidance/cg150",
)
NICE_TA260 = DemoReference(
    title="Botulinum toxin type A for the prevention of headaches in adults with chronic migraine "
    "(technology appraisal guidance TA260)",
    source="National Institute for Health and Care Excellence (NICE)",
    year=2012,
    url="https://www.nice.org.uk/guidance/ta260",
)
AHS_2021 = DemoReference(
    title="Ailani J, Burch RC, Robbins MS; Board of Directors of the American Headache Society. The American "
    "Headache Society Consensus Statement: update on integrating new migraine treatments into clinical practice",
    source="Headache 61(7):1021–1039",
    year=2021,
    doi="10.1111/head.14153",
)
EFNS_TTH = DemoReference(
    title="Bendtsen L, Evers S, Linde M, Mitsikostas DD, Sandrini G, Schoenen J. EFNS guideline on the treatment "
    "of tension-type headache – report of an EFNS task force",
    source="European Journal of Neurology 17(11):1318–1325",
    year=2010,
    doi="10.1111/j.1468-1331.2010.03070.x",
)

# ------------------------------------------------------------------ references per article, in citation order

REFERENCES = {
    "botox-for-headache": [
        DemoReference(
            title="BOTOX (onabotulinumtoxinA) for injection: full prescribing information (BLA 103000)",
            source="Allergan, an AbbVie company; US Food and Drug Administration (Drugs@FDA)",
            url="https://www.accessdata.fda.gov/scripts/cder/daf/index.cfm?event=overview.process&ApplNo=103000",
        ),
        NICE_TA260,
        EFNS_TTH,
        DemoReference(
            title="Szok D, Csáti A, Vécsei L, Tajti J. Treatment of chronic migraine with onabotulinumtoxinA: "
            "mode of action, efficacy and safety",
            source="Toxins 7(7):2659–2673",
            year=2015,
            doi="10.3390/toxins7072659",
        ),
        DemoReference(
            title="Aurora SK, Dodick DW, Turkel CC, et al. OnabotulinumtoxinA for treatment of chronic migraine: "
            "results from the double-blind, randomized, placebo-controlled phase of the PREEMPT 1 trial",
            source="Cephalalgia 30(7):793–803",
            year=2010,
            doi="10.1177/0333102410364676",
        ),
        DemoReference(
            title="Diener HC, Dodick DW, Aurora SK, et al. OnabotulinumtoxinA for treatment of chronic migraine: "
            "results from the double-blind, randomized, placebo-controlled phase of the PREEMPT 2 trial",
            source="Cephalalgia 30(7):804–814",
            year=2010,
            doi="10.1177/0333102410364677",
        ),
        DemoReference(
            title="Dodick DW, Turkel CC, DeGryse RE, et al. OnabotulinumtoxinA for treatment of chronic migraine: "
            "pooled results from the double-blind, randomized, placebo-controlled phases of the PREEMPT clinical "
            "program",
            source="Headache 50(6):921–936",
            year=2010,
            doi="10.1111/j.1526-4610.2010.01678.x",
        ),
        AHS_2021,
        DemoReference(
            title="Yellow Card: report a suspected side effect",
            source="Medicines and Healthcare products Regulatory Agency (MHRA)",
            url="https://yellowcard.mhra.gov.uk/",
        ),
        DemoReference(
            title="MedWatch: the FDA safety information and adverse event reporting program",
            source="US Food and Drug Administration",
            url="https://www.fda.gov/safety/medwatch-fda-safety-information-and-adverse-event-reporting-program",
        ),
    ],
    "chronic-migraine": [ICHD_3, NICE_CG150, NICE_TA260, AHS_2021],
    "tension-type-headache": [
        EFNS_TTH,
        ICHD_3,
        NICE_CG150,
        DemoReference(
            title="Aspirin for pain relief",
            source="NHS",
            url="https://www.nhs.uk/medicines/aspirin-for-pain-relief/",
        ),
    ],
    "keeping-a-headache-diary": [
        NICE_CG150,
        DemoReference(
            title="Migraine",
            source="NHS website (nhs.uk)",
            url="https://www.nhs.uk/conditions/migraine/",
        ),
    ],
    "medication-overuse-headache": [ICHD_3, NICE_CG150],
}
